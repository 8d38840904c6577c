// Load test for your own cluster: VUS virtual users (default 20) for DURATION (default 1m), each
// running the chat flow (lib/chat-pair.js) over and over: 30 messages, 100 ms apart, per pass.
// `k6 run -e USER_URL=https://... -e CHAT_URLS=https://... -e VUS=50 -e DURATION=5m observability/k6/load.js`.
// Thresholds are the chat SLOs (ack 99% < 250 ms is the alerting one; here p95/p99 as k6 reports them).
import { chatPair, summaryOutputs } from './lib/chat-pair.js';

const num = (name, def) => Number(__ENV[name] || def);

export const options = {
  scenarios: {
    chat: { executor: 'constant-vus', vus: num('VUS', 20), duration: __ENV.DURATION || '1m', gracefulStop: '30s' },
  },
  thresholds: {
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
    chat_ack_latency: [`p(95)<${num('ACK_P95_MS', 250)}`, `p(99)<${num('ACK_P99_MS', 500)}`],
    chat_delivery_latency: [`p(95)<${num('DELIVERY_P95_MS', 500)}`, `p(99)<${num('DELIVERY_P99_MS', 1000)}`],
    chat_errors: ['count<10'],
  },
};

export default async function () {
  await chatPair({ env: __ENV, vu: __VU, iter: __ITER, messages: num('MESSAGES', 30), intervalMs: num('INTERVAL_MS', 100), prefix: __ENV.K6_USER_PREFIX || 'k6load' });
}

export function handleSummary(data) {
  return summaryOutputs(data, __ENV.SUMMARY_JSON || 'k6-load-summary.json');
}
