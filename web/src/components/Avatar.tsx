import { Show } from 'solid-js';
import { avatarColor } from '../lib/avatar-color';
import { initials } from '../lib/format';

/**
 * Initials on a colour that is stable per id (lib/avatar-color.ts); a presence dot when `online` is
 * given: true / false, or null for "not known now" (we are offline ourselves).
 */
export function Avatar(props: { id: string; name: string; size?: 'sm' | 'md' | 'lg'; online?: boolean | null | undefined }) {
  return (
    <span class={`avatar avatar--${props.size ?? 'md'}`} style={{ '--avatar-bg': avatarColor(props.id) }} aria-hidden="true">
      {initials(props.name)}
      <Show when={props.online !== undefined}>
        <span
          class="presence"
          classList={{ 'presence--on': props.online === true, 'presence--unknown': props.online === null }}
          data-online={props.online === null ? 'unknown' : String(props.online)}
        />
      </Show>
    </span>
  );
}
