import * as k8s from '@kubernetes/client-node';
import type { Logger } from '@converge/runtime';
import { GROUP, PLURAL, VERSION, parseCluster } from '../api/postgres-cluster';
import { FIELD_MANAGER, LABEL_CLUSTER } from '../builders/names';
import type { InstanceDefaults } from '../builders/instance';
import { Kube } from '../kube/client';
import { type InformerHandle, resilientInformer } from '../kube/informer';
import { AgentClient } from './agent-client';
import type { OperatorMetrics } from './operator-metrics';
import { Reconciler } from './reconciler';
import { WorkQueue } from './work-queue';
import { REDIS_PLURAL, parseRedisSentinel } from '../redis/api/redis-sentinel';
import { LABEL_REDIS } from '../redis/builders/names';
import type { RedisDefaults } from '../redis/builders/statefulsets';
import { RedisReconciler } from '../redis/controller/reconciler';

/** Queue keys of RedisSentinels carry this prefix; PostgresClusters' are `<ns>/<name>`. */
const REDIS_KEY = 'RedisSentinel:';

export interface ControllerOptions {
  kc: k8s.KubeConfig;
  namespace: string;
  log: Logger;
  metrics: OperatorMetrics;
  defaults: InstanceDefaults;
  /** The Redis image when a RedisSentinel names none. */
  redisDefaults: RedisDefaults;
  /** How often every cluster is reconciled again without an event: the agents' health poll. */
  pollMs: number;
}

/**
 * Watches PostgresClusters and the pods the operator owns in one namespace (a Role is enough), and
 * reconciles each cluster on every change and every `pollMs`, one worker per cluster.
 */
export class Controller {
  private clusters: InformerHandle<k8s.KubernetesObject> | undefined;
  private pods: InformerHandle<k8s.V1Pod> | undefined;
  private redisSets: InformerHandle<k8s.KubernetesObject> | undefined;
  private readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly redisReconciler: RedisReconciler;
  private readonly kube: Kube;

  constructor(private readonly o: ControllerOptions) {
    this.kube = new Kube(o.kc);
    this.reconciler = new Reconciler({
      kube: this.kube,
      agents: new AgentClient(),
      log: o.log,
      metrics: o.metrics,
      defaults: o.defaults,
      pods: () => this.pods?.list() ?? [],
    });
    this.redisReconciler = new RedisReconciler({
      kube: this.kube,
      log: o.log,
      metrics: o.metrics,
      defaults: o.redisDefaults,
      pods: () => this.pods?.list() ?? [],
    });
    this.queue = new WorkQueue((key) => (key.startsWith(REDIS_KEY) ? this.workRedis(key.slice(REDIS_KEY.length)) : this.work(key)));
  }

  start(): void {
    const { kc, namespace, log } = this.o;
    const logf = (msg: string, extra?: object) => log.info(extra ?? {}, msg);
    this.clusters = resilientInformer<k8s.KubernetesObject>({
      kc,
      path: `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`,
      list: () => this.kube.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL }) as never,
      onChange: (o) => this.queue.add(`${o.metadata!.namespace}/${o.metadata!.name}`),
      log: logf,
    });
    this.pods = resilientInformer<k8s.V1Pod>({
      kc,
      path: `/api/v1/namespaces/${namespace}/pods`,
      labelSelector: `app.kubernetes.io/managed-by=${FIELD_MANAGER}`,
      list: () => this.kube.core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/managed-by=${FIELD_MANAGER}` }),
      onChange: (p) => {
        const cluster = p.metadata?.labels?.[LABEL_CLUSTER];
        if (cluster) this.queue.add(`${p.metadata!.namespace}/${cluster}`);
        const redis = p.metadata?.labels?.[LABEL_REDIS];
        if (redis) this.queue.add(`${REDIS_KEY}${p.metadata!.namespace}/${redis}`);
      },
      log: logf,
    });
    this.startRedis();
  }

  private startRedis(): void {
    const { kc, namespace, log } = this.o;
    this.redisSets = resilientInformer<k8s.KubernetesObject>({
      kc,
      path: `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${REDIS_PLURAL}`,
      list: () => this.kube.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: REDIS_PLURAL }) as never,
      onChange: (o) => this.queue.add(`${REDIS_KEY}${o.metadata!.namespace}/${o.metadata!.name}`),
      log: (msg, extra) => log.info(extra ?? {}, msg),
    });
  }

  async stop(): Promise<void> {
    this.redisSets?.stop();
    this.clusters?.stop();
    this.pods?.stop();
    await this.queue.stop();
  }

  private async workRedis(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const obj = this.redisSets?.list().find((o) => o.metadata?.namespace === namespace && o.metadata?.name === name);
    if (!obj) {
      this.redisReconciler.forget(key);
      return;
    }
    try {
      const r = parseRedisSentinel(obj);
      if (!r.metadata.deletionTimestamp) await this.redisReconciler.reconcile(r);
      this.o.metrics.redisReconciles.inc({ result: 'ok' });
    } catch (e) {
      this.o.metrics.redisReconciles.inc({ result: 'error' });
      this.o.log.warn({ redis: key, err: String((e as Error).message ?? e).slice(0, 500) }, 'redis reconcile failed');
    } finally {
      this.queue.after(`${REDIS_KEY}${key}`, this.o.pollMs);
    }
  }

  private async work(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const obj = this.clusters?.list().find((o) => o.metadata?.namespace === namespace && o.metadata?.name === name);
    if (!obj) {
      this.reconciler.forget(key); // deleted: the garbage collector removes what it owned
      return;
    }
    try {
      const c = parseCluster(obj);
      if (!c.metadata.deletionTimestamp) await this.reconciler.reconcile(c);
      this.o.metrics.reconciles.inc({ result: 'ok' });
    } catch (e) {
      this.o.metrics.reconciles.inc({ result: 'error' });
      this.o.log.warn({ cluster: key, err: String((e as Error).message ?? e).slice(0, 500) }, 'reconcile failed');
    } finally {
      this.queue.after(key, this.o.pollMs);
    }
  }
}
