import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { REPO, TOOLS_BIN } from './paths';

// What a real cluster would already have for the chart: nodes (kwok fakes, in two zones), a
// StorageClass with volumes for the NATS PVCs, the Secrets the chart names, the ServiceMonitor CRD,
// the prometheus-operator's PrometheusRule CRD.

export const NAMESPACE = 'converge';
/** A second namespace for the `helm install` path. */
export const HELM_NAMESPACE = 'converge-helm';
export const STORAGE_CLASS = 'converge-test';

export function fakeNodes(count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `kwok-node-${i}`,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': `kwok-node-${i}`,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `zone-${i % 2}`,
        type: 'kwok',
      },
    },
    // Real kubelets report ephemeral storage too; the chart's pods request it.
    status: {
      allocatable: { cpu: '16', memory: '64Gi', 'ephemeral-storage': '100Gi', pods: '110' },
      capacity: { cpu: '16', memory: '64Gi', 'ephemeral-storage': '100Gi', pods: '110' },
    },
  }));
}

export function namespace(name: string): unknown {
  // The restricted Pod Security Standard is enforced: a pod of the chart that is not hardened is refused.
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
    },
  };
}

export function storage(volumes: number, size: string): unknown[] {
  return [
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: STORAGE_CLASS },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'Immediate',
    },
    ...Array.from({ length: volumes }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `converge-test-pv-${i}` },
      spec: {
        capacity: { storage: size },
        accessModes: ['ReadWriteOnce'],
        storageClassName: STORAGE_CLASS,
        persistentVolumeReclaimPolicy: 'Retain',
        // Never mounted: kwok runs no containers.
        hostPath: { path: `/nonexistent/converge-test-pv-${i}` },
      },
    })),
  ];
}

export function secrets(): unknown[] {
  const s = (name: string, data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    type: 'Opaque',
    stringData: data,
  });
  return [
    // kwok's pods never start a process, so no key is read: a placeholder, not a PEM.
    s('converge-jwt', { 'signing-key.pem': 'placeholder: kwok pods never read it' }),
    s('converge-postgres', { password: 'test-password' }),
  ];
}

/** A minimal ServiceMonitor CRD, so the chart's capability check sees monitoring.coreos.com/v1. */
export function serviceMonitorCrd(): unknown {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'servicemonitors.monitoring.coreos.com' },
    spec: {
      group: 'monitoring.coreos.com',
      names: { kind: 'ServiceMonitor', listKind: 'ServiceMonitorList', plural: 'servicemonitors', singular: 'servicemonitor' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

/**
 * The prometheus-operator's own PrometheusRule CRD (not a stand-in: its schema checks every rule's
 * fields), pinned and fetched through the Go module proxy by hack/tools/install.sh into the cache.
 */
export function prometheusRuleCrd(): unknown {
  execFileSync('bash', [join(REPO, 'hack', 'tools', 'install.sh'), 'prometheus-operator-crds'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 60 * 60 * 1000,
  });
  const file = join(dirname(TOOLS_BIN), 'crds', 'prometheus-operator', 'monitoring.coreos.com_prometheusrules.yaml');
  return parse(readFileSync(file, 'utf8'));
}
