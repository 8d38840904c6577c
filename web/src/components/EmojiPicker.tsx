// The reaction picker: a row of quick emoji (recent, then frequent) and "more", which loads the full
// catalogue (emojibase-data, its own chunk) with a search box and one group shown at a time, so the
// page never holds two thousand buttons. Escape closes it.
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { type EmojiGroup, searchCatalog } from '../lib/emoji-catalog';
import { loadCatalog } from '../lib/emoji-catalog-loader';

export function EmojiPicker(props: { quick: string[]; onPick: (emoji: string) => void; onClose: () => void }) {
  let el!: HTMLDivElement;
  // Keyboard users land on the first emoji, so Escape (handled below) and arrows-by-Tab work at once.
  onMount(() => el.querySelector<HTMLButtonElement>('button')?.focus());
  const [full, setFull] = createSignal(false);
  const [catalog] = createResource(full, () => loadCatalog());
  const [group, setGroup] = createSignal(0);
  const [query, setQuery] = createSignal('');
  const shown = createMemo(() => {
    const groups: EmojiGroup[] = catalog() ?? [];
    return query().trim() ? searchCatalog(groups, query()) : (groups[group()]?.emoji ?? []);
  });

  return (
    <div
      ref={el}
      class="picker"
      role="group"
      aria-label="Pick a reaction"
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <div class="picker__quick">
        <For each={props.quick}>
          {(emoji) => (
            <button type="button" class="picker__emoji" aria-label={`React with ${emoji}`} onClick={() => props.onPick(emoji)}>
              {emoji}
            </button>
          )}
        </For>
        <button type="button" class="picker__more" aria-expanded={full()} onClick={() => setFull(!full())}>
          More…
        </button>
      </div>
      <Show when={full()}>
        <Show when={!catalog.loading} fallback={<p class="picker__note">Loading emoji…</p>}>
          <Show when={!catalog.error} fallback={<p class="picker__note" role="alert">Could not load the emoji list</p>}>
            <input
              class="picker__search"
              type="search"
              placeholder="Search emoji"
              aria-label="Search emoji"
              value={query()}
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
            <Show when={!query().trim()}>
              <div class="picker__groups">
                <For each={catalog() ?? []}>
                  {(g, i) => (
                    <button type="button" class="picker__group" aria-pressed={group() === i()} onClick={() => setGroup(i())}>
                      {g.name}
                    </button>
                  )}
                </For>
              </div>
            </Show>
            <div class="picker__grid">
              <For each={shown()}>
                {(e) => (
                  <button type="button" class="picker__emoji" aria-label={e.label} title={e.label} onClick={() => props.onPick(e.unicode)}>
                    {e.unicode}
                  </button>
                )}
              </For>
            </div>
          </Show>
        </Show>
      </Show>
    </div>
  );
}
