import { SESSION_SUBJECTS, type SessionRevokedEvent, sessionRevokedEventSchema } from '@converge/protocol';
import { type Logger, type NatsLink, NatsSubscriptionLoop } from '@converge/runtime';

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
  private readonly loop: NatsSubscriptionLoop;

  constructor(
    nats: NatsLink,
    private readonly onRevoked: (e: SessionRevokedEvent) => Promise<void> | void,
    private readonly logger: Logger,
  ) {
    this.loop = new NatsSubscriptionLoop(nats, logger, 'Session revocation listener');
  }

  start(): void {
    this.loop.start(async (nc, onStop) => {
      const sub = nc.subscribe(SESSION_SUBJECTS.revoked);
      onStop(() => sub.unsubscribe());
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
    });
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
