// The user's recent reaction emoji as a signal over the browser's storage (the quick picker reads it).
import { createSignal } from 'solid-js';
import type { DraftStorage } from '../lib/drafts';
import { quickEmoji, readRecent, rememberRecent } from '../lib/recent-emoji';

export function createRecentEmoji(storage: () => DraftStorage | null, me: () => string | null) {
  const [version, setVersion] = createSignal(0);
  const safe = () => {
    try {
      return storage();
    } catch {
      return null;
    }
  };
  return {
    /** The quick picker's row for the signed-in user (reactive). */
    quick(): string[] {
      version();
      const id = me();
      return quickEmoji(id ? readRecent(safe(), id) : []);
    },
    remember(emoji: string): void {
      const id = me();
      if (!id) return;
      rememberRecent(safe(), id, emoji);
      setVersion((v) => v + 1);
    },
  };
}
