import { Show } from 'solid-js';
import { hueOf, initials } from '../lib/format';

/** Initials on a colour that is stable per id; a presence dot when `online` is known. */
export function Avatar(props: { id: string; name: string; size?: 'sm' | 'md' | 'lg'; online?: boolean | undefined }) {
  return (
    <span class={`avatar avatar--${props.size ?? 'md'}`} style={{ '--hue': String(hueOf(props.id)) }} aria-hidden="true">
      {initials(props.name)}
      <Show when={props.online !== undefined}>
        <span class="presence" classList={{ 'presence--on': props.online === true }} data-online={String(props.online)} />
      </Show>
    </span>
  );
}
