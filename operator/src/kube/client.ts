import * as k8s from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type PostgresClusterStatus } from '../api/postgres-cluster';
import { FIELD_MANAGER } from '../builders/names';

/** HTTP status of a client-node error (its ApiException carries `code`). */
export const statusOf = (e: unknown): number | undefined => (e as { code?: number }).code;

/** The few API calls the operator makes, on client-node, with server-side apply under one field manager. */
export class Kube {
  readonly objects: k8s.KubernetesObjectApi;
  readonly core: k8s.CoreV1Api;
  readonly custom: k8s.CustomObjectsApi;
  readonly coordination: k8s.CoordinationV1Api;

  constructor(readonly kc: k8s.KubeConfig) {
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    this.coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  }

  /** Server-side apply (force: the operator owns every field it sets on what it owns). */
  async apply(obj: Record<string, unknown>): Promise<void> {
    await this.objects.patch(obj as k8s.KubernetesObject, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
  }

  /** Creates unless it exists (generated Secrets, Pods, claims: never overwritten). True when created. */
  async createIfAbsent(obj: Record<string, unknown>): Promise<boolean> {
    try {
      await this.objects.create(obj as k8s.KubernetesObject, undefined, undefined, FIELD_MANAGER);
      return true;
    } catch (e) {
      if (statusOf(e) === 409) return false;
      throw e;
    }
  }

  async deleteIfPresent(apiVersion: string, kind: string, namespace: string, name: string): Promise<void> {
    try {
      await this.objects.delete({ apiVersion, kind, metadata: { name, namespace } }, undefined, undefined, 0);
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
  }

  async patchPodLabels(namespace: string, name: string, labels: Record<string, string>): Promise<void> {
    await this.core.patchNamespacedPod(
      { name, namespace, body: { metadata: { labels } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  async patchStatus(namespace: string, name: string, status: PostgresClusterStatus): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { status }, fieldManager: FIELD_MANAGER },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  /** The status of another custom resource of the group (a RedisSentinel). */
  async patchCustomStatus(plural: string, namespace: string, name: string, status: object): Promise<void> {
    await this.custom.patchNamespacedCustomObjectStatus(
      { group: GROUP, version: VERSION, namespace, plural, name, body: { status }, fieldManager: FIELD_MANAGER },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  async readSecret(namespace: string, name: string, key: string): Promise<string | undefined> {
    try {
      const s = await this.core.readNamespacedSecret({ name, namespace });
      const v = s.data?.[key];
      return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  /** An Event on the cluster object (what `kubectl describe` shows): failovers, switchovers, refusals. */
  async event(
    involved: { namespace: string; name: string; uid: string },
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    kind = 'PostgresCluster',
  ): Promise<void> {
    const now = new Date();
    await this.core
      .createNamespacedEvent({
        namespace: involved.namespace,
        body: {
          metadata: { generateName: `${involved.name}.`, namespace: involved.namespace },
          involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind, name: involved.name, namespace: involved.namespace, uid: involved.uid },
          type,
          reason,
          message,
          source: { component: FIELD_MANAGER },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      })
      .catch(() => undefined); // an Event is a courtesy; never fail a reconcile on it
  }
}
