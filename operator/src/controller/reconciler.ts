import { randomBytes } from 'node:crypto';
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '@converge/runtime';
import { type PostgresCluster, type PostgresClusterStatus } from '../api/postgres-cluster';
import { buildConfigMap } from '../builders/config-map';
import { type InstanceDefaults, buildInstancePod, buildInstancePvc } from '../builders/instance';
import { planInstances } from '../builders/instance-set';
import { LABEL_CLUSTER, LABEL_INSTANCE, LABEL_ROLE, names, serialOf } from '../builders/names';
import { buildPdb } from '../builders/pdb';
import { buildSecrets } from '../builders/secrets';
import { buildServices } from '../builders/services';
import { type Action, decide } from '../failover/decide';
import { type Observation, isServingPrimary, lsnBytes } from '../failover/observation';
import type { Kube } from '../kube/client';
import type { AgentClient } from './agent-client';
import type { OperatorMetrics } from './operator-metrics';
import { computeStatus } from './status';

/** What the operator remembers between passes; all of it can be lost (a restart only delays a failover). */
interface Memory {
  primaryFailingSince?: number;
  /** What was last applied, by object, and when: unchanged objects are re-applied only every RESYNC_MS. */
  applied: Map<string, { json: string; at: number }>;
  /** The last warning Event per action kind: the same failure every second is one Event, not hundreds. */
  lastWarning: Map<string, string>;
  /** Orders still running, by instance (clone and rejoin take a while; a pass never repeats one). */
  inFlight: Set<string>;
}

export interface ReconcilerDeps {
  kube: Kube;
  agents: AgentClient;
  log: Logger;
  metrics: OperatorMetrics;
  defaults: InstanceDefaults;
  pods: () => readonly V1Pod[];
}

/** Owned objects are re-applied at least this often even when unchanged: someone may have edited them. */
const RESYNC_MS = 30_000;

const podReady = (p: V1Pod | undefined) => !!p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * One level-based pass over one PostgresCluster: owned objects to their desired state, the instances
 * observed, the decision table's actions carried out, the status recomputed and patched when changed.
 */
export class Reconciler {
  private readonly memory = new Map<string, Memory>();

  constructor(private readonly deps: ReconcilerDeps) {}

  forget(key: string): void {
    this.memory.delete(key);
  }

