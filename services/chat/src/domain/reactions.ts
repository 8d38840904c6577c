import { MAX_REACTION_EMOJI, type Reaction, REACTION_USER_IDS } from '@converge/protocol';

export type ReactionOp = 'add' | 'remove';

/** What a reaction change is decided on, read under the message's lock. */
export interface ReactionState {
  /** The caller already reacted with this emoji. */
  mine: boolean;
  /** Someone (anyone) reacted with this emoji. */
  present: boolean;
  /** How many distinct emoji the message has. */
  distinct: number;
  /** The message is a system message (a join, a rename...): nobody reacts to it. */
  system?: boolean;
}

/** `apply` changes the message (and takes a rev); `noop` is the idempotent repeat; `too_many` a 21st emoji; `system` refused. */
export type ReactionDecision = 'apply' | 'noop' | 'too_many' | 'system';

export function decideReaction(op: ReactionOp, s: ReactionState): ReactionDecision {
  // Refused even as a removal: nothing could be there to remove, and the answer stays one.
  if (s.system) return 'system';
  if (op === 'remove') return s.mine ? 'apply' : 'noop';
  if (s.mine) return 'noop';
  // Joining an emoji already there never adds a distinct one.
  if (!s.present && s.distinct >= MAX_REACTION_EMOJI) return 'too_many';
  return 'apply';
}

/**
 * `message.reactions` from the reaction rows in order of first use: one entry per emoji (ordered by
 * its first use), its exact count, its first 20 reactors. PostgreSQL computes the same in SQL
 * (persistence/message-changes.ts); the repository contract suite holds the two to one answer.
 */
export function summarizeReactions(rows: readonly { emoji: string; userId: string }[]): Reaction[] {
  const by = new Map<string, Reaction>();
  for (const { emoji, userId } of rows) {
    const r = by.get(emoji) ?? { emoji, count: 0, userIds: [] };
    r.count++;
    if (r.userIds.length < REACTION_USER_IDS) r.userIds.push(userId);
    by.set(emoji, r);
  }
  return [...by.values()];
}
