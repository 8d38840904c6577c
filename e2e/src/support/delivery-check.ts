// The guarantee every e2e chat test checks, as a pure function: every acknowledged message reaches
// every member exactly once, in room order (by seq: 1..n, no gap, no message stored twice), and every
// member holds the same room. It returns the problems found (empty: the guarantee holds), each naming
// the member and the message, so a failing test says what went wrong.
import type { Message } from '@converge/protocol';

export interface MemberView {
  name: string;
  /** The member's messages in seq order (ChatClient.history()). */
  history: Message[];
}

const idOf = (m: Pick<Message, 'senderId' | 'clientMsgId'>) => `${m.senderId}/${m.clientMsgId}`;

export function deliveryProblems(acked: readonly Message[], members: readonly MemberView[]): string[] {
  const problems: string[] = [];
  // The acks themselves: one seq per (sender, clientMsgId), one message per seq.
  const seqOfId = new Map<string, number>();
  const idOfSeq = new Map<number, string>();
  for (const m of acked) {
    const id = idOf(m);
    const seq = seqOfId.get(id);
    if (seq !== undefined && seq !== m.seq) problems.push(`acks: ${id} acked as seq ${seq} and as seq ${m.seq} (stored twice)`);
    seqOfId.set(id, m.seq);
    const other = idOfSeq.get(m.seq);
    if (other !== undefined && other !== id) problems.push(`acks: seq ${m.seq} acked for ${other} and for ${id}`);
    idOfSeq.set(m.seq, id);
  }
  const highestAcked = Math.max(0, ...acked.map((m) => m.seq));

  let reference: MemberView | undefined;
  for (const member of members) {
    const h = member.history;
    h.forEach((m, i) => {
      if (m.seq !== i + 1) problems.push(`${member.name}: position ${i + 1} holds seq ${m.seq} (a gap or a repeat before it)`);
    });
    if (h.length < highestAcked) problems.push(`${member.name}: holds ${h.length} messages, seq ${highestAcked} was acked`);
    const seen = new Map<string, number>();
    for (const m of h) {
      const id = idOf(m);
      const first = seen.get(id);
      if (first !== undefined) problems.push(`${member.name}: ${id} held twice, as seq ${first} and ${m.seq}`);
      seen.set(id, m.seq);
    }
    for (const [id, seq] of seqOfId) {
      const got = seen.get(id);
      if (got === undefined) problems.push(`${member.name}: acked ${id} (seq ${seq}) is missing`);
      else if (got !== seq) problems.push(`${member.name}: acked ${id} is seq ${seq}, held as seq ${got}`);
    }
    if (!reference) reference = member;
    else if (h.length === reference.history.length) {
      const differs = h.findIndex((m, i) => idOf(m) !== idOf(reference!.history[i] as Message));
      if (differs >= 0) problems.push(`${member.name} and ${reference.name} differ at seq ${differs + 1}`);
    } else problems.push(`${member.name} holds ${h.length} messages, ${reference.name} ${reference.history.length}`);
  }
  return problems;
}

/** The longest time without an ack, between `from` and `to` (ms since the epoch), over all acks. */
export function longestStall(ackTimes: readonly number[], from: number, to: number): number {
  const times = [from, ...ackTimes.filter((t) => t > from && t < to).sort((a, b) => a - b), to];
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
  return longest;
}
