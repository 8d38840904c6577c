// markdown-it is most of the app's weight, so it comes in its own chunk, fetched once the app starts.
// Until it arrives (a few milliseconds after the first screen, usually before any message) messages
// render as plain text with their links, exactly as safely; then they re-render formatted.
import { createSignal } from 'solid-js';
import type { Block } from './markdown';

type Parse = (text: string) => Block[];

const [parser, setParser] = createSignal<Parse | null>(null);
let started = false;

/** Starts loading the formatter (idempotent; a failed load is tried again on the next call). */
export function loadMarkdown(): void {
  if (started) return;
  started = true;
  import('./markdown').then(
    (m) => setParser(() => m.parseMessage),
    () => {
      started = false;
    },
  );
}

/** The parser once loaded, else null (reactive). */
export { parser };
