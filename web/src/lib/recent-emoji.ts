// The quick picker's emoji: a small fixed set everyone reaches for, led by the ones this user picked
// last (kept in localStorage per user, so people sharing a browser keep their own). Storage that is
// full or disabled only means no recent ones.
import type { DraftStorage } from './drafts';

export const FREQUENT_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'] as const;
export const MAX_RECENT = 8;
const PREFIX = 'converge.recentEmoji.';

/** `emoji` first, then the earlier ones without it, at most MAX_RECENT. */
export function pushRecent(list: readonly string[], emoji: string): string[] {
  return [emoji, ...list.filter((e) => e !== emoji)].slice(0, MAX_RECENT);
}

/** The quick picker's row: recent ones first, then the frequent ones not already among them. */
export function quickEmoji(recent: readonly string[], size = 8): string[] {
  return [...new Set([...recent, ...FREQUENT_EMOJI])].slice(0, size);
}

export function readRecent(storage: DraftStorage | null, userId: string): string[] {
  try {
    const raw = storage?.getItem(PREFIX + userId);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function rememberRecent(storage: DraftStorage | null, userId: string, emoji: string): string[] {
  const next = pushRecent(readRecent(storage, userId), emoji);
  try {
    storage?.setItem(PREFIX + userId, JSON.stringify(next));
  } catch {
    // Not kept: the quick picker shows the fixed set.
  }
  return next;
}
