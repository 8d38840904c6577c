import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Block, type Inline, parseMessage, safeHref } from '../src/lib/markdown';

/** Every link address in a tree. */
function hrefs(blocks: Block[]): string[] {
  const out: string[] = [];
  const inl = (list: Inline[]) => {
    for (const n of list) {
      if (n.t === 'link') out.push(n.href);
      if ('children' in n) inl(n.children);
    }
  };
  const blk = (list: Block[]) => {
    for (const b of list) {
      if (b.t === 'p') inl(b.children);
      else if (b.t === 'quote') blk(b.children);
      else if (b.t === 'list') b.items.forEach(blk);
    }
  };
  blk(blocks);
  return out;
}

/** The text a reader sees, formatting removed. */
function text(blocks: Block[]): string {
  const inl = (list: Inline[]): string => list.map((n) => (n.t === 'text' || n.t === 'code' ? n.text : inl(n.children))).join('');
  return blocks
    .map((b) => (b.t === 'p' ? inl(b.children) : b.t === 'pre' ? b.text : b.t === 'quote' ? text(b.children) : b.items.map(text).join('|')))
    .join('¶');
}

test('the subset: bold, italic, strike, inline code, links', () => {
  assert.deepEqual(parseMessage('**b** _i_ ~~s~~ `c` [x](https://e.com/)'), [
    {
      t: 'p',
      children: [
        { t: 'strong', children: [{ t: 'text', text: 'b' }] },
        { t: 'text', text: ' ' },
        { t: 'em', children: [{ t: 'text', text: 'i' }] },
        { t: 'text', text: ' ' },
        { t: 'del', children: [{ t: 'text', text: 's' }] },
        { t: 'text', text: ' ' },
        { t: 'code', text: 'c' },
        { t: 'text', text: ' ' },
        { t: 'link', href: 'https://e.com/', children: [{ t: 'text', text: 'x' }] },
      ],
    },
  ]);
});

test('code blocks, quotes and lists', () => {
  assert.deepEqual(parseMessage('```ts\nconst a = 1;\n```'), [{ t: 'pre', text: 'const a = 1;', lang: 'ts' }]);
  assert.deepEqual(parseMessage('> quoted'), [{ t: 'quote', children: [{ t: 'p', children: [{ t: 'text', text: 'quoted' }] }] }]);
  const [list] = parseMessage('3. three\n4. four');
  assert.ok(list?.t === 'list' && list.ordered && list.start === 3 && list.items.length === 2);
  const [bullets] = parseMessage('- a\n- b');
  assert.ok(bullets?.t === 'list' && !bullets.ordered);
});

test('raw HTML and entities stay text; line breaks stay newlines', () => {
  assert.equal(text(parseMessage('<script>alert(1)</script>')), '<script>alert(1)</script>');
  assert.equal(text(parseMessage('<img src=x onerror="window.__xss=1">')), '<img src=x onerror="window.__xss=1">');
  assert.equal(text(parseMessage('&lt;b&gt; &amp; &#60;i&#62;')), '<b> & <i>');
  assert.equal(text(parseMessage('first line\nsecond line')), 'first line\nsecond line');
});

test('only http(s) and mailto addresses become links', () => {
  for (const bad of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](data:text/html,hi)', '[x](vbscript:x)', '<javascript:alert(1)>', '[x](/relative)', '[x](//evil.example)', '[x](java\tscript:alert(1))']) {
    assert.deepEqual(hrefs(parseMessage(bad)), [], bad);
  }
  assert.deepEqual(hrefs(parseMessage('<https://a.example/x>, [mail](mailto:mail@b.example), www.example.org and **https://c.example/y**')), [
    'https://a.example/x',
    'mailto:mail@b.example',
    'https://www.example.org/',
    'https://c.example/y',
  ]);
  assert.equal(safeHref('mailto:a@b.c'), 'mailto:a@b.c');
  assert.equal(safeHref('ftp://x.y/'), null);
});

test('hostile input parses quickly and never throws', () => {
  const R = (s: string) => s.repeat(Math.ceil(4000 / s.length)).slice(0, 4000);
  for (const s of ['`', '*a', '_a', '[a](', '> ', '1. ', '- > ', '[[', '<', '~~a', '\\', '&#', '*_`~[']) {
    const t0 = performance.now();
    const blocks = parseMessage(R(s));
    const ms = performance.now() - t0;
    assert.ok(Array.isArray(blocks));
    assert.ok(ms < 200, `${JSON.stringify(s)} took ${ms.toFixed(0)} ms`);
  }
});

test('bare words that only look like domains stay text', () => {
  assert.deepEqual(hrefs(parseMessage('see readme.md and main.py')), []);
});

test('a message with more formatting than anyone means shows as written', () => {
  const text = '*a'.repeat(2000);
  assert.deepEqual(parseMessage(text), [{ t: 'p', children: [{ t: 'text', text }] }]);
  assert.equal(parseMessage('**a** '.repeat(50)).length, 1);
  assert.ok(parseMessage('**a** '.repeat(50))[0]!.t === 'p');
});
