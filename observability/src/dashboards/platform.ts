import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, stat, timeseries } from './panels';

/** Platform: is chat up and fast? Sockets, messages per second, latency, errors by code, HTTP RED, restarts. */
export function platformDashboard(): Dashboard {
  return dashboard({
    uid: 'converge-platform',
    title: 'Converge / Platform',
    description: 'Sockets, messages per second, send and delivery latency, refusals by code, HTTP rate/errors/duration by route, restarts. Series: docs/METRICS.md.',
    rows: [
      {
        title: 'Now',
        panels: [
          stat({ title: 'Sockets connected', description: 'Socket.IO connections over every chat pod', unit: 'short', queries: [{ expr: 'sum(chat_sockets_connected)' }] }),
          stat({ title: 'Messages/s', description: 'Sends stored (created), every transport', unit: 'reqps', queries: [{ expr: 'sum(rate(chat_messages_sent_total{result="created"}[$__rate_interval]))' }] }),
          stat({
            title: 'Send ack p99',
            description: 'message:send received to ack sent, p99 over every pod',
            unit: 's',
            red: 0.25,
            queries: [{ expr: 'histogram_quantile(0.99, sum by (le) (rate(chat_send_ack_seconds_bucket[$__rate_interval])))' }],
          }),
          stat({
            title: 'HTTP 5xx ratio',
            description: 'Share of HTTP requests answered 5xx, every service',
            unit: 'percentunit',
            red: 0.05,
            queries: [{ expr: 'sum(rate(http_request_duration_seconds_count{status=~"5.."}[$__rate_interval])) / sum(rate(http_request_duration_seconds_count[$__rate_interval]))' }],
          }),
        ],
      },
      {
        title: 'Chat',
        panels: [
          timeseries({ title: 'Sockets per pod', description: 'chat_sockets_connected by pod', unit: 'short', queries: [{ expr: 'sum by (instance) (chat_sockets_connected)', legend: '{{instance}}' }] }),
          timeseries({
            title: 'Messages/s by transport and result',
            description: 'Sends by transport (socket, http, graphql) and result (created, duplicate = a retry, or the error code)',
            unit: 'reqps',
            queries: [{ expr: 'sum by (transport, result) (rate(chat_messages_sent_total[$__rate_interval]))', legend: '{{transport}} {{result}}' }],
          }),
          timeseries({
            title: 'Send ack latency',
            description: 'message:send to ack, p50 and p99',
            unit: 's',
            queries: [
              { expr: 'histogram_quantile(0.5, sum by (le) (rate(chat_send_ack_seconds_bucket[$__rate_interval])))', legend: 'p50' },
              { expr: 'histogram_quantile(0.99, sum by (le) (rate(chat_send_ack_seconds_bucket[$__rate_interval])))', legend: 'p99' },
            ],
          }),
          timeseries({
            title: 'Delivery latency (commit to socket)',
            description: "The sender's commit to message:new written on the receiving pod, p50 and p99 by path (local pod or through Redis)",
            unit: 's',
            queries: [
              { expr: 'histogram_quantile(0.5, sum by (le, path) (rate(chat_delivery_seconds_bucket[$__rate_interval])))', legend: 'p50 {{path}}' },
              { expr: 'histogram_quantile(0.99, sum by (le, path) (rate(chat_delivery_seconds_bucket[$__rate_interval])))', legend: 'p99 {{path}}' },
            ],
          }),
        ],
      },
      {
        title: 'Errors',
        panels: [
          timeseries({
            title: 'Refused requests by code',
            description: 'Requests answered with a contract error, by service, transport (http, graphql, socket) and code',
            unit: 'reqps',
            queries: [{ expr: 'sum by (service, transport, code) (rate(converge_requests_rejected_total[$__rate_interval]))', legend: '{{service}} {{transport}} {{code}}' }],
          }),
          timeseries({
            title: 'GraphQL operations by field and outcome',
            description: 'GraphQL operations over HTTP by root field and outcome (ok or the first error code)',
            unit: 'reqps',
            queries: [{ expr: 'sum by (service, field, outcome) (rate(converge_graphql_operations_total[$__rate_interval]))', legend: '{{service}} {{field}} {{outcome}}' }],
          }),
        ],
      },
      {
        title: 'HTTP (rate, errors, duration by route)',
        panels: [
          timeseries({
            title: 'Requests/s by route',
            description: 'HTTP requests by service and route template (probes and metrics left out)',
            unit: 'reqps',
            queries: [{ expr: 'sum by (service, route) (rate(http_request_duration_seconds_count{route!~"/healthz|/readyz|/metrics"}[$__rate_interval]))', legend: '{{service}} {{route}}' }],
          }),
          timeseries({
            title: 'Errors/s by route and status',
            description: '4xx and 5xx answers by service, route and status',
            unit: 'reqps',
            queries: [{ expr: 'sum by (service, route, status) (rate(http_request_duration_seconds_count{status=~"[45].."}[$__rate_interval]))', legend: '{{service}} {{route}} {{status}}' }],
          }),
          timeseries({
            title: 'p99 duration by route',
            description: 'HTTP request duration p99 by service and route',
            unit: 's',
            span: 24,
            queries: [
              {
                expr: 'histogram_quantile(0.99, sum by (le, service, route) (rate(http_request_duration_seconds_bucket{route!~"/healthz|/readyz|/metrics"}[$__rate_interval])))',
                legend: '{{service}} {{route}}',
              },
            ],
          }),
        ],
      },
      {
        title: 'Processes',
        panels: [
          timeseries({
            title: 'Restarts (15 min)',
            description: 'Process starts per pod in the last 15 minutes: a crash loop shows here before the alert',
            unit: 'short',
            queries: [{ expr: 'changes(process_start_time_seconds[15m])', legend: '{{service}} {{instance}}' }],
          }),
          timeseries({
            title: 'Event loop lag p99',
            description: 'Node.js event-loop delay p99 per process',
            unit: 's',
            queries: [{ expr: 'nodejs_eventloop_lag_p99_seconds', legend: '{{service}} {{instance}}' }],
          }),
        ],
      },
    ],
  });
}
