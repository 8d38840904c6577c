import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { CHART_DIR } from './paths';
import { ensureTools } from '@converge/testing/kube';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with the values (written to a temp file) and returns its exit status and output. */
export function helm(args: string[], values?: unknown, timeoutMs = 60_000): HelmResult {
  const { helm: bin } = ensureTools('helm');
  const dir = mkdtempSync(join(tmpdir(), 'converge-helm-'));
  try {
    const extra = values === undefined ? [] : ['-f', join(dir, 'values.yaml')];
    if (values !== undefined) writeFileSync(join(dir, 'values.yaml'), stringify(values, { version: '1.1' }));
    const r = spawnSync(bin, [...args, ...extra], { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template` of the committed chart; throws with helm's message when it fails. */
export function renderChart(values?: unknown, extraArgs: string[] = []): K8sObject[] {
  const r = helm(['template', 'conv', CHART_DIR, '--namespace', 'converge', ...extraArgs], values);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr}`);
  if (r.stdout.includes('<no value>')) throw new Error('rendered chart contains <no value>');
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

export function envOf(container: { env?: { name: string; value?: string; valueFrom?: any }[] }): Map<string, any> {
  return new Map((container.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}
