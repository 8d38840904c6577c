import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A loopback TCP proxy in front of a server (the machine's PostgreSQL, say), standing in for a
 * Kubernetes Service whose endpoint dies: `cut()` resets every connection through it and refuses
 * new ones (they are accepted, then reset at once, as a Service without a ready endpoint does)
 * until `restore()`. Lets a test take a backend away from one process without touching the backend.
 */
export interface TcpProxy {
  /** `127.0.0.1:<port>` the proxy listens on. */
  readonly host: string;
  readonly port: number;
  /** Connections accepted and piped so far. */
  readonly accepted: number;
  /** Resets every open connection and refuses new ones until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let refusing = false;
  let accepted = 0;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      // RST both ways: the peers see ECONNRESET, as when a pod's address stops answering.
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const resetAll = () => {
    for (const s of [...open]) s.resetAndDestroy();
    open.clear();
  };
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return accepted;
    },
    cut() {
      refusing = true;
      resetAll();
    },
    restore() {
      refusing = false;
    },
    close() {
      refusing = true;
      resetAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `url` with its host and port replaced by the proxy's (a database URL through the proxy). */
export function viaProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = proxy.host;
  u.port = String(proxy.port);
  return u.toString();
}
