// The Socket.IO ceiling: what the chat service does on the wire, minus storage and real auth. Same
// socket.io, @socket.io/redis-adapter and ioredis versions and options as services/chat; message:send
// is answered like the chat does (room broadcast of message:new, then the ack) with an in-memory seq.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { Server } from 'socket.io';

import { BARE_TOKEN } from './load-protocol';

interface BareAuth {
  token?: unknown;
  userId?: unknown;
  rooms?: unknown;
}

function main(): void {
  const port = Number(process.env.PORT);
  const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const maxPayload = Number(process.env.SOCKET_MAX_PAYLOAD_BYTES ?? 64 * 1024);
  // The options services/chat gets from @converge/runtime's redisOptions for a plain Redis.
  const redisOpts = {
    host: redisUrl.hostname,
    port: Number(redisUrl.port || 6379),
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 100, 2000),
  };
  const pub = new Redis(redisOpts);
  const sub = new Redis(redisOpts);
  const http = createServer((req, res) => {
    if (req.url === '/healthz' || req.url === '/readyz') res.writeHead(200).end('ok');
    else res.writeHead(404).end();
  });
  const io = new Server(http, {
    path: '/socket.io/',
    maxHttpBufferSize: maxPayload,
    serveClient: false,
    adapter: createAdapter(pub, sub),
  });
  const seqs = new Map<string, number>();

  io.use((socket, next) => {
    const a = (socket.handshake.auth ?? {}) as BareAuth;
    // "No auth beyond a trivial check": a fixed token, the user id and rooms taken from the handshake.
    if (a.token !== BARE_TOKEN || typeof a.userId !== 'string') return next(new Error('UNAUTHENTICATED'));
    socket.data.userId = a.userId;
    socket.data.rooms = Array.isArray(a.rooms) ? a.rooms.filter((r): r is string => typeof r === 'string') : [];
    next();
  });

  io.on('connection', (socket) => {
    const userId = socket.data.userId as string;
    void socket.join([`user:${userId}`, ...(socket.data.rooms as string[]).map((r) => `room:${r}`)]);
    socket.on('message:send', (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const p = payload as { roomId?: unknown; body?: unknown; clientMsgId?: unknown } | null;
      if (!p || typeof p.roomId !== 'string' || typeof p.body !== 'string' || typeof p.clientMsgId !== 'string') {
        return ack({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'bad payload' } });
      }
      const seq = (seqs.get(p.roomId) ?? 0) + 1;
      seqs.set(p.roomId, seq);
      const message = {
        id: randomUUID(),
        roomId: p.roomId,
        seq,
        senderId: userId,
        body: p.body,
        clientMsgId: p.clientMsgId,
        createdAt: new Date().toISOString(),
        editedAt: null,
        deletedAt: null,
        // Nothing changes a message here: its rev is the one its creation took.
        rev: seq,
        reactions: [],
        kind: 'user',
        system: null,
      };
      io.to(`room:${p.roomId}`).emit('message:new', message);
      ack({ ok: true, message });
    });
  });

  http.listen(port, '127.0.0.1');
  const stop = () => {
    io.close();
    pub.disconnect();
    sub.disconnect();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();
