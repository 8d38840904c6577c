import { GROUP, VERSION } from '../../api/postgres-cluster';
import { openApi } from '../../api/crd';
import { REDIS_KIND, REDIS_PLURAL, RedisSentinelSpec, RedisSentinelStatus } from './redis-sentinel';

// The RedisSentinel CRD, computed from the zod schemas like the PostgresCluster one (same structural()).

export function redisSentinelCrd(): Record<string, unknown> {
  const spec = openApi(RedisSentinelSpec, 'input');
  delete spec.required; // every field has a default or is optional for the writer
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${REDIS_PLURAL}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'converge' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { kind: REDIS_KIND, listKind: `${REDIS_KIND}List`, plural: REDIS_PLURAL, singular: 'redissentinel', shortNames: ['rds'], categories: ['converge'] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Master', type: 'string', jsonPath: '.status.currentMaster' },
            { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Sentinels', type: 'integer', jsonPath: '.status.readySentinels', priority: 1 },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              description: 'Redis with Sentinel (a master, its replicas and a quorum of Sentinels), run by the Converge operator.',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: openApi(RedisSentinelStatus, 'output'),
              },
            },
          },
        },
      ],
    },
  };
}
