import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

export type ShutdownHook = { name: string; run: () => Promise<void> | void };

export interface DrainOptions {
  server: Server;
  logger: Logger;
  timeoutMs: number;
  /** Called first: readiness turns 503 at once. */
  onDrainStart: () => void;
  /** Run once the server stops accepting: end long-lived connections (WebSockets) after their in-flight work. */
  closeConnections: ShutdownHook[];
  /** Run after every HTTP request finished: close the app, its pools and clients. */
  closeResources: ShutdownHook[];
  exit?: ((code: number) => void) | undefined;
  /** Listen for SIGTERM and SIGINT (off when a test runs several services in one process). */
  handleSignals?: boolean;
}

/**
 * Tracks open connections and in-flight requests so a drain can let every request finish,
 * close idle keep-alive connections at once, and tell busy ones to close after their response.
 */
export class ConnectionTracker {
  private readonly sockets = new Set<Socket>();
  private readonly busy = new WeakMap<Socket, number>();
  private readonly served = new WeakSet<Socket>();
  /** Upgraded to WebSocket: ended by the closeConnections hooks after their own in-flight work. */
  private readonly upgraded = new WeakSet<Socket>();
  private draining = false;

  constructor(
    private readonly server: Server,
    /** How long a connection that has not sent its first request yet may still send it during a drain. */
    private readonly firstRequestGraceMs = 1000,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (_req, socket: Socket) => {
      this.upgraded.add(socket);
      // Listening for 'upgrade' turns off Node's default of destroying an upgrade nobody handles.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
    });
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.served.add(socket);
      this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('finish', () => {
        const n = (this.busy.get(socket) ?? 1) - 1;
        this.busy.set(socket, n);
        if (this.draining && n === 0) socket.end();
      });
    });
  }

  get inFlight(): number {
    let n = 0;
    for (const s of this.sockets) n += this.busy.get(s) ?? 0;
    return n;
  }

  startDraining(): void {
    this.draining = true;
    for (const s of this.sockets) {
      if ((this.busy.get(s) ?? 0) > 0 || this.upgraded.has(s)) continue;
      if (this.served.has(s)) {
        s.end();
      } else {
        // Accepted but its first request is not parsed yet (it may be in the socket buffer): that request
        // is in flight for the client, so give it a moment instead of resetting the connection.
        setTimeout(() => {
          if ((this.busy.get(s) ?? 0) === 0 && !this.served.has(s)) s.end();
        }, this.firstRequestGraceMs).unref();
      }
    }
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }
}

async function runHooks(hooks: ShutdownHook[], logger: Logger): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook.run();
    } catch (err) {
      logger.error({ err, hook: hook.name }, 'Shutdown hook failed');
    }
  }
}

/**
 * Graceful stop on SIGTERM: readiness 503 at once, no new connections, in-flight requests finish,
 * hooks close sockets and pools, exit 0; a drain that outlives the timeout is cut and exits 1.
 */
export function installGracefulShutdown(opts: DrainOptions): { drain: (reason: string) => Promise<void> } {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const tracker = new ConnectionTracker(opts.server);
  let started: Promise<void> | undefined;

  const drain = (reason: string): Promise<void> => {
    if (started) return started;
    started = (async () => {
      const t0 = Date.now();
      opts.logger.info({ reason, inFlight: tracker.inFlight }, 'Shutdown started');
      const timer = setTimeout(() => {
        opts.logger.error({ inFlight: tracker.inFlight, timeoutMs: opts.timeoutMs }, 'Shutdown timed out');
        tracker.destroyAll();
        exit(1);
      }, opts.timeoutMs);
      timer.unref();
      opts.onDrainStart();
      const closed = new Promise<void>((resolve) => opts.server.close(() => resolve()));
      tracker.startDraining();
      // Upgraded connections (WebSockets) keep close() from finishing; these hooks end them.
      await runHooks(opts.closeConnections, opts.logger);
      await closed;
      await runHooks(opts.closeResources, opts.logger);
      clearTimeout(timer);
      opts.logger.info({ durationMs: Date.now() - t0 }, 'Shutdown complete');
      exit(0);
    })();
    return started;
  };

  if (opts.handleSignals ?? true) {
    process.once('SIGTERM', () => void drain('SIGTERM'));
    process.once('SIGINT', () => void drain('SIGINT'));
  }
  return { drain };
}
