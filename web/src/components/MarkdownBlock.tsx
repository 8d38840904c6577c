import { For, type JSX } from 'solid-js';
import type { Block } from '../lib/markdown';
import { MarkdownInline } from './MarkdownInline';

/** One block of a formatted message: paragraph, quote, list or code block. */
export function MarkdownBlock(props: { node: Block }): JSX.Element {
  const n = props.node;
  const blocks = (list: Block[]) => <For each={list}>{(b) => <MarkdownBlock node={b} />}</For>;
  switch (n.t) {
    case 'p':
      return (
        <p class="md-p">
          <For each={n.children}>{(c) => <MarkdownInline node={c} />}</For>
        </p>
      );
    case 'quote':
      return <blockquote class="md-quote">{blocks(n.children)}</blockquote>;
    case 'pre':
      return (
        <pre class="md-pre" data-lang={n.lang || undefined}>
          <code>{n.text}</code>
        </pre>
      );
    case 'list': {
      const items = <For each={n.items}>{(item) => <li>{blocks(item)}</li>}</For>;
      return n.ordered ? (
        <ol class="md-list" start={n.start === 1 ? undefined : n.start}>
          {items}
        </ol>
      ) : (
        <ul class="md-list">{items}</ul>
      );
    }
  }
}
