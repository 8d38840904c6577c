import { For, type JSX } from 'solid-js';
import type { Inline } from '../lib/markdown';

/** One inline node of a formatted message: text nodes and a fixed set of elements, never HTML. */
export function MarkdownInline(props: { node: Inline }): JSX.Element {
  const n = props.node;
  const kids = (list: Inline[]) => <For each={list}>{(c) => <MarkdownInline node={c} />}</For>;
  switch (n.t) {
    case 'text':
      return n.text;
    case 'code':
      return <code class="md-code">{n.text}</code>;
    case 'strong':
      return <strong>{kids(n.children)}</strong>;
    case 'em':
      return <em>{kids(n.children)}</em>;
    case 'del':
      return <del>{kids(n.children)}</del>;
    case 'link':
      // A new tab that gets no reference to this window and no referrer.
      return (
        <a href={n.href} target="_blank" rel="noopener noreferrer">
          {kids(n.children)}
        </a>
      );
  }
}
