import { AckPolicy, DeliverPolicy } from 'nats';
import { AppError, parseOrThrow, USER_SUBJECTS, userEventSchema, USERS_STREAM } from '@converge/protocol';
import { ensureStream, type Logger, type NatsLink, NatsSubscriptionLoop } from '@converge/runtime';
import type { UserEventsService } from '../domain/user-events.service';

/** The durable JetStream consumer of `USERS`; one name for every chat pod, so each event goes to one of them. */
export const USERS_CONSUMER = 'chat';

/**
 * Consumes `USERS` with a durable consumer while the process runs: it waits for NATS, survives
 * outages (the durable consumer resumes where it stopped), acks after the effect committed, and
 * terminates malformed events instead of redelivering them forever.
 */
export class UserEventsConsumer {
  private readonly loop: NatsSubscriptionLoop;

  constructor(
    nats: NatsLink,
    private readonly events: UserEventsService,
    private readonly logger: Logger,
  ) {
    this.loop = new NatsSubscriptionLoop(nats, logger, 'USERS consumer');
  }

  start(): void {
    this.loop.start(async (nc, onStop) => {
      const jsm = await nc.jetstreamManager();
      // The user service owns USERS, but either may start first.
      await ensureStream(jsm, USERS_STREAM, Object.values(USER_SUBJECTS));
      await jsm.consumers.add(USERS_STREAM, {
        durable_name: USERS_CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30_000_000_000,
      });
      const consumer = await nc.jetstream().consumers.get(USERS_STREAM, USERS_CONSUMER);
      const messages = await consumer.consume({ max_messages: 100 });
      onStop(() => messages.stop());
      for await (const m of messages) {
        try {
          // Parsed once, here; a malformed event is VALIDATION_FAILED and terminated below.
          const fresh = await this.events.handle(m.subject, parseOrThrow(userEventSchema, m.json()));
          m.ack();
          this.logger.debug({ subject: m.subject, fresh }, 'User event handled');
        } catch (err) {
          if ((err instanceof AppError && err.code === 'VALIDATION_FAILED') || err instanceof SyntaxError) {
            this.logger.warn({ subject: m.subject, err: err.message }, 'Malformed user event dropped');
            m.term();
          } else {
            this.logger.warn({ subject: m.subject, err: (err as Error).message }, 'User event failed; redelivery later');
            m.nak(1000);
          }
        }
      }
    });
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
