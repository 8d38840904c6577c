// Socket.IO v5 over Engine.IO v4, spoken over a plain WebSocket, for k6 (which has no Socket.IO
// client): the packet codec is pure (tested on its own), SocketIoClient drives any WebSocket class
// with k6's event handlers (k6/websockets in k6; the stand-in's in CI).
//
// Engine.IO: `0{sid,pingInterval,...}` open, `2` ping (answered `3`), `4<socket.io packet>` message.
// Socket.IO: `0{auth}` connect, `0{sid}` connected, `4{message}` connect error, `2[event,...args]`
// event, `2<id>[event,...]` event asking an ack, `3<id>[...args]` the ack.

/** The WebSocket URL of a chat service's Socket.IO endpoint (http(s) → ws(s)). */
export function socketIoUrl(base) {
  return base.replace(/^http/, 'ws').replace(/\/+$/, '') + '/socket.io/?EIO=4&transport=websocket';
}

export function encodeConnect(auth) {
  return '40' + JSON.stringify(auth);
}

export function encodeEvent(event, data, ackId) {
  return '42' + (ackId === undefined ? '' : String(ackId)) + JSON.stringify([event, data]);
}

export const PONG = '3';

/**
 * One Engine.IO text frame → {kind: 'open', data} | {kind: 'ping'} | {kind: 'close'} |
 * {kind: 'connect', data} | {kind: 'connect_error', message} | {kind: 'event', event, args, ackId} |
 * {kind: 'ack', ackId, args} | {kind: 'disconnect'} | {kind: 'unknown', raw}.
 */
export function decodeFrame(raw) {
  if (typeof raw !== 'string' || raw.length === 0) return { kind: 'unknown', raw };
  const eio = raw[0];
  if (eio === '0') return { kind: 'open', data: parseJson(raw.slice(1)) };
  if (eio === '1') return { kind: 'close' };
  if (eio === '2') return { kind: 'ping' };
  if (eio !== '4') return { kind: 'unknown', raw };
  const type = raw[1];
  let i = 2;
  // A namespace other than "/" comes first, up to a comma.
  if (raw[i] === '/') {
    const comma = raw.indexOf(',', i);
    i = comma < 0 ? raw.length : comma + 1;
  }
  let id = '';
  while (i < raw.length && raw[i] >= '0' && raw[i] <= '9') id += raw[i++];
  const payload = i < raw.length ? parseJson(raw.slice(i)) : undefined;
  const ackId = id === '' ? undefined : Number(id);
  switch (type) {
    case '0':
      return { kind: 'connect', data: payload };
    case '1':
      return { kind: 'disconnect' };
    case '2':
      if (!Array.isArray(payload) || typeof payload[0] !== 'string') return { kind: 'unknown', raw };
      return { kind: 'event', event: payload[0], args: payload.slice(1), ackId };
    case '3':
      return { kind: 'ack', ackId, args: Array.isArray(payload) ? payload : [] };
    case '4':
      return { kind: 'connect_error', message: payload && typeof payload.message === 'string' ? payload.message : String(payload) };
    default:
      return { kind: 'unknown', raw };
  }
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A Socket.IO client on one WebSocket: connect with auth, emit with acks, listen to events. */
export class SocketIoClient {
  /** `WebSocketClass`: k6/websockets' WebSocket (or anything with its constructor and handlers). */
  constructor(WebSocketClass, url, auth) {
    this.listeners = {};
    this.acks = {};
    this.nextAck = 0;
    this.closed = false;
    this.ws = new WebSocketClass(url);
    this.ready = new Promise((resolve, reject) => {
      this.ws.onmessage = (e) => this.onFrame(e.data, resolve, reject, auth);
      this.ws.onerror = (e) => reject(new Error(`websocket error: ${e && e.error}`));
      this.ws.onclose = () => {
        this.closed = true;
        reject(new Error('closed before the Socket.IO connect'));
        for (const id of Object.keys(this.acks)) this.acks[id].reject(new Error('closed before the ack'));
        this.acks = {};
      };
    });
  }

  onFrame(raw, resolve, reject, auth) {
    const f = decodeFrame(raw);
    if (f.kind === 'open') this.ws.send(encodeConnect(auth));
    else if (f.kind === 'ping') this.ws.send(PONG);
    else if (f.kind === 'connect') resolve(f.data);
    else if (f.kind === 'connect_error') {
      reject(new Error(`connect refused: ${f.message}`));
      this.close();
    } else if (f.kind === 'ack') {
      const w = this.acks[f.ackId];
      delete this.acks[f.ackId];
      if (w) w.resolve(f.args[0]);
    } else if (f.kind === 'event') {
      for (const fn of this.listeners[f.event] || []) fn(...f.args);
    }
  }

  /** Resolves with the server's connect payload ({sid}) or rejects (refused, closed, too slow). */
  connect(timeoutMs) {
    return withTimeout(this.ready, timeoutMs, 'Socket.IO connect');
  }

  on(event, fn) {
    (this.listeners[event] = this.listeners[event] || []).push(fn);
  }

  /** Resolves with the ack's first argument ({ok, ...}); rejects after `timeoutMs`. */
  emitWithAck(event, data, timeoutMs) {
    const id = this.nextAck++;
    const p = new Promise((resolve, reject) => (this.acks[id] = { resolve, reject }));
    this.ws.send(encodeEvent(event, data, id));
    return withTimeout(p, timeoutMs, `ack of ${event}`).finally(() => delete this.acks[id]);
  }

  close() {
    if (!this.closed) this.ws.close();
    this.closed = true;
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}
