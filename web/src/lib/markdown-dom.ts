// Builds the DOM of a formatted message from the tree lib/markdown.ts makes. Plain DOM calls rather
// than a component per node: the tree never changes once built, so reactivity buys nothing, and a
// hostile message (2000 nested emphases) renders in a few milliseconds instead of tens. Safety is
// the same as with components: text only ever becomes text nodes (createTextNode), the element names
// are this file's fixed set, and the only attributes set are a checked href, rel/target, start and
// data-lang.
import type { Block, Inline } from './markdown';

const INLINE_TAG = { strong: 'strong', em: 'em', del: 'del' } as const;

function inline(n: Inline, into: Node): void {
  switch (n.t) {
    case 'text':
      into.appendChild(document.createTextNode(n.text));
      return;
    case 'code': {
      const el = document.createElement('code');
      el.className = 'md-code';
      el.textContent = n.text;
      into.appendChild(el);
      return;
    }
    case 'link': {
      const a = document.createElement('a');
      // Checked by safeHref when the tree was built: http(s) or mailto only.
      a.href = n.href;
      // A new tab that gets no reference to this window and no referrer.
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      for (const c of n.children) inline(c, a);
      into.appendChild(a);
      return;
    }
    default: {
      const el = document.createElement(INLINE_TAG[n.t]);
      for (const c of n.children) inline(c, el);
      into.appendChild(el);
    }
  }
}

function block(b: Block, into: Node): void {
  switch (b.t) {
    case 'p': {
      const p = document.createElement('p');
      p.className = 'md-p';
      for (const c of b.children) inline(c, p);
      into.appendChild(p);
      return;
    }
    case 'quote': {
      const q = document.createElement('blockquote');
      q.className = 'md-quote';
      for (const c of b.children) block(c, q);
      into.appendChild(q);
      return;
    }
    case 'pre': {
      const pre = document.createElement('pre');
      pre.className = 'md-pre';
      if (b.lang) pre.dataset.lang = b.lang;
      const code = document.createElement('code');
      code.textContent = b.text;
      pre.appendChild(code);
      into.appendChild(pre);
      return;
    }
    case 'list': {
      const list = document.createElement(b.ordered ? 'ol' : 'ul');
      list.className = 'md-list';
      if (b.ordered && b.start !== 1) list.setAttribute('start', String(b.start));
      for (const item of b.items) {
        const li = document.createElement('li');
        for (const c of item) block(c, li);
        list.appendChild(li);
      }
      into.appendChild(list);
    }
  }
}

/** The formatted message as a fragment, ready to insert. */
export function renderBlocks(blocks: Block[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const b of blocks) block(b, frag);
  return frag;
}