  async reconcile(c: PostgresCluster): Promise<void> {
    const { kube } = this.deps;
    const key = `${c.metadata.namespace}/${c.metadata.name}`;
    const mem: Memory = this.memory.get(key) ?? { inFlight: new Set(), applied: new Map(), lastWarning: new Map() };
    this.memory.set(key, mem);
    const ns = c.metadata.namespace;
    const cluster = c.metadata.name;
    const n = names(cluster);

    for (const s of buildSecrets(c, () => randomBytes(24).toString('base64url'))) await kube.createIfAbsent(s);
    for (const o of [buildConfigMap(c), ...buildServices(c), buildPdb(c)]) {
      const id = `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`;
      const json = JSON.stringify(o);
      const last = mem.applied.get(id);
      if (last && last.json === json && Date.now() - last.at < RESYNC_MS) continue;
      await kube.apply(o);
      mem.applied.set(id, { json, at: Date.now() });
    }

    const claims = (
      await kube.core.listNamespacedPersistentVolumeClaim({ namespace: ns, labelSelector: `${LABEL_CLUSTER}=${cluster}` })
    ).items.filter((p: V1PersistentVolumeClaim) => !p.metadata?.deletionTimestamp);
    let existing = claims.map((p) => p.metadata!.name!).filter((i) => serialOf(cluster, i) !== null);
    let currentPrimary = c.status?.currentPrimary;
    const plan = planInstances(cluster, existing, c.spec.instances, [currentPrimary, c.status?.targetPrimary, c.spec.switchover?.to]);
    for (const i of plan.create) await kube.createIfAbsent(buildInstancePvc(c, i));
    for (const i of plan.remove) {
      await kube.deleteIfPresent('v1', 'Pod', ns, i);
      await kube.deleteIfPresent('v1', 'PersistentVolumeClaim', ns, i);
      this.deps.log.info({ cluster: key, instance: i }, 'instance removed (scale down)');
    }
    existing = [...existing.filter((i) => !plan.remove.includes(i)), ...plan.create].sort((a, b) => serialOf(cluster, a)! - serialOf(cluster, b)!);

    const pods = new Map(
      this.deps.pods()
        .filter((p) => p.metadata?.namespace === ns && p.metadata?.labels?.[LABEL_CLUSTER] === cluster)
        .map((p) => [p.metadata!.labels![LABEL_INSTANCE]!, p]),
    );
    for (const i of existing) {
      const pod = pods.get(i);
      if (!pod || (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')) {
        if (pod) await kube.deleteIfPresent('v1', 'Pod', ns, i);
        await kube.createIfAbsent(buildInstancePod(c, i, i === currentPrimary ? 'primary' : 'replica', this.deps.defaults));
      }
    }

    const token = await kube.readSecret(ns, n.agent, 'token');
    const observations: Observation[] = await Promise.all(
      existing.map(async (i) => {
        const pod = pods.get(i);
        const ip = pod?.status?.podIP;
        const agent = ip && token ? await this.deps.agents.status(ip, token) : null;
        return { name: i, podExists: !!pod, podReady: podReady(pod), agent };
      }),
    );

    const primaryObs = observations.find((o) => o.name === currentPrimary);
    if (currentPrimary && !isServingPrimary(primaryObs)) mem.primaryFailingSince ??= Date.now();
    else delete mem.primaryFailingSince;

    const actions = decide({
      spec: c.spec,
      currentPrimary,
      switchoverDone: c.status?.switchoverDone,
      observations,
      primaryFailingSince: mem.primaryFailingSince,
      now: Date.now(),
    }).filter((a) => !('instance' in a) || !mem.inFlight.has(a.instance));

    let status: PostgresClusterStatus = { ...(c.status ?? {}) };
    const address = (i: string) => pods.get(i)?.status?.podIP;
    const primaryHost = { primaryHost: `${n.rw}.${ns}.svc`, primaryPort: 5432 };
    for (const a of actions) {
      if (a.kind === 'wait' || !token) continue;
      try {
        const r = await this.act(c, a, { token, address, primaryHost, mem, observations });
        if (r) {
          status = { ...status, ...r };
          currentPrimary = status.currentPrimary;
          await kube.patchStatus(ns, cluster, status);
        }
      } catch (e) {
        const message = String((e as Error).message).slice(0, 500);
        this.deps.log.warn({ cluster: key, action: a.kind, err: message }, 'action failed');
        if (mem.lastWarning.get(a.kind) !== message) await kube.event(c.metadata, 'Warning', `${a.kind}Failed`, message);
        mem.lastWarning.set(a.kind, message);
      }
    }

    // Labels follow the recorded primary (what -rw and -ro select on).
    for (const i of existing) {
      const pod = pods.get(i);
      const want = i === currentPrimary ? 'primary' : 'replica';
      if (pod && pod.metadata?.labels?.[LABEL_ROLE] !== want) await kube.patchPodLabels(ns, i, { [LABEL_ROLE]: want });
    }

    const next = computeStatus({
      cluster: { ...c, status },
      observations,
      currentPrimary,
      targetPrimary: status.targetPrimary ?? currentPrimary,
      actions,
      scaling: plan.create.length > 0 || plan.remove.length > 0,
      now: new Date().toISOString(),
    });
    if (JSON.stringify(next) !== JSON.stringify(c.status ?? {})) await kube.patchStatus(ns, cluster, next);
  }

  /** Carries out one action; returns the status fields it changed (recorded at once: the API is the memory). */
  private async act(
    c: PostgresCluster,
    a: Exclude<Action, { kind: 'wait' }>,
    ctx: {
      token: string;
      address: (i: string) => string | undefined;
      primaryHost: { primaryHost: string; primaryPort: number };
      mem: Memory;
      observations: Observation[];
    },
  ): Promise<Partial<PostgresClusterStatus> | undefined> {
    const { agents, kube, log, metrics } = this.deps;
    const ns = c.metadata.namespace;
    const at = (i: string) => {
      const ip = ctx.address(i);
      if (!ip) throw new Error(`${i} has no pod address yet`);
      return ip;
    };
    const background = (instance: string, run: () => Promise<unknown>) => {
      ctx.mem.inFlight.add(instance);
      void run()
        .catch((e: unknown) => log.warn({ instance, err: String((e as Error).message) }, 'order failed'))
        .finally(() => ctx.mem.inFlight.delete(instance));
    };
    switch (a.kind) {
      case 'bootstrap':
      case 'start-primary': {
        await agents.order(at(a.instance), ctx.token, a.kind);
        await kube.patchPodLabels(ns, a.instance, { [LABEL_ROLE]: 'primary' });
        await kube.event(c.metadata, 'Normal', a.kind === 'bootstrap' ? 'Bootstrapped' : 'PrimaryStarted', `${a.instance} is the primary`);
        return { currentPrimary: a.instance, targetPrimary: a.instance };
      }
      case 'clone':
        background(a.instance, () => agents.order(at(a.instance), ctx.token, 'clone', { ...ctx.primaryHost, ...(a.wipe ? { wipe: true } : {}) }, 600_000));
        return undefined;
      case 'rejoin':
        background(a.instance, () => agents.order(at(a.instance), ctx.token, 'rejoin', ctx.primaryHost, 600_000));
        return undefined;
      case 'fence':
        await kube.patchPodLabels(ns, a.instance, { [LABEL_ROLE]: 'replica' });
        await agents.order(at(a.instance), ctx.token, 'fence', {}, 30_000);
        await kube.event(c.metadata, 'Warning', 'Fenced', a.reason);
        return undefined;
      case 'failover': {
        const started = ctx.mem.primaryFailingSince ?? Date.now();
        await kube.patchStatus(ns, c.metadata.name, { ...c.status, targetPrimary: a.to, phase: 'FailingOver' });
        // Out of -rw first, then told to stop: no client reaches it while the replica is promoted.
        await kube.patchPodLabels(ns, a.from, { [LABEL_ROLE]: 'replica' }).catch(() => undefined);
        if (a.fence && ctx.address(a.from)) await agents.order(at(a.from), ctx.token, 'fence', {}, 10_000).catch(() => undefined);
        await agents.order(at(a.to), ctx.token, 'promote', {}, 30_000);
        await kube.patchPodLabels(ns, a.to, { [LABEL_ROLE]: 'primary' });
        const seconds = (Date.now() - started) / 1000;
        metrics.failovers.inc({ kind: 'failover' });
        metrics.promoteSeconds.observe({ kind: 'failover' }, seconds);
        log.info({ cluster: c.metadata.name, from: a.from, to: a.to, seconds, reason: a.reason }, 'failover: promoted');
        await kube.event(c.metadata, 'Warning', 'FailedOver', `${a.to} promoted in place of ${a.from} (${a.reason}) after ${seconds.toFixed(1)} s`);
        delete ctx.mem.primaryFailingSince;
        return {
          currentPrimary: a.to,
          targetPrimary: a.to,
          lastFailover: { from: a.from, to: a.to, reason: a.reason, at: new Date().toISOString(), secondsToPromote: seconds },
        };
      }
      case 'switchover': {
        const started = Date.now();
        await kube.patchStatus(ns, c.metadata.name, { ...c.status, targetPrimary: a.to, phase: 'SwitchingOver' });
        await kube.patchPodLabels(ns, a.from, { [LABEL_ROLE]: 'replica' });
        // A clean stop: the old primary ships all its WAL to the connected replicas before it exits.
        const fenced = await agents.order(at(a.from), ctx.token, 'fence', {}, 30_000);
        const last = lsnBytes(fenced.checkpointLsn);
        const deadline = Date.now() + 15_000;
        for (;;) {
          const s = await agents.status(at(a.to), ctx.token);
          if (s && lsnBytes(s.receiveLsn) >= last) break;
          if (Date.now() > deadline) {
            // The target did not get every commit: the old primary goes back, nothing is lost.
            await agents.order(at(a.from), ctx.token, 'start-primary');
            await kube.patchPodLabels(ns, a.from, { [LABEL_ROLE]: 'primary' });
            await kube.event(c.metadata, 'Warning', 'SwitchoverAborted', `${a.to} did not receive ${fenced.checkpointLsn} in 15 s; ${a.from} stays primary`);
            return { targetPrimary: a.from, switchoverDone: a.to };
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        await agents.order(at(a.to), ctx.token, 'promote', {}, 30_000);
        await kube.patchPodLabels(ns, a.to, { [LABEL_ROLE]: 'primary' });
        const seconds = (Date.now() - started) / 1000;
        metrics.failovers.inc({ kind: 'switchover' });
        metrics.promoteSeconds.observe({ kind: 'switchover' }, seconds);
        await kube.event(c.metadata, 'Normal', 'SwitchedOver', `${a.to} is the primary (was ${a.from}) after ${seconds.toFixed(1)} s`);
        return { currentPrimary: a.to, targetPrimary: a.to, switchoverDone: a.to };
      }
    }
  }
}
