import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { expr, renderOnlyIf } from '../helm/expr';
import { SERVICE_MONITOR_CONDITION } from '../helm/helpers-tpl';
import { v, value } from '../values/refs';
import { labelsMergedWith, releaseName } from './naming';

/** Something with a Service whose `metrics` port serves /metrics. */
export interface MetricsTarget {
  readonly selector: Record<string, string>;
}

/**
 * A Prometheus Operator ServiceMonitor for the processes' (and the operator's) /metrics, rendered only
 * when asked for and when the cluster serves the CRD (`.Capabilities.APIVersions.Has`), so the chart
 * installs anywhere. A target whose Service is not rendered (the operator in external mode) is no harm.
 */
export class ServiceMonitor extends Construct {
  constructor(scope: Construct, id: string, props: { readonly targets: readonly MetricsTarget[] }) {
    super(scope, id);
    if (props.targets.length === 0) throw new Error('ServiceMonitor: targets must not be empty');
    const components = props.targets.map((t) => t.selector['app.kubernetes.io/component'] as string);
    const sm = new ApiObject(this, 'servicemonitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: releaseName('metrics') },
      spec: {
        selector: {
          matchLabels: { 'app.kubernetes.io/name': 'converge', 'app.kubernetes.io/instance': expr('toJson .Release.Name') },
          matchExpressions: [{ key: 'app.kubernetes.io/component', operator: 'In', values: components }],
        },
        endpoints: [{ port: 'metrics', path: '/metrics', interval: value('metrics.serviceMonitor.interval') }],
      },
    });
    // The user's labels (often the `release` label a Prometheus selects on) join the chart's own.
    sm.addJsonPatch(JsonPatch.add('/metadata/labels', labelsMergedWith('metrics', v('metrics.serviceMonitor.labels'))));
    renderOnlyIf(sm, SERVICE_MONITOR_CONDITION);
  }
}
