import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';

export interface LeaseTiming {
  durationSeconds: number;
  renewEverySeconds: number;
}

/** Whether `identity` may take the lease now (pure: the unit test's table). */
export function canAcquire(lease: V1Lease | undefined, identity: string, now: Date): boolean {
  const spec = lease?.spec;
  if (!spec?.holderIdentity || spec.holderIdentity === identity) return true;
  const renewed = spec.renewTime ? new Date(spec.renewTime as unknown as string).getTime() : 0;
  return renewed + (spec.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease (client-node has none): take it when free or
 * expired, renew it before it expires, and on a failed renewal give up leadership at once (`onLost`),
 * so two operators never reconcile at once. Writes carry the resourceVersion read, so two candidates
 * racing for one expired lease cannot both win (the API server refuses the second with 409).
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenew = 0;

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly namespace: string,
    private readonly name: string,
    readonly identity: string,
    private readonly timing: LeaseTiming,
    private readonly on: { started: () => void; lost: (why: string) => void; log: (msg: string, extra?: object) => void },
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const tick = async () => {
      try {
        await this.tryAcquireOrRenew();
      } catch (e) {
        this.on.log('lease: request failed', { err: String((e as Error).message ?? e) });
      }
      if (this.leading && Date.now() - this.lastRenew > this.timing.durationSeconds * 1000) this.lose('the lease could not be renewed in time');
      this.timer = setTimeout(() => void tick(), (this.leading ? this.timing.renewEverySeconds : Math.max(1, this.timing.renewEverySeconds / 2)) * 1000);
      this.timer.unref();
    };
    void tick();
  }

  /** Stops renewing and, when leading, releases the lease so a successor need not wait for it to expire. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
      if (lease.spec?.holderIdentity === this.identity) {
        lease.spec.holderIdentity = undefined as unknown as string;
        await this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body: lease });
      }
    } catch {
      // It expires by itself.
    }
  }

  private lose(why: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.on.lost(why);
  }

  private async tryAcquireOrRenew(): Promise<void> {
    const now = new Date();
    let lease: V1Lease | undefined;
    try {
      lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
    if (!canAcquire(lease, this.identity, now)) {
      this.lose(`the lease is held by ${lease?.spec?.holderIdentity}`);
      return;
    }
    const taking = lease?.spec?.holderIdentity !== this.identity;
    const spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.timing.durationSeconds,
      // MicroTime: the API server refuses a Date serialised with milliseconds only.
      renewTime: new V1MicroTime(now.getTime()),
      acquireTime: taking || !lease?.spec?.acquireTime ? new V1MicroTime(now.getTime()) : lease.spec.acquireTime,
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (taking && lease?.spec?.holderIdentity ? 1 : 0),
    };
    try {
      if (!lease) {
        await this.api.createNamespacedLease({ namespace: this.namespace, body: { metadata: { name: this.name, namespace: this.namespace }, spec } });
      } else {
        await this.api.replaceNamespacedLease({ name: this.name, namespace: this.namespace, body: { metadata: lease.metadata!, spec } });
      }
    } catch (e) {
      if ((e as { code?: number }).code === 409) {
        this.lose('another candidate wrote the lease first');
        return;
      }
      throw e;
    }
    this.lastRenew = now.getTime();
    if (!this.leading) {
      this.leading = true;
      this.on.log('lease: leading', { identity: this.identity });
      this.on.started();
    }
  }
}
