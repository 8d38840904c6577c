import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, stat, timeseries } from './panels';

/** Delivery SLO: did what was acked reach the others, how late, and what had to be caught up? */
export function deliverySloDashboard(): Dashboard {
  return dashboard({
    uid: 'converge-delivery-slo',
    title: 'Converge / Delivery SLO',
    description:
      'Acked vs delivered, the ack and delivery latency SLOs and their burn rates, catch-up by room:sync, outbox and JetStream consumer lag. Series: docs/METRICS.md; SLOs and alerts: observability/rules.',
    rows: [
      {
        title: 'SLOs',
        panels: [
          stat({
            title: 'Acks within 250 ms (1 h)',
            description: 'Share of acked socket sends within 250 ms over the last hour (SLO 99%)',
            unit: 'percentunit',
            queries: [{ expr: 'sum(rate(chat_send_ack_seconds_bucket{result="ok",le="0.25"}[1h])) / sum(rate(chat_send_ack_seconds_count{result="ok"}[1h]))' }],
          }),
          stat({
            title: 'Deliveries within 1 s (1 h)',
            description: "Share of deliveries within 1 s of the sender's commit over the last hour (SLO 99%)",
            unit: 'percentunit',
            queries: [{ expr: 'sum(rate(chat_delivery_seconds_bucket{le="1"}[1h])) / sum(rate(chat_delivery_seconds_count[1h]))' }],
          }),
          stat({
            title: 'Ack budget burn (1 h)',
            description: 'How fast the 1% error budget of the ack SLO burns: 1 = exactly on budget, 14.4 pages',
            unit: 'short',
            red: 14.4,
            queries: [{ expr: '(1 - sum(rate(chat_send_ack_seconds_bucket{result="ok",le="0.25"}[1h])) / sum(rate(chat_send_ack_seconds_count{result="ok"}[1h]))) / 0.01' }],
          }),
          stat({
            title: 'Caught up by sync (1 h)',
            description: 'Messages room:sync returned in the last hour: what real time missed',
            unit: 'short',
            queries: [{ expr: 'sum(increase(chat_sync_messages_total[1h]))' }],
          }),
        ],
      },
      {
        title: 'Acked vs delivered',
        panels: [
          timeseries({
            title: 'Acked sends vs deliveries',
            description: 'Messages stored and acked per second against message:new packets written to sockets (one per recipient socket)',
            unit: 'reqps',
            queries: [
              { expr: 'sum(rate(chat_messages_sent_total{result="created"}[$__rate_interval]))', legend: 'acked' },
              { expr: 'sum(rate(chat_fanout_deliveries_total[$__rate_interval]))', legend: 'delivered' },
            ],
          }),
          timeseries({
            title: 'Delivery latency by path',
            description: 'Commit to socket write, p50/p99, local pod vs through the Redis adapter',
            unit: 's',
            queries: [
              { expr: 'histogram_quantile(0.5, sum by (le, path) (rate(chat_delivery_seconds_bucket[$__rate_interval])))', legend: 'p50 {{path}}' },
              { expr: 'histogram_quantile(0.99, sum by (le, path) (rate(chat_delivery_seconds_bucket[$__rate_interval])))', legend: 'p99 {{path}}' },
            ],
          }),
          timeseries({
            title: 'Ack SLO burn rate',
            description: 'Burn rate of the ack SLO over 5 m, 1 h and 6 h (alerts: 14.4 over 1 h and 5 m, 6 over 6 h and 30 m)',
            unit: 'short',
            queries: [
              { expr: '(1 - sum(rate(chat_send_ack_seconds_bucket{result="ok",le="0.25"}[5m])) / sum(rate(chat_send_ack_seconds_count{result="ok"}[5m]))) / 0.01', legend: '5m' },
              { expr: '(1 - sum(rate(chat_send_ack_seconds_bucket{result="ok",le="0.25"}[1h])) / sum(rate(chat_send_ack_seconds_count{result="ok"}[1h]))) / 0.01', legend: '1h' },
              { expr: '(1 - sum(rate(chat_send_ack_seconds_bucket{result="ok",le="0.25"}[6h])) / sum(rate(chat_send_ack_seconds_count{result="ok"}[6h]))) / 0.01', legend: '6h' },
            ],
          }),
          timeseries({
            title: 'Redis adapter errors',
            description: 'Dropped adapter publishes and Redis client errors: deliveries lost to real time, caught up by room:sync',
            unit: 'short',
            queries: [{ expr: 'sum by (op) (rate(chat_redis_adapter_errors_total[$__rate_interval]))', legend: '{{op}}' }],
          }),
        ],
      },
      {
        title: 'Catch-up',
        panels: [
          timeseries({
            title: 'room:sync calls and messages returned',
            description: 'Catch-up calls per second and the messages they returned per second',
            unit: 'reqps',
            queries: [
              { expr: 'sum(rate(chat_sync_requests_total[$__rate_interval]))', legend: 'calls' },
              { expr: 'sum(rate(chat_sync_messages_total[$__rate_interval]))', legend: 'messages' },
            ],
          }),
          timeseries({
            title: 'Socket acks by event and result',
            description: 'Every socket ack, by client event and result (ok or the error code)',
            unit: 'reqps',
            queries: [{ expr: 'sum by (event, result) (rate(chat_socket_acks_total[$__rate_interval]))', legend: '{{event}} {{result}}' }],
          }),
        ],
      },
      {
        title: 'Events (outbox and JetStream)',
        panels: [
          timeseries({
            title: 'Outbox lag',
            description: 'Age of the oldest outbox event not yet on NATS, by service (alert past 60 s)',
            unit: 's',
            queries: [{ expr: 'max by (service) (outbox_lag_seconds)', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'Outbox backlog',
            description: 'Outbox events waiting for NATS, by service',
            unit: 'short',
            queries: [{ expr: 'max by (service) (outbox_pending_events)', legend: '{{service}}' }],
          }),
          timeseries({
            title: 'JetStream consumer lag',
            description: 'Durable consumers: events not yet delivered (pending) and delivered but not acked',
            unit: 'short',
            span: 24,
            queries: [{ expr: 'max by (stream, consumer, state) (jetstream_consumer_pending)', legend: '{{stream}}/{{consumer}} {{state}}' }],
          }),
        ],
      },
    ],
  });
}
