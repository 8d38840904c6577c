import { randomBytes } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '@converge/runtime';
import type { Kube } from '../../kube/client';
import type { OperatorMetrics } from '../../controller/operator-metrics';
import { REDIS_KIND, REDIS_PLURAL, type RedisSentinel, quorumOf } from '../api/redis-sentinel';
import { buildRedisConfigMap } from '../builders/config-map';
import { LABEL_REDIS, LABEL_REDIS_COMPONENT, LABEL_REDIS_ROLE, REDIS_PORT, SENTINEL_PORT, podHost, redisNames, redisPodName } from '../builders/names';
import { buildRedisPdbs } from '../builders/pdb';
import { PASSWORD_KEY, buildRedisAuthSecret } from '../builders/secret';
import { buildRedisServices } from '../builders/services';
import { type RedisDefaults, buildRedisStatefulSet, buildSentinelStatefulSet } from '../builders/statefulsets';
import { type PassMemory, type PassResult, type SetUnderWatch, newPassMemory, sentinelPass } from '../live/pass';
import { computeRedisStatus } from './status';

interface Memory {
  pass: PassMemory;
  applied: Map<string, { json: string; at: number }>;
  /** The last warning per subject: the same failure every second is one Event, not hundreds. */
  lastWarning: Map<string, string>;
}

export interface RedisReconcilerDeps {
  kube: Kube;
  log: Logger;
  metrics: OperatorMetrics;
  defaults: RedisDefaults;
  pods: () => readonly V1Pod[];
}

const RESYNC_MS = 30_000;
const podReady = (p: V1Pod | undefined) => !!p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
/** JSON with sorted keys: the API server's copy and the recomputed one compare by content, not key order. */
const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
const ordinal = (pod: string) => Number(/-(\d+)$/.exec(pod)?.[1] ?? -1);

/**
 * One level-based pass over one RedisSentinel: owned objects applied, every Redis and Sentinel pod
 * read, the agreement's actions carried out, the master label moved to the master a quorum of
 * Sentinels names, the status recomputed and patched when changed.
 */
export class RedisReconciler {
  private readonly memory = new Map<string, Memory>();

  constructor(private readonly deps: RedisReconcilerDeps) {}

  forget(key: string): void {
    this.memory.delete(key);
    this.deps.metrics.redisSentinelsDisagree.remove({ redissentinel: key.slice(key.indexOf('/') + 1) });
  }

