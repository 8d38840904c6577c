import { expr } from '../helm/expr';

// Names carry the release name so two releases can share a namespace.

export type Component = 'user' | 'chat' | 'web' | 'nats' | 'operator';

/** `<release>-<suffix>` (the marker sits inside the string, so it renders `"{{ .Release.Name }}-x"`). */
export const releaseName = (suffix: string): string => `${expr('.Release.Name')}-${suffix}`;

/** Labels a Service or workload selects on; never change them on a live release (selectors are immutable). */
export function selectorLabels(component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'converge',
    'app.kubernetes.io/instance': expr('toJson .Release.Name'),
    'app.kubernetes.io/component': component,
  };
}

/** Recommended labels of every object of the chart. */
export function labels(component: Component | 'ingress' | 'network' | 'credentials' | 'postgres' | 'redis'): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'converge',
    'app.kubernetes.io/instance': expr('toJson .Release.Name'),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'converge',
    'app.kubernetes.io/managed-by': expr('toJson .Release.Service'),
    'app.kubernetes.io/version': expr('toJson .Chart.AppVersion'),
    'helm.sh/chart': expr('printf "%s-%s" .Chart.Name .Chart.Version | toJson'),
  };
}

/** Selects every pod of this release (all components). */
export const releaseSelector = (): Record<string, string> => ({
  'app.kubernetes.io/name': 'converge',
  'app.kubernetes.io/instance': expr('toJson .Release.Name'),
});

/**
 * The recommended labels of a `component` merged with a map from values (a template pipeline such as
 * `.Values.x.labels`), as one action for `/metadata/labels`: cdk8s copies metadata maps key by key, so a
 * map known only at render time goes in as a JSON patch. The chart's own labels win a clash.
 */
export function labelsMergedWith(component: string, extra: string): string {
  return expr(
    `merge (dict "app.kubernetes.io/name" "converge" "app.kubernetes.io/instance" .Release.Name ` +
      `"app.kubernetes.io/component" "${component}" "app.kubernetes.io/part-of" "converge" ` +
      `"app.kubernetes.io/managed-by" .Release.Service "app.kubernetes.io/version" .Chart.AppVersion ` +
      `"helm.sh/chart" (printf "%s-%s" .Chart.Name .Chart.Version)) ${extra} | toJson`,
  );
}
