import { stringify } from 'yaml';
import { decode, EACH_MARKER, EXPR_MARKER, WHEN_MARKER } from './expr';

/**
 * Serialises one Kubernetes object (cdk8s JSON with markers from expr.ts) into Helm template text:
 * conditional keys/items become `{{- if }}` blocks, value markers become `{{ action }}`, and an
 * optional document condition wraps the whole file.
 */
export function renderTemplate(json: unknown, documentCondition?: string): string {
  // YAML 1.1 quoting: Helm and Kubernetes parse YAML 1.1, where a bare `on` or `yes` is a boolean.
  const yaml = stringify(json, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
  let text = expandExpressions(expandConditionals(expandEachItems(yaml)));
  if (documentCondition) text = `{{- if ${documentCondition} }}\n${text}{{- end }}\n`;
  return text;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Wraps each line carrying a `when` marker, and the deeper-indented lines under it, in an if block. */
export function expandConditionals(yaml: string): string {
  const lines = yaml.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const m = WHEN_MARKER.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const indent = indentOf(line);
    const pad = ' '.repeat(indent);
    // The marker is part of a (possibly quoted) key: drop the marker and the quotes YAML put around it.
    const cleaned = line.replace(/(["']?)@@helm-if:[A-Za-z0-9_-]+@@([^"':]*)\1:/, '$2:');
    if (cleaned === line) throw new Error(`conditional marker is not on a map key: ${line}`);
    const block = [cleaned];
    while (i + 1 < lines.length && (lines[i + 1] as string).trim() !== '' && indentOf(lines[i + 1] as string) > indent) {
      block.push(lines[++i] as string);
    }
    out.push(`${pad}{{- if ${decode(m[1] as string)} }}`, ...expandConditionals(block.join('\n')).split('\n'), `${pad}{{- end }}`);
  }
  return out.join('\n');
}

/** Each `eachItem` list item becomes a range over its list, one JSON item per element. */
export function expandEachItems(yaml: string): string {
  return yaml
    .split('\n')
    .flatMap((line) => {
      const m = EACH_MARKER.exec(line);
      if (!m) return [line];
      const pad = m[1] as string;
      return [`${pad}{{- range ${decode(m[3] as string)} }}`, `${pad}- {{ toJson . }}`, `${pad}{{- end }}`];
    })
    .join('\n');
}

/** A marker that is a whole scalar loses its quotes (the action prints YAML); one inside a string keeps them. */
export function expandExpressions(yaml: string): string {
  const whole = /(["'])@@helm:([A-Za-z0-9_-]+)@@\1/g;
  const step1 = yaml.replace(whole, (_m, _q, b64: string) => `{{ ${decode(b64)} }}`);
  return step1.replace(EXPR_MARKER, (_m, b64: string) => {
    const action = decode(b64);
    if (/["']/.test(action)) throw new Error(`an action inside a string must not contain quotes: ${action}`);
    return `{{ ${action} }}`;
  });
}