  async reconcile(r: RedisSentinel): Promise<void> {
    const { kube, log } = this.deps;
    const ns = r.metadata.namespace;
    const name = r.metadata.name;
    const key = `${ns}/${name}`;
    const n = redisNames(name);
    const mem: Memory = this.memory.get(key) ?? { pass: newPassMemory(), applied: new Map(), lastWarning: new Map() };
    this.memory.set(key, mem);

    await kube.createIfAbsent(buildRedisAuthSecret(r, () => randomBytes(24).toString('base64url')));
    const objects = [buildRedisConfigMap(r), ...buildRedisServices(r), ...buildRedisPdbs(r), buildRedisStatefulSet(r, this.deps.defaults), buildSentinelStatefulSet(r, this.deps.defaults)];
    for (const o of objects) {
      const id = `${String(o.kind)}/${String((o.metadata as { name: string }).name)}`;
      const json = JSON.stringify(o);
      const last = mem.applied.get(id);
      if (last && last.json === json && Date.now() - last.at < RESYNC_MS) continue;
      await kube.apply(o);
      mem.applied.set(id, { json, at: Date.now() });
    }

    const mine = this.deps.pods().filter((p) => p.metadata?.namespace === ns && p.metadata?.labels?.[LABEL_REDIS] === name && !p.metadata?.deletionTimestamp);
    const of = (component: string) => mine.filter((p) => p.metadata?.labels?.[LABEL_REDIS_COMPONENT] === component).sort((a, b) => ordinal(a.metadata!.name!) - ordinal(b.metadata!.name!));
    const redisPods = of('redis');
    const sentinelPods = of('sentinel');
    const podReadyMap = Object.fromEntries(mine.map((p) => [p.metadata!.name!, podReady(p)]));
    const scaling = redisPods.length !== r.spec.replicas || sentinelPods.length !== r.spec.sentinels;

    const password = await kube.readSecret(ns, n.auth, PASSWORD_KEY);
    let pass: PassResult | undefined;
    if (password && (redisPods.length > 0 || sentinelPods.length > 0)) {
      const set: SetUnderWatch = {
        // Pods without an address yet are not listed: the agreement counts them as not answering.
        redis: redisPods.filter((p) => p.status?.podIP).map((p) => ({
          name: p.metadata!.name!,
          host: p.status!.podIP!,
          port: REDIS_PORT,
          addresses: [`${podHost(p.metadata!.name!, n.redisHeadless, ns)}:${REDIS_PORT}`, `${p.status!.podIP}:${REDIS_PORT}`],
        })),
        sentinels: sentinelPods.filter((p) => p.status?.podIP).map((p) => ({ name: p.metadata!.name!, host: p.status!.podIP!, port: SENTINEL_PORT })),
        password,
        masterName: r.spec.masterName,
        quorum: quorumOf(r.spec),
        replicas: r.spec.replicas,
        sentinelCount: r.spec.sentinels,
        timings: { downAfterMs: r.spec.sentinel.downAfterMilliseconds, failoverTimeoutMs: r.spec.sentinel.failoverTimeoutMilliseconds },
        bootstrapPod: redisPodName(name, 0),
      };
      // Pods that exist but have no IP yet still count in the views (as unreachable).
      pass = await sentinelPass(set, mem.pass);
      for (const p of sentinelPods.filter((x) => !x.status?.podIP)) pass.agreement.views.push({ name: p.metadata!.name!, reachable: false });
      for (const res of pass.results) {
        const subject = `${res.action.kind}/${'pod' in res.action ? res.action.pod : res.action.sentinel}`;
        if (res.error) {
          log.warn({ redis: key, action: res.action.kind, err: res.error }, 'redis action failed');
          if (mem.lastWarning.get(subject) !== res.error) await kube.event(r.metadata, 'Warning', `${res.action.kind}Failed`, `${subject}: ${res.error}`, REDIS_KIND);
          mem.lastWarning.set(subject, res.error);
        } else {
          mem.lastWarning.delete(subject);
          log.info({ redis: key, action: res.action }, 'redis action done');
          if (res.action.kind === 'monitor' && res.action.reason === 'reseed') {
            await kube.event(r.metadata, 'Normal', 'SentinelReseeded', `${res.action.sentinel} had lost its state: monitors ${res.action.master} again`, REDIS_KIND);
          }
        }
      }
      const d = pass.agreement.disagreement;
      const prevReason = mem.lastWarning.get('disagreement');
      if (d && prevReason !== d.reason) await kube.event(r.metadata, 'Warning', 'SentinelsDisagree', d.message.slice(0, 1000), REDIS_KIND);
      if (d) mem.lastWarning.set('disagreement', d.reason);
      else mem.lastWarning.delete('disagreement');
      this.deps.metrics.redisSentinelsDisagree.set({ redissentinel: name }, d ? 1 : 0);
    }

    // The master label follows the agreed master (what -master selects): the others lose it first.
    const master = pass?.agreement.master;
    if (master) {
      const byName = new Map(redisPods.map((p) => [p.metadata!.name!, p]));
      const order = [...byName.keys()].sort((a, b) => (a === master ? 1 : 0) - (b === master ? 1 : 0));
      for (const p of order) {
        const want = p === master ? 'master' : 'replica';
        if (byName.get(p)!.metadata?.labels?.[LABEL_REDIS_ROLE] !== want) await kube.patchPodLabels(ns, p, { [LABEL_REDIS_ROLE]: want });
      }
      const previous = r.status?.currentMaster;
      if (previous !== master) {
        const source = pass!.agreement.source ?? 'sentinels';
        this.deps.metrics.redisMasterChanges.inc({ source });
        log.info({ redis: key, from: previous, to: master, source }, 'redis master changed');
        await kube.event(
          r.metadata,
          previous ? 'Warning' : 'Normal',
          previous ? 'MasterChanged' : 'MasterElected',
          previous ? `the Sentinels name ${master} (was ${previous}): -master and the labels follow` : `${master} is the master (${source})`,
          REDIS_KIND,
        );
      }
    }

    const next = computeRedisStatus({ r, ...(pass ? { pass } : {}), podReady: podReadyMap, scaling, now: new Date().toISOString() });
    if (stable(next) !== stable(r.status ?? {})) await kube.patchCustomStatus(REDIS_PLURAL, ns, name, next);
  }
}
