import { z } from 'zod';
import { Condition, GROUP, type ObjectMeta, VERSION } from '../../api/postgres-cluster';

// RedisSentinel (data.converge.io/v1alpha1): Redis with Sentinel, one zod schema the source of the
// types, the operator's parse and (crd.ts) the CRD with its CEL rules, as for PostgresCluster.

export const REDIS_KIND = 'RedisSentinel';
export const REDIS_PLURAL = 'redissentinels';

const cel = (rules: { rule: string; message: string }[]) => ({ 'x-kubernetes-validations': rules });
const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'a Kubernetes quantity');
const resources = z
  .object({
    requests: z.partialRecord(z.enum(['cpu', 'memory']), quantity).optional(),
    limits: z.partialRecord(z.enum(['cpu', 'memory']), quantity).optional(),
  })
  .optional();

export const RedisSentinelSpec = z
  .object({
    replicas: z.number().int().min(1).max(9).default(3).describe('Redis pods: one master, the rest its replicas.'),
    sentinels: z.number().int().min(1).max(9).default(3).describe('Sentinel pods; a failover needs a majority of them.'),
    quorum: z
      .number()
      .int()
      .min(1)
      .max(9)
      .optional()
      .describe('Sentinels that must see the master down before a failover starts (default: a majority of sentinels).'),
    masterName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . -')
      .default('mymaster')
      .describe("The name Sentinel monitors the master under (the services' REDIS_MASTER_NAME)."),
    image: z.string().min(1).optional().describe("The Redis image with redis-server and redis-sentinel (default: the operator's)."),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    storage: z
      .object({
        size: quantity.default('1Gi'),
        storageClass: z.string().min(1).optional(),
      })
      .default({ size: '1Gi' }),
    resources: resources.describe('Resources of each Redis container.'),
    sentinelResources: resources.describe('Resources of each Sentinel container.'),
    sentinel: z
      .object({
        downAfterMilliseconds: z.number().int().min(100).max(600_000).default(5000).describe('How long an unanswering master takes to count as down.'),
        // Sentinel waits twice this before another election when one failed (a split vote on a busy
        // node): 10 s keeps that gap to 20 s; it also bounds a promotion that does not complete.
        failoverTimeoutMilliseconds: z.number().int().min(1000).max(3_600_000).default(10_000).describe("Sentinel's failover-timeout: also half the wait before a failed election is retried."),
      })
      .default({ downAfterMilliseconds: 5000, failoverTimeoutMilliseconds: 10_000 }),
  })
  .meta(
    cel([
      { rule: '!has(self.quorum) || self.quorum <= self.sentinels', message: 'quorum must not exceed sentinels: that many Sentinels could never agree' },
    ]),
  );

/** The quorum in force: the spec's, or a majority of the Sentinels. */
export const quorumOf = (spec: Pick<RedisSentinelSpec, 'quorum' | 'sentinels'>): number => spec.quorum ?? Math.floor(spec.sentinels / 2) + 1;

export const RedisPodStatus = z.object({
  name: z.string(),
  role: z.enum(['master', 'replica', 'unknown']),
  ready: z.boolean(),
  /** A replica's master_link_status (up / down). */
  link: z.string().optional(),
  /** master_repl_offset of a master, slave_repl_offset of a replica. */
  offset: z.number().int().optional(),
  /** Where a replica replicates from (host:port as INFO says). */
  following: z.string().optional(),
});

export const SentinelView = z.object({
  name: z.string(),
  reachable: z.boolean(),
  /** The master's address this Sentinel reports for masterName (absent: it monitors nothing). */
  master: z.string().optional(),
  /** The pod that address belongs to. */
  masterPod: z.string().optional(),
  configEpoch: z.number().int().optional(),
  failoverInProgress: z.boolean().optional(),
  knownReplicas: z.number().int().optional(),
  knownSentinels: z.number().int().optional(),
});

export const RedisSentinelStatus = z.object({
  phase: z.enum(['Pending', 'Bootstrapping', 'Healthy', 'Degraded', 'FailingOver', 'Unavailable']).optional(),
  currentMaster: z.string().optional(),
  readyReplicas: z.number().int().optional(),
  readySentinels: z.number().int().optional(),
  pods: z.array(RedisPodStatus).optional(),
  sentinels: z.array(SentinelView).optional(),
  conditions: z.array(Condition).optional(),
  observedGeneration: z.number().int().optional(),
  lastMasterChange: z.object({ from: z.string().optional(), to: z.string(), at: z.string() }).optional(),
});

export type RedisSentinelSpec = z.output<typeof RedisSentinelSpec>;
export type RedisSentinelSpecInput = z.input<typeof RedisSentinelSpec>;
export type RedisSentinelStatus = z.output<typeof RedisSentinelStatus>;
export type RedisPodStatus = z.output<typeof RedisPodStatus>;
export type SentinelView = z.output<typeof SentinelView>;

/** A RedisSentinel as the operator works with it: spec with defaults applied. */
export interface RedisSentinel {
  apiVersion: `${typeof GROUP}/${typeof VERSION}`;
  kind: typeof REDIS_KIND;
  metadata: ObjectMeta;
  spec: RedisSentinelSpec;
  status?: RedisSentinelStatus;
}

export function parseRedisSentinel(obj: any): RedisSentinel {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: REDIS_KIND,
    metadata: obj.metadata,
    spec: RedisSentinelSpec.parse(obj.spec ?? {}),
    status: RedisSentinelStatus.safeParse(obj.status ?? {}).data ?? {},
  };
}
