// One VU iteration of the k6 scripts: two users of this VU (logged in, or registered the first time)
// in a room of their own, each on its own chat pod when several are given; one sends `messages`
// messages over Socket.IO, `intervalMs` apart, each waiting for its ack; the other must receive every
// one (send→deliver latency on one clock: both sockets are in this VU), then catches up by room:sync.
import { check } from 'k6';
import { WebSocket } from 'k6/websockets';
import { Counter, Trend } from 'k6/metrics';
import { findOrCreateRoom, loginOrRegister } from './api.js';
import { SocketIoClient, socketIoUrl } from './socketio.js';

export const ackLatency = new Trend('chat_ack_latency', true);
export const deliveryLatency = new Trend('chat_delivery_latency', true);
export const delivered = new Counter('chat_messages_delivered');
export const chatErrors = new Counter('chat_errors');

/** Where the scripts go: USER_URL and CHAT_URLS (comma-separated), make dev's by default. */
export function targets(env) {
  return {
    userUrl: (env.USER_URL || 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    chatUrls: (env.CHAT_URLS || 'http://127.0.0.1:3002,http://127.0.0.1:3012').split(',').map((u) => u.trim().replace(/\/+$/, '')),
  };
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

export async function chatPair({ env, vu, iter, messages, intervalMs, prefix }) {
  const { userUrl, chatUrls } = targets(env);
  const password = env.K6_PASSWORD || 'converge-k6-test';
  const [alice, bob] = await loginOrRegister(userUrl, [`${prefix}-${vu}-a`, `${prefix}-${vu}-b`], password);
  const roomId = await findOrCreateRoom(chatUrls[0], alice, `k6 ${prefix} ${vu}`, [bob.id]);
  const a = new SocketIoClient(WebSocket, socketIoUrl(chatUrls[0]), { token: alice.token });
  const b = new SocketIoClient(WebSocket, socketIoUrl(chatUrls[1 % chatUrls.length]), { token: bob.token });
  try {
    await Promise.all([a.connect(10000), b.connect(10000)]);
    const tag = `k6|${vu}.${iter}.${Date.now()}|`;
    let got = 0;
    b.on('message:new', (m) => {
      if (!m || typeof m.body !== 'string' || !m.body.startsWith(tag) || m.senderId !== alice.id) return;
      got++;
      delivered.add(1);
      deliveryLatency.add(Date.now() - Number(m.body.slice(tag.length)));
    });
    let acked = 0;
    for (let i = 0; i < messages; i++) {
      const sentAt = Date.now();
      let ack;
      try {
        ack = await a.emitWithAck('message:send', { roomId, body: `${tag}${sentAt}`, clientMsgId: `${tag}${i}` }, 10000);
      } catch (e) {
        ack = { ok: false, error: { code: String(e.message) } };
      }
      if (ack && ack.ok) {
        acked++;
        ackLatency.add(Date.now() - sentAt);
      } else chatErrors.add(1, { code: (ack && ack.error && ack.error.code) || 'BAD_ACK' });
      if (intervalMs) await wait(intervalMs);
    }
    for (let t = 0; t < 100 && got < acked; t++) await wait(50);
    check(acked, { 'every send acked': (n) => n === messages });
    check(got, { 'every acked message delivered to the other member': (n) => n === acked });
    const sync = await b.emitWithAck('room:sync', { roomId, afterSeq: 0, limit: 500 }, 10000);
    check(sync, { 'room:sync answers the room history': (s) => s && s.ok === true && Array.isArray(s.messages) && s.messages.length > 0 });
  } catch (e) {
    chatErrors.add(1, { code: 'FLOW' });
    check(null, { 'chat flow ran to the end': () => false });
    console.error(`VU ${vu}: ${e.message}`);
  } finally {
    a.close();
    b.close();
  }
}

/** handleSummary's outputs: a short text on stdout and the whole summary data as JSON in a file. */
export function summaryOutputs(data, jsonPath) {
  const lines = ['', `k6 summary (${(data.state.testRunDurationMs / 1000).toFixed(1)} s)`];
  for (const [name, m] of Object.entries(data.metrics)) {
    const verdicts = Object.entries(m.thresholds || {}).map(([t, r]) => `${r.ok ? 'ok' : 'FAILED'} ${t}`);
    const shown = Object.entries(m.values)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`)
      .join(' ');
    lines.push(`  ${name}: ${shown}${verdicts.length ? `  [${verdicts.join(', ')}]` : ''}`);
  }
  lines.push(`summary JSON: ${jsonPath}`, '');
  return { stdout: lines.join('\n'), [jsonPath]: JSON.stringify(data, null, 2) };
}
