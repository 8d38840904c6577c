import { z } from 'zod';
import { GROUP, KIND, PLURAL, PostgresClusterSpec, PostgresClusterStatus, VERSION } from './postgres-cluster';

// The CustomResourceDefinition, computed from the zod schemas (postgres-cluster.ts). write-crd.ts
// commits it as operator/crds/postgresclusters.yaml; a test fails when that file is stale.

type Schema = Record<string, any>;

/**
 * zod's OpenAPI 3.0 output → a Kubernetes structural schema: no `additionalProperties: false` next to
 * `properties` (pruning does that job), no JavaScript safe-integer bounds, and `x-kubernetes-*` keys kept.
 */
export function structural(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$schema' || k === 'id') continue;
    if (k === 'additionalProperties' && v === false) continue;
    if ((k === 'minimum' || k === 'maximum') && Math.abs(v as number) >= Number.MAX_SAFE_INTEGER) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, structural(ps as Schema)]));
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = structural(v as Schema);
    else if (k === 'propertyNames') continue; // a record's key enum: the CEL rule or the value schema says enough
    else out[k] = v;
  }
  return out;
}

export function openApi(schema: z.ZodType, io: 'input' | 'output'): Schema {
  return structural(z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'throw' }) as Schema);
}

export function postgresClusterCrd(): Record<string, unknown> {
  const spec = openApi(PostgresClusterSpec, 'input');
  // Defaults make every field optional for the writer; what the reader sees is the defaulted spec.
  delete spec.required;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'converge' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: 'postgrescluster', shortNames: ['pgc'], categories: ['converge'] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Primary', type: 'string', jsonPath: '.status.currentPrimary' },
            { name: 'Ready', type: 'integer', jsonPath: '.status.readyInstances' },
            { name: 'Instances', type: 'integer', jsonPath: '.spec.instances' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              description: 'A PostgreSQL cluster with synchronous replicas and automatic failover, run by the Converge operator.',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: spec,
                status: openApi(PostgresClusterStatus, 'output'),
              },
            },
          },
        },
      ],
    },
  };
}
