import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection, RetentionPolicy, StorageType } from 'nats';
import type { Logger } from 'pino';

export interface NatsAuth {
  user?: string | undefined;
  pass?: string | undefined;
}

/** The NATS credentials of a config (NATS_USER / NATS_PASSWORD). */
export function natsAuth(c: { NATS_USER?: string | undefined; NATS_PASSWORD?: string | undefined }): NatsAuth {
  return { user: c.NATS_USER, pass: c.NATS_PASSWORD };
}

/**
 * A NATS connection that is made in the background and kept up: the service starts and serves
 * while NATS is down (events wait in the outbox), and readiness reports the link as down.
 */
export class NatsLink {
  private nc: NatsConnection | undefined;
  private closed = false;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;

  constructor(
    private readonly servers: string,
    private readonly name: string,
    private readonly logger: Logger,
    private readonly onConnect: (nc: NatsConnection) => Promise<void> = async () => undefined,
    /** User and password (NATS_USER / NATS_PASSWORD, from a Secret); never in the URL, which is logged. */
    private readonly auth: NatsAuth = {},
  ) {
    this.ready = new Promise((r) => (this.resolveReady = r));
    void this.loop();
  }

  private async loop(): Promise<void> {
    let delay = 200;
    while (!this.closed && !this.nc) {
      let nc: NatsConnection | undefined;
      try {
        nc = await connect({
          servers: this.servers.split(',').map((s) => s.trim()),
          name: this.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          timeout: 2000,
          // Otherwise every request (each JetStream publish) builds an Error and a NatsError up front,
          // only for the stack trace of a failure that rarely comes: measurable CPU on the send path.
          noAsyncTraces: true,
          ...(this.auth.user ? { user: this.auth.user, pass: this.auth.pass ?? '' } : {}),
        });
        await this.onConnect(nc);
        // close() may have been called meanwhile: don't keep a connection nobody owns.
        if (this.closed) {
          await nc.close();
          return;
        }
        this.nc = nc;
        this.logger.info({ servers: this.servers }, 'NATS connected');
        this.resolveReady();
        void this.watch(nc);
      } catch (err) {
        await nc?.close().catch(() => undefined);
        if (this.closed) return;
        this.logger.warn({ err: (err as Error).message, retryInMs: delay }, 'NATS connect failed');
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.logger.warn('NATS disconnected');
      if (s.type === 'reconnect') {
        this.logger.info('NATS reconnected');
        // Streams may have been lost with a server that kept no storage; recreate them.
        await this.onConnect(nc).catch((err: unknown) => this.logger.warn({ err }, 'NATS setup after reconnect failed'));
      }
    }
  }

  /** Resolves once the first connection is up (tests and start-up code that must wait). */
  whenConnected(): Promise<void> {
    return this.ready;
  }

  get connection(): NatsConnection | undefined {
    return this.nc && !this.nc.isClosed() ? this.nc : undefined;
  }

  jetstream(): JetStreamClient | undefined {
    return this.connection?.jetstream();
  }

  /** For readiness: a round trip to the server. */
  async check(): Promise<void> {
    const nc = this.connection;
    if (!nc) throw new Error('not connected');
    await nc.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => this.nc?.close());
  }
}

/** Creates the stream or brings its subjects up to date; safe to call on every (re)connect. */
export async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[]): Promise<void> {
  try {
    const info = await jsm.streams.info(name);
    const have = new Set(info.config.subjects);
    if (subjects.every((s) => have.has(s))) return;
    await jsm.streams.update(name, { ...info.config, subjects: [...new Set([...info.config.subjects, ...subjects])] });
  } catch (err) {
    if (!/stream not found/i.test((err as Error).message)) throw err;
    await jsm.streams.add({
      name,
      subjects,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      // Publishes carry the event id as Nats-Msg-Id: a relay that re-sends after a crash is deduplicated.
      duplicate_window: 2 * 60 * 1_000_000_000,
    });
  }
}
