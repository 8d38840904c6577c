import { For } from 'solid-js';
import { linkify } from '../lib/linkify';

/**
 * Message text as text nodes, never HTML (Solid sets textContent / creates text nodes for strings);
 * http(s) URLs become links that open in a new tab without handing it a reference to this window.
 */
export function MessageText(props: { text: string }) {
  return (
    <For each={linkify(props.text)}>
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
  );
}
