/**
 * One run per room at a time: a request while one is under way makes it go round again once it
 * finishes (so what arrived meanwhile is fetched too), and gets the same promise. A failed run is
 * swallowed: the next connect starts the catch-ups again from what the store holds.
 */
export function perRoomRuns(round: (roomId: string) => Promise<void>) {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  return {
    run(roomId: string): Promise<void> {
      const current = running.get(roomId);
      if (current) {
        again.add(roomId);
        return current;
      }
      const p = (async () => {
        do {
          again.delete(roomId);
          await round(roomId);
        } while (again.has(roomId));
      })()
        .catch(() => undefined)
        .finally(() => running.delete(roomId));
      running.set(roomId, p);
      return p;
    },
    clear(): void {
      running.clear();
      again.clear();
    },
  };
}
