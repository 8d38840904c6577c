import type { NatsConnection } from 'nats';
import type { Logger } from './logger';
import type { NatsLink } from './nats';

/**
 * What one connected pass of a subscriber does: set up its subscription or consumer on `nc`, hand
 * `onStop` the way to end it, then read until it ends (the connection closed, or `stop()`).
 */
export type SubscriptionPass = (nc: NatsConnection, onStop: (end: () => void) => void) => Promise<void>;

/**
 * Keeps a NATS subscriber alive while the process runs: waits for NATS, runs a pass, and after a
 * pass ends or fails (an outage, a reconnect) waits a second and runs another, until stopped. The
 * consumers of the services (durable JetStream or plain subscriptions) share this loop.
 */
export class NatsSubscriptionLoop {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private endPass: (() => void) | undefined;

  constructor(
    private readonly nats: NatsLink,
    private readonly logger: Logger,
    /** Names the subscriber in the log line of an interrupted pass. */
    private readonly name: string,
  ) {}

  start(pass: SubscriptionPass): void {
    this.loop ??= this.run(pass);
  }

  private async run(pass: SubscriptionPass): Promise<void> {
    while (!this.stopped) {
      try {
        await this.nats.whenConnected();
        const nc = this.nats.connection;
        if (!nc) throw new Error('NATS not connected');
        await pass(nc, (end) => {
          this.endPass = end;
          if (this.stopped) end();
        });
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err: (err as Error).message }, `${this.name} interrupted; retrying`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000).unref());
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endPass?.();
    // The loop may be waiting for a NATS that never came: don't let it hold the drain.
    await Promise.race([this.loop?.catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}
