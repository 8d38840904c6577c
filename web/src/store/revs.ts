// The changes feed's rules on the client, as pure decisions: which copy of a message wins, and what a
// live event's rev says about what we missed. The messages slice does the I/O around them.
import type { Message } from '@converge/protocol';

/**
 * Whether `incoming` should replace `held` (the copy of the same seq we show). Only a newer rev does:
 * an older or equal one (a late ack, a changes page repeating a live event) would show a past state or
 * apply the same change twice.
 */
export function isNewer(held: Pick<Message, 'rev'> | undefined, incoming: Pick<Message, 'rev'>): boolean {
  return !held || incoming.rev > held.rev;
}

/**
 * What a live message's rev means against the room's rev we are complete up to: the next one (`next`),
 * one we already cover (`seen`), or one past a gap (`gap`): changes we never got, to fetch with
 * `room:changes` from `held`.
 */
export function revStep(held: number, rev: number): 'next' | 'seen' | 'gap' {
  if (rev <= held) return 'seen';
  return rev === held + 1 ? 'next' : 'gap';
}

/**
 * The rev we are complete up to after a `room:changes` page from `from`: the page's newest rev while
 * more pages follow, the room's `lastRev` once none does (everything up to it has been returned).
 */
export function revAfterPage(from: number, page: { messages: Pick<Message, 'rev'>[]; hasMore: boolean; lastRev: number }): number {
  const newest = page.messages.reduce((hi, m) => Math.max(hi, m.rev), from);
  return page.hasMore ? newest : Math.max(newest, page.lastRev);
}

/** Whether a message is a timeline line about the room (a join, a rename…), which no one edits or reacts to. */
export function isSystem(m: Message): boolean {
  return (m as { kind?: string }).kind === 'system';
}

/** The text of a system line, naming people through `name` ("alice joined", "bob renamed the room to X"). */
export function systemText(m: Message, name: (userId: string) => string): string {
  const s = (m as { system?: { event?: string; userId?: string; name?: string } }).system ?? {};
  const actor = name(m.senderId);
  const subject = s.userId ? name(s.userId) : actor;
  switch (s.event) {
    case 'joined':
      return `${subject} joined`;
    case 'left':
      return `${subject} left`;
    case 'added':
      return `${actor} added ${subject}`;
    case 'removed':
      return `${actor} removed ${subject}`;
    case 'renamed':
      return `${actor} renamed the room to ${s.name ?? ''}`.trimEnd();
    case 'visibility':
      return `${actor} changed who can find the room`;
    default:
      return `${actor} changed the room`;
  }
}
