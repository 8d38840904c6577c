import type { User } from '@converge/protocol';
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { useStore } from '../store';
import { Avatar } from './Avatar';
import { Icon } from './Icon';

/** Searches people by username prefix; each result is a button (or a toggle when `selected` is given). */
export function UserPicker(props: {
  label: string;
  onPick: (user: User) => void;
  selected?: string[];
  exclude?: string[];
  autofocus?: boolean;
}) {
  const { session, users } = useStore();
  const [query, setQuery] = createSignal('');
  const [results, setResults] = createSignal<User[]>([]);
  const [state, setState] = createSignal<'idle' | 'loading' | 'done' | 'error'>('idle');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  onCleanup(() => clearTimeout(timer));

  const search = (q: string) => {
    setQuery(q);
    clearTimeout(timer);
    const term = q.trim().toLowerCase();
    if (!term) {
      setResults([]);
      setState('idle');
      return;
    }
    setState('loading');
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const found = await users.search(term.slice(0, 32), 10);
        if (mine !== seq) return;
        const skip = new Set([session.me(), ...(props.exclude ?? [])]);
        setResults(found.filter((u) => !skip.has(u.id)));
        setState('done');
      } catch {
        if (mine === seq) setState('error');
      }
    }, 200);
  };

  const isSelected = (id: string) => props.selected?.includes(id) ?? false;

  return (
    <div class="picker">
      <label class="field">
        <span class="field__label">{props.label}</span>
        <span class="picker__search">
          <Icon name="search" size={16} />
          <input
            type="search"
            placeholder="Search by username"
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            ref={(el) => props.autofocus && queueMicrotask(() => el.focus())}
            value={query()}
            onInput={(e) => search(e.currentTarget.value)}
            data-testid="user-search"
          />
        </span>
      </label>
      <div class="picker__results" aria-live="polite">
        <Show when={state() === 'loading'}>
          <p class="picker__hint">Searching…</p>
        </Show>
        <Show when={state() === 'error'}>
          <p class="picker__hint">Search failed. Try again.</p>
        </Show>
        <Show when={state() === 'done' && results().length === 0}>
          <p class="picker__hint">Nobody found for “{query().trim()}”.</p>
        </Show>
        <ul class="picker__list">
          <For each={results()}>
            {(u) => (
              <li>
                <button
                  type="button"
                  class="person"
                  classList={{ 'person--selected': isSelected(u.id) }}
                  aria-pressed={props.selected ? isSelected(u.id) : undefined}
                  data-testid="user-result"
                  data-username={u.username}
                  onClick={() => props.onPick(u)}
                >
                  <Avatar id={u.id} name={u.displayName || u.username} size="sm" />
                  <span class="person__names">
                    <span class="person__name">{u.displayName || u.username}</span>
                    <span class="person__handle">@{u.username}</span>
                  </span>
                  <Show when={isSelected(u.id)}>
                    <Icon name="check" size={18} />
                  </Show>
                </button>
              </li>
            )}
          </For>
        </ul>
      </div>
    </div>
  );
}
