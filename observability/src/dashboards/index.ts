import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dataLayerDashboard } from './data-layer';
import { deliverySloDashboard } from './delivery-slo';
import { platformDashboard } from './platform';

/** Every dashboard and the file it is committed as (observability/dashboards/<file>). */
export const DASHBOARDS: ReadonlyArray<{ file: string; build: () => Dashboard }> = [
  { file: 'platform.json', build: platformDashboard },
  { file: 'delivery-slo.json', build: deliverySloDashboard },
  { file: 'data-layer.json', build: dataLayerDashboard },
];

/** The committed form: stable key order as the SDK builds it, two-space indent, a final newline. */
export function renderDashboard(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** Every PromQL expression of a dashboard, with the panel it belongs to. */
export function dashboardQueries(d: Dashboard): Array<{ panel: string; expr: string }> {
  const out: Array<{ panel: string; expr: string }> = [];
  for (const p of d.panels ?? []) {
    const targets = (p as { targets?: Array<{ expr?: unknown }> }).targets ?? [];
    for (const t of targets) if (typeof t.expr === 'string') out.push({ panel: (p as { title?: string }).title ?? '', expr: t.expr });
  }
  return out;
}
