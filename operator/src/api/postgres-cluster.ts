import { z } from 'zod';
import { ALLOWED_PARAMETERS } from './parameters';

// PostgresCluster (data.converge.io/v1alpha1): one zod schema is the source of the TypeScript types,
// the operator's parse of what the API server holds, and (crd.ts) the CRD's OpenAPI schema with its
// CEL rules, so the three can never disagree.

export const GROUP = 'data.converge.io';
export const VERSION = 'v1alpha1';
export const KIND = 'PostgresCluster';
export const PLURAL = 'postgresclusters';

/** `.meta()` keys that crd.ts copies into the OpenAPI schema verbatim. */
const cel = (rules: { rule: string; message: string }[]) => ({ 'x-kubernetes-validations': rules });

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'a Kubernetes quantity');

export const SynchronousSpec = z
  .object({
    /** `quorum`: ANY n of the replicas confirm each commit (RPO 0); `off`: asynchronous. */
    mode: z.enum(['quorum', 'off']).default('quorum'),
    number: z.number().int().min(1).max(8).default(1),
  })
  .describe('Synchronous replication; in force when instances >= 2.');

export const PostgresClusterSpec = z
  .object({
    instances: z.number().int().min(1).max(9).default(3).describe('PostgreSQL instances (1 primary, the rest replicas).'),
    image: z.string().min(1).optional().describe("The PostgreSQL image with the Converge agent (default: the operator's)."),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    storage: z
      .object({
        size: quantity.default('1Gi'),
        storageClass: z.string().min(1).optional(),
      })
      .default({ size: '1Gi' }),
    resources: z
      .object({
        requests: z.partialRecord(z.enum(['cpu', 'memory']), quantity).optional(),
        limits: z.partialRecord(z.enum(['cpu', 'memory']), quantity).optional(),
      })
      .optional(),
    parameters: z
      .record(z.string().max(63), z.string().max(256))
      .optional()
      .describe(`PostgreSQL parameters, from an allow-list: ${ALLOWED_PARAMETERS.join(', ')}.`)
      .meta({
        maxProperties: ALLOWED_PARAMETERS.length,
        ...cel([
          {
            rule: `self.all(k, k in [${ALLOWED_PARAMETERS.map((p) => `'${p}'`).join(', ')}])`,
            message: `only these PostgreSQL parameters may be set: ${ALLOWED_PARAMETERS.join(', ')}`,
          },
        ]),
      }),
    synchronous: SynchronousSpec.default({ mode: 'quorum', number: 1 }),
    failoverDelaySeconds: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(2)
      .describe('How long the primary may fail its checks before a replica is promoted.'),
    databases: z
      .array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier'))
      .max(16)
      .default(['converge_user', 'converge_chat'])
      .describe('Databases owned by the app user.'),
    switchover: z
      .object({
        to: z.string().min(1).describe('The instance to promote (a running replica).'),
      })
      .optional()
      .describe('A planned switchover: set it to move the primary; the status reports when it is done.'),
  })
  .meta(
    cel([
      {
        rule: "self.instances == 1 || self.synchronous.mode == 'off' || self.synchronous.number < self.instances",
        message: 'synchronous.number must be below instances: a commit waits for that many replicas',
      },
      {
        rule: '!has(self.switchover) || self.instances >= 2',
        message: 'a switchover needs at least 2 instances',
      },
    ]),
  );

export const ConditionType = z.enum(['Ready', 'Progressing', 'Degraded', 'FailingOver']);

export const Condition = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
  observedGeneration: z.number().int().optional(),
});

export const InstanceStatus = z.object({
  name: z.string(),
  role: z.enum(['primary', 'replica', 'none']),
  ready: z.boolean(),
  lsn: z.string().optional(),
  lagBytes: z.number().int().optional(),
  timeline: z.number().int().optional(),
  state: z.string().optional(),
});

export const PostgresClusterStatus = z.object({
  phase: z.enum(['Pending', 'Initializing', 'Healthy', 'Degraded', 'FailingOver', 'SwitchingOver', 'Unavailable']).optional(),
  currentPrimary: z.string().optional(),
  targetPrimary: z.string().optional(),
  readyInstances: z.number().int().optional(),
  instances: z.array(InstanceStatus).optional(),
  conditions: z.array(Condition).optional(),
  observedGeneration: z.number().int().optional(),
  lastFailover: z
    .object({
      from: z.string(),
      to: z.string(),
      reason: z.string(),
      at: z.string(),
      secondsToPromote: z.number(),
    })
    .optional(),
  /** The switchover request (spec.switchover.to) last completed, so one request runs once. */
  switchoverDone: z.string().optional(),
});

export type PostgresClusterSpec = z.output<typeof PostgresClusterSpec>;
export type PostgresClusterSpecInput = z.input<typeof PostgresClusterSpec>;
export type PostgresClusterStatus = z.output<typeof PostgresClusterStatus>;
export type InstanceStatus = z.output<typeof InstanceStatus>;
export type Condition = z.output<typeof Condition>;

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
}

/** A PostgresCluster as the operator works with it: spec with defaults applied. */
export interface PostgresCluster {
  apiVersion: `${typeof GROUP}/${typeof VERSION}`;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: PostgresClusterSpec;
  status?: PostgresClusterStatus;
}

/** Parses what the API server returned (it applied the CRD's defaults already; zod's are the same). */
export function parseCluster(obj: any): PostgresCluster {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: KIND,
    metadata: obj.metadata,
    spec: PostgresClusterSpec.parse(obj.spec ?? {}),
    status: PostgresClusterStatus.safeParse(obj.status ?? {}).data ?? {},
  };
}
