import { LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { type Dashboard, DashboardBuilder, DatasourceVariableBuilder, RowBuilder, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

// The small vocabulary every dashboard is written in: a Prometheus query, a time series, a stat, a
// row. Every panel queries the dashboard's `datasource` variable (the Prometheus the user picks).

/** One PromQL query of a panel and its legend. */
export interface Query {
  expr: string;
  legend?: string;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function targets(queries: Query[]): DataqueryBuilder[] {
  return queries.map((q, i) =>
    new DataqueryBuilder()
      .datasource(DATASOURCE)
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto'),
  );
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Grid width out of 24. @default 12 */
  span?: number;
}

/** A line chart: rates and quantiles over time. */
export function timeseries(p: PanelSpec): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(p.title)
    .description(p.description)
    .datasource(DATASOURCE)
    .unit(p.unit)
    .span(p.span ?? 12)
    .height(8)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom))
    .targets(targets(p.queries));
}

/** One number, its last value, red past `red` (when given). */
export function stat(p: PanelSpec & { red?: number }): StatPanel {
  const panel = new StatPanel()
    .title(p.title)
    .description(p.description)
    .datasource(DATASOURCE)
    .unit(p.unit)
    .span(p.span ?? 6)
    .height(4)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(targets(p.queries));
  if (p.red !== undefined) {
    panel.thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: p.red, color: 'red' },
      ]),
    );
  }
  return panel;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** Rows in order, each with its panels. */
  rows: Array<{ title: string; panels: Array<TimeseriesPanel | StatPanel> }>;
}

/** A classic dashboard JSON (schemaVersion 42) with the datasource variable and the rows. */
export function dashboard(d: DashboardSpec): Dashboard {
  const b = new DashboardBuilder(d.title)
    .uid(d.uid)
    .description(d.description)
    .tags(['converge', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'));
  for (const row of d.rows) {
    b.withRow(new RowBuilder(row.title));
    for (const p of row.panels) b.withPanel(p);
  }
  return b.build();
}
