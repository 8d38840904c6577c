// Fetches the full picker's catalogue only when someone opens "More…": emojibase-data's compact JSON is
// ~570 KB (80 KB gzipped), most of the app's 100 KB budget, so it ships as a plain JSON asset (`?url`:
// no JS to parse, cached by the browser like any file) instead of in a bundle.
import catalogUrl from 'emojibase-data/en/compact.json?url';
import { type CompactEmoji, type EmojiGroup, groupCatalog } from './emoji-catalog';

let loading: Promise<EmojiGroup[]> | null = null;

/** Loads the catalogue once; a failed load is tried again on the next call. */
export function loadCatalog(): Promise<EmojiGroup[]> {
  loading ??= fetch(catalogUrl)
    .then((r) => {
      if (!r.ok) throw new Error(`emoji list: HTTP ${r.status}`);
      return r.json() as Promise<CompactEmoji[]>;
    })
    .then(groupCatalog)
    .catch((e: unknown) => {
      loading = null;
      throw e;
    });
  return loading;
}
