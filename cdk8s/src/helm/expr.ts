// cdk8s writes static JSON; Helm needs Go templates in it. Templates cannot be written into the JSON
// directly (YAML would quote them and numbers would become strings), so the constructs put opaque
// markers there, and render.ts turns each marker back into template text after YAML serialisation.
// A marker carries its template text itself (base64url), so no registry or shared state is needed.

const EXPR = '@@helm:';
const WHEN = '@@helm-if:';
const EACH = '@@helm-each:';
const END = '@@';

const encode = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
export const decode = (s: string): string => Buffer.from(s, 'base64url').toString('utf8');

/** Marker patterns (base64url alphabet only, so a marker never needs YAML escaping). */
export const EXPR_MARKER = /@@helm:([A-Za-z0-9_-]+)@@/g;
export const WHEN_MARKER = /@@helm-if:([A-Za-z0-9_-]+)@@/;
export const EACH_MARKER = /^(\s*)- (["']?)@@helm-each:([A-Za-z0-9_-]+)@@\2$/;

/**
 * A value rendered by the template action `{{ action }}`. When the marker is a whole YAML scalar the
 * action's output replaces it unquoted, so the action must print valid YAML (use `toJson`).
 */
export function expr(action: string): string {
  if (action.includes('}}') || action.includes('{{')) throw new Error(`expr: pass the action without braces: ${action}`);
  return `${EXPR}${encode(action)}${END}`;
}

/** The same marker typed as a number, for fields the Kubernetes schema declares as integers. */
export function exprNumber(action: string): number {
  return expr(action) as unknown as number;
}

/**
 * A map key that is only rendered when `condition` (a template pipeline) is true, e.g.
 * `{ [when('.Values.x.enabled', 'replicas')]: 3 }`. The key and its whole value are wrapped in
 * `{{- if condition }} ... {{- end }}`.
 */
export function when(condition: string, key: string): string {
  if (key.includes('@@')) throw new Error(`when: key must be plain: ${key}`);
  return `${WHEN}${encode(condition)}${END}${key}`;
}

/** A list item (an object) rendered only when `condition` is true. */
export function whenItem<T extends Record<string, unknown>>(condition: string, item: T): Record<string, unknown> {
  const keys = Object.keys(item).sort();
  const first = keys[0];
  if (first === undefined) throw new Error('whenItem: item must have at least one key');
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k === first ? when(condition, k) : k] = item[k];
  return out;
}

/**
 * A list item that stands for every element of the list `list` (a template pipeline): the rendered
 * list gets one item per element, in place of this one, e.g. an operator's extra env vars after the
 * chart's own. Each element is printed as JSON, so any value (an env var with valueFrom too) fits.
 */
export function eachItem(list: string): Record<string, unknown> {
  if (list.includes('}}') || list.includes('{{')) throw new Error(`eachItem: pass the pipeline without braces: ${list}`);
  return `${EACH}${encode(list)}${END}` as unknown as Record<string, unknown>;
}

/** Node metadata key holding the template condition of a whole object (read by chart-files.ts). */
export const DOCUMENT_CONDITION = 'converge/helm-if';

/** Renders `object` only when `condition` is true (the file is wrapped in an if block). */
export function renderOnlyIf(object: { node: { addMetadata(key: string, value: unknown): void } }, condition: string): void {
  object.node.addMetadata(DOCUMENT_CONDITION, condition);
}

/**
 * Text Helm must print as it is: every `{{` becomes the action {{`{{`}} (a raw string), so Prometheus'
 * and Grafana's own templates (`{{ $labels.service }}`) reach the cluster instead of failing the render.
 * Only the opening delimiter needs it: a lone `}}` is plain text to Go's template parser.
 */
export function helmLiteral(text: string): string {
  return text.replaceAll('{{', '{{`{{`}}');
}

/** Node metadata key of a file the chart ships beside its templates (read by chart-files.ts). */
export const CHART_FILE = 'converge/chart-file';

/** Ships `text` as `path` in the chart (e.g. a dashboard a template reads with `.Files.Get`). */
export function addChartFile(scope: { node: { addMetadata(key: string, value: unknown): void } }, path: string, text: string): void {
  if (path.startsWith('templates/') || path.startsWith('/') || path.includes('..')) throw new Error(`chart file ${path}: must be a relative path outside templates/`);
  scope.node.addMetadata(CHART_FILE, { path, text });
}
