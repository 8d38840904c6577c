// The small pure pieces behind what the UI says and shows: counted words, waits, avatar colours,
// the sign-in return path, the unread line, drafts and the stored theme.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '@converge/protocol';
import { AVATAR_PALETTE, avatarColor } from '../src/lib/avatar-color';
import { createDrafts, draftKey } from '../src/lib/drafts';
import { count, waitLabel } from '../src/lib/plural';
import { loginPath, returnPath } from '../src/lib/return-to';
import { parseTheme } from '../src/lib/theme';
import { firstUnreadSeq } from '../src/lib/unread';

test('counted words follow the plural rules', () => {
  assert.equal(count(1, 'member', 'members'), '1 member');
  assert.equal(count(0, 'member', 'members'), '0 members');
  assert.equal(count(2, 'member', 'members'), '2 members');
  assert.equal(count(1200, 'member', 'members'), '1,200 members');
});

test('waits read as a person says them', () => {
  assert.equal(waitLabel(1), '1 second');
  assert.equal(waitLabel(40), '40 seconds');
  assert.equal(waitLabel(60), 'about 1 minute');
  assert.equal(waitLabel(895), 'about 15 minutes');
  assert.equal(waitLabel(900), 'about 15 minutes');
  assert.equal(waitLabel(901), 'about 16 minutes');
  assert.equal(waitLabel(2 * 3600), 'about 2 hours');
  assert.equal(waitLabel(0), '1 second');
});

/** WCAG relative luminance and contrast ratio. */
function contrast(hexA: string, hexB: string): number {
  const lum = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [hi, lo] = [lum(hexA), lum(hexB)].sort((a, b) => b - a);
  return (hi! + 0.05) / (lo! + 0.05);
}

test('every avatar colour carries white initials at AA; one id, one colour; ids spread', () => {
  for (const c of AVATAR_PALETTE) assert.ok(contrast(c, '#ffffff') >= 4.5, `${c}: ${contrast(c, '#ffffff').toFixed(2)}`);
  const id = '5b0e0b7e-1f0a-4c1e-9a57-2d8c1c1f0e11';
  assert.equal(avatarColor(id), avatarColor(id));
  const used = new Set(Array.from({ length: 200 }, (_, i) => avatarColor(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)));
  assert.ok(used.size >= AVATAR_PALETTE.length - 2, `only ${used.size} colours for 200 ids`);
});

test('only room paths survive sign-in; nothing else can be a redirect', () => {
  const room = '/c/5b0e0b7e-1f0a-4c1e-9a57-2d8c1c1f0e11';
  assert.equal(returnPath(`?next=${encodeURIComponent(room)}`), room);
  for (const bad of ['?next=https://evil.example', '?next=//evil.example', '?next=/c/../../x', '?next=/login', '', '?next=']) {
    assert.equal(returnPath(bad), null, bad);
  }
  assert.equal(loginPath('/login', room), `/login?next=${encodeURIComponent(room)}`);
  assert.equal(loginPath('/login', '/'), '/login');
});

function msg(seq: number, senderId: string, deleted = false): Message {
  return { seq, senderId, deletedAt: deleted ? '2025-01-01T00:00:00.000Z' : null } as Message;
}

test('the unread line goes before the first unread message of someone else', () => {
  const list = [msg(1, 'bob'), msg(2, 'me'), msg(3, 'bob', true), msg(4, 'bob'), msg(5, 'bob')];
  assert.equal(firstUnreadSeq(list, 1, 'me'), 4);
  assert.equal(firstUnreadSeq(list, 0, 'me'), 1);
  assert.equal(firstUnreadSeq(list, 5, 'me'), null);
});

test('drafts are per user and room, cleared by an empty text, and survive broken storage', () => {
  const data = new Map<string, string>();
  const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
  const drafts = createDrafts(() => storage);
  drafts.set('u1', 'r1', 'hello');
  assert.equal(drafts.get('u1', 'r1'), 'hello');
  assert.equal(drafts.get('u2', 'r1'), '');
  assert.equal(data.get(draftKey('u1', 'r1')), 'hello');
  drafts.set('u1', 'r1', '   ');
  assert.equal(data.size, 0);
  const broken = createDrafts(() => {
    throw new Error('SecurityError');
  });
  broken.set('u1', 'r1', 'x');
  assert.equal(broken.get('u1', 'r1'), '');
});

test('an unknown stored theme is "system"', () => {
  assert.equal(parseTheme('dark'), 'dark');
  assert.equal(parseTheme('light'), 'light');
  assert.equal(parseTheme('purple'), 'system');
  assert.equal(parseTheme(null), 'system');
});
