import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { addChartFile, expr, renderOnlyIf, when } from '../helm/expr';
import { v } from '../values/refs';
import type { DashboardSource } from '../charts/observability-sources';
import { labelsMergedWith, releaseName } from './naming';

/** Where the chart keeps the dashboards' JSON, beside templates/ (read with `.Files.Get`). */
export const DASHBOARDS_CHART_DIR = 'dashboards';

/**
 * One ConfigMap per Grafana dashboard (`<release>-dashboard-<name>`, data key = the file name), with the
 * label the Grafana sidecar collects ConfigMaps by (observability.dashboards.*). The JSON ships as chart
 * files read with `.Files.Get` rather than written into the templates: the dashboards are full of
 * Grafana's own `{{label}}` legends, which Helm would otherwise parse as its actions, and the files
 * stay byte-identical to observability/dashboards.
 */
export class GrafanaDashboards extends Construct {
  readonly configMaps: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: { readonly dashboards: readonly DashboardSource[] }) {
    super(scope, id);
    if (props.dashboards.length === 0) throw new Error('GrafanaDashboards: dashboards must not be empty');
    this.configMaps = props.dashboards.map((d) => {
      const m = /^([a-z0-9][-a-z0-9]*)\.json$/.exec(d.file);
      if (!m) throw new Error(`GrafanaDashboards: dashboard file ${d.file} must be <lower-case-name>.json`);
      const name = m[1] as string;
      const path = `${DASHBOARDS_CHART_DIR}/${d.file}`;
      addChartFile(this, path, d.json);
      const cm = new ApiObject(this, name, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: releaseName(`dashboard-${name}`) },
        // `required` turns a file missing from the chart into a failed render instead of an empty dashboard.
        data: { [d.file]: expr(`required "${path} is missing from the chart" (.Files.Get "${path}") | toJson`) },
      });
      // The sidecar's label is itself a value (its key too), so the labels are one merged map.
      cm.addJsonPatch(
        JsonPatch.add(
          '/metadata/labels',
          labelsMergedWith('dashboards', `(dict ${v('observability.dashboards.sidecarLabel')} ${v('observability.dashboards.sidecarLabelValue')})`),
        ),
      );
      // The folder annotation only when a folder is named: the sidecar's default folder otherwise.
      cm.addJsonPatch(
        JsonPatch.add(
          `/metadata/${when(v('observability.dashboards.folder'), 'annotations')}`,
          expr(`dict ${v('observability.dashboards.folderAnnotation')} ${v('observability.dashboards.folder')} | toJson`),
        ),
      );
      renderOnlyIf(cm, v('observability.dashboards.enabled'));
      return cm;
    });
  }
}
