// Smoke test: 2 VUs, one pass each of the chat flow (lib/chat-pair.js): login/register, a room,
// 10 messages over Socket.IO between two pods, every one delivered, a room:sync. Fails (exit 99)
// when a threshold is crossed. `k6 run -e USER_URL=... -e CHAT_URLS=a,b observability/k6/smoke.js`;
// in CI it runs under the k6 stand-in (observability/src/k6-standin) against a real stack.
import { chatPair, summaryOutputs } from './lib/chat-pair.js';

const ms = (name, def) => Number(__ENV[name] || def);

export const options = {
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 2, iterations: 1, maxDuration: '2m' },
  },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:login}': ['p(95)<3000'],
    chat_ack_latency: [`p(95)<${ms('ACK_P95_MS', 500)}`],
    chat_delivery_latency: [`p(95)<${ms('DELIVERY_P95_MS', 500)}`, `p(99)<${ms('DELIVERY_P99_MS', 1000)}`],
    chat_messages_delivered: ['count>=20'],
    chat_errors: ['count==0'],
  },
};

export default async function () {
  await chatPair({ env: __ENV, vu: __VU, iter: __ITER, messages: 10, intervalMs: 0, prefix: __ENV.K6_USER_PREFIX || 'k6smoke' });
}

export function handleSummary(data) {
  return summaryOutputs(data, __ENV.SUMMARY_JSON || 'k6-smoke-summary.json');
}
