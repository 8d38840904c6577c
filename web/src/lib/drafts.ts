// Unsent text per room, kept in localStorage so a reload (or a crash of the tab) does not lose it.
// Keyed by user and room, so two people sharing a browser never see each other's drafts; cleared
// when the message is sent. Storage that is full or disabled only means drafts are not kept.
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'converge.draft.';

export function draftKey(userId: string, roomId: string): string {
  return `${PREFIX}${userId}.${roomId}`;
}

export function createDrafts(storage: () => DraftStorage | null) {
  const run = <T>(f: (s: DraftStorage) => T, fallback: T): T => {
    try {
      const s = storage();
      return s ? f(s) : fallback;
    } catch {
      return fallback;
    }
  };
  return {
    get(userId: string, roomId: string): string {
      return run((s) => s.getItem(draftKey(userId, roomId)) ?? '', '');
    },
    /** Saves the text, or forgets the draft when only whitespace is left. */
    set(userId: string, roomId: string, text: string): void {
      run((s) => (text.trim() ? s.setItem(draftKey(userId, roomId), text) : s.removeItem(draftKey(userId, roomId))), undefined);
    },
    clear(userId: string, roomId: string): void {
      run((s) => s.removeItem(draftKey(userId, roomId)), undefined);
    },
  };
}

export type Drafts = ReturnType<typeof createDrafts>;
