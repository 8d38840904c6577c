import { createMemo, For, Show } from 'solid-js';
import { linkify } from '../lib/linkify';
import { renderBlocks } from '../lib/markdown-dom';
import { parser } from '../lib/markdown-loader';

/**
 * Message text, formatted (a Markdown subset, lib/markdown.ts) once the formatter has loaded, plain
 * before. Either way it is built from text nodes and a fixed set of elements, never from HTML; links
 * are http(s) (or mailto, when written as a link) and open in a new tab without a reference to this window.
 */
export function MessageText(props: { text: string }) {
  const formatted = createMemo(() => {
    const parse = parser();
    return parse ? Array.from(renderBlocks(parse(props.text)).childNodes) : null;
  });
  return (
    <Show when={formatted()} fallback={plain(props.text)}>
      {(nodes) => nodes()}
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
