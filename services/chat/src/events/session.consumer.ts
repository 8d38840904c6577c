import { SESSION_SUBJECTS, type SessionRevokedEvent, sessionRevokedEventSchema } from '@converge/protocol';
import type { Logger, NatsLink } from '@converge/runtime';

function parseEvent(text: string): SessionRevokedEvent | undefined {
  try {
    const r = sessionRevokedEventSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hears `sessions.revoked` on every chat pod (a plain NATS subscription, not the shared durable
 * consumer: each pod must close the connections it holds). At most once: a pod cut off from NATS
 * at that moment misses the event, and the access token's own expiry still closes its connections.
 */
export class SessionRevocationListener {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly nats: NatsLink,
    private readonly onRevoked: (e: SessionRevokedEvent) => Promise<void> | void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.nats.whenConnected();
        const nc = this.nats.connection;
        if (!nc) throw new Error('NATS not connected');
        const sub = nc.subscribe(SESSION_SUBJECTS.revoked);
        this.unsubscribe = () => sub.unsubscribe();
        if (this.stopped) break;
        // Ends when the connection closes; the loop subscribes again on the next one.
        for await (const m of sub) {
          const e = parseEvent(m.string());
          if (!e) {
            this.logger.warn({ subject: m.subject }, 'Malformed session event dropped');
            continue;
          }
          await Promise.resolve(this.onRevoked(e)).catch((err: unknown) =>
            this.logger.warn({ err: (err as Error).message }, 'Session revocation failed'),
          );
        }
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err: (err as Error).message }, 'Session revocation listener interrupted; retrying');
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000).unref());
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await Promise.race([this.loop?.catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  }
}
