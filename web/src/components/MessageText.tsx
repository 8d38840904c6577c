import { createMemo, For, Show } from 'solid-js';
import { linkify } from '../lib/linkify';
import { parser } from '../lib/markdown-loader';
import { MarkdownBlock } from './MarkdownBlock';

/**
 * Message text, formatted (a Markdown subset, lib/markdown.ts) once the formatter has loaded, plain
 * before. Either way it is built from text nodes and a fixed set of elements, never from HTML; links
 * are http(s) (and mailto when formatted) and open in a new tab without a reference to this window.
 */
export function MessageText(props: { text: string }) {
  const blocks = createMemo(() => parser()?.(props.text) ?? null);
  return (
    <Show when={blocks()} fallback={plain(props.text)}>
      {(b) => <For each={b()}>{(block) => <MarkdownBlock node={block} />}</For>}
    </Show>
  );
}

/** Before the formatter loads: text with its http(s) links, as the app always showed it. */
function plain(text: string) {
  return (
    <span class="md-plain">
      <For each={linkify(text)}>
        {(part) =>
          part.kind === 'link' ? (
            <a href={part.href} target="_blank" rel="noopener noreferrer">
              {part.text}
            </a>
          ) : (
            part.text
          )
        }
      </For>
    </span>
  );
}
