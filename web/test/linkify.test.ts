import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkify } from '../src/lib/linkify';

test('plain text stays one text part, markup included', () => {
  assert.deepEqual(linkify('<img src=x onerror="window.__xss=1">'), [{ kind: 'text', text: '<img src=x onerror="window.__xss=1">' }]);
});

test('http(s) and www. URLs become links; trailing punctuation stays text', () => {
  assert.deepEqual(linkify('see https://example.com/a?b=1, or www.example.org.'), [
    { kind: 'text', text: 'see ' },
    { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
    { kind: 'text', text: ', or ' },
    { kind: 'link', text: 'www.example.org', href: 'https://www.example.org/' },
    { kind: 'text', text: '.' },
  ]);
});

test('a closing parenthesis that belongs to the URL is kept', () => {
  const parts = linkify('(https://en.wikipedia.org/wiki/Foo_(bar))');
  assert.deepEqual(parts, [
    { kind: 'text', text: '(' },
    { kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
    { kind: 'text', text: ')' },
  ]);
});

test('other schemes never become links', () => {
  for (const s of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:msgbox', 'file:///etc/passwd']) {
    assert.deepEqual(
      linkify(s).filter((p) => p.kind === 'link'),
      [],
      s,
    );
  }
});

test('the parts put back together are the original text', () => {
  const text = 'a https://x.io b www.y.io/z c\nhttp://q.r/s?t=u#v';
  assert.equal(
    linkify(text)
      .map((p) => p.text)
      .join(''),
    text,
  );
});
