/** Socket work under way in this process, so a drain can let it finish before closing sockets. */
export class SocketWork {
  inFlight = 0;
  draining = false;

  /** Resolves when nothing is in flight, or after `maxMs`. */
  async settled(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
}
