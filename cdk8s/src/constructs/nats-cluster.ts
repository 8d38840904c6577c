import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { expr, when } from '../helm/expr';
import { v, value, valueNumber } from '../values/refs';
import { secretEnv } from './data-endpoints';
import { labels, releaseName, selectorLabels } from './naming';
import { containerSecurityContext, podSecurityContext, topologySpread } from './pod-security';

// Above 10000, so it matches no user of the node (kube-score's low-UID/GID check); fsGroup makes the
// JetStream PVC writable for it (an existing volume is re-owned by the kubelet on the first start).
const NATS_UID = 10222;
export const NATS_CLIENT_PORT = 4222;
export const NATS_CLUSTER_PORT = 6222;
export const NATS_MONITOR_PORT = 8222;

/**
 * A NATS JetStream cluster: a StatefulSet (one PVC per server, stable names for the cluster routes),
 * a headless Service for the routes, a client Service and a PDB. Size, image, storage and limits
 * come from `.Values.nats`; the config file is the `converge.nats.conf` template.
 */
export class NatsCluster extends Construct {
  readonly serviceName: string;
  readonly selector = selectorLabels('nats');

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const name = releaseName('nats');
    const headless = releaseName('nats-headless');
    this.serviceName = name;
    const ports = [
      { name: 'client', containerPort: NATS_CLIENT_PORT, protocol: 'TCP' },
      { name: 'cluster', containerPort: NATS_CLUSTER_PORT, protocol: 'TCP' },
      { name: 'monitor', containerPort: NATS_MONITOR_PORT, protocol: 'TCP' },
    ];

    new ApiObject(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: releaseName('nats-config'), labels: labels('nats') },
      data: { 'nats.conf': expr('include "converge.nats.conf" . | toJson') },
    });

    new ApiObject(this, 'headless', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: headless, labels: labels('nats') },
      spec: {
        clusterIP: 'None',
        // Routes must resolve before the servers are ready: they become ready only once clustered.
        publishNotReadyAddresses: true,
        selector: this.selector,
        ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: 'TCP' })),
      },
    });

    new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labels('nats') },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'client', port: NATS_CLIENT_PORT, targetPort: 'client', protocol: 'TCP' }],
      },
    });

    new ApiObject(this, 'statefulset', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, labels: labels('nats') },
      spec: {
        replicas: valueNumber('nats.replicas'),
        serviceName: headless,
        // All servers start together: a JetStream cluster needs its peers to elect a meta leader.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: this.selector },
        template: {
          metadata: {
            labels: { ...labels('nats'), ...this.selector },
            annotations: { 'checksum/config': expr('include "converge.nats.conf" . | sha256sum | toJson') },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: podSecurityContext(NATS_UID),
            // Lame-duck mode (30 s) moves clients and stream leaders away before the server stops.
            terminationGracePeriodSeconds: 60,
            topologySpreadConstraints: topologySpread(this.selector, false),
            containers: [
              {
                name: 'nats',
                image: expr('printf "%s:%s" .Values.nats.image.repository .Values.nats.image.tag | toJson'),
                imagePullPolicy: 'IfNotPresent',
                args: ['--config', '/etc/nats/nats.conf'],
                env: [
                  { name: 'SERVER_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  // nats.conf's authorization reads it; the Secret is the one the services log in with.
                  secretEnv('NATS_PASSWORD', 'nats'),
                ],
                ports,
                resources: value('nats.resources'),
                securityContext: containerSecurityContext(NATS_UID),
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/nats' },
                  { name: 'data', mountPath: '/data' },
                  { name: 'run', mountPath: '/var/run/nats' },
                ],
                startupProbe: { httpGet: { path: '/healthz', port: 'monitor' }, periodSeconds: 2, failureThreshold: 90 },
                livenessProbe: { httpGet: { path: '/healthz?js-enabled-only=true', port: 'monitor' }, periodSeconds: 10, failureThreshold: 3 },
                readinessProbe: { httpGet: { path: '/healthz?js-server-only=true', port: 'monitor' }, periodSeconds: 5, failureThreshold: 3 },
                lifecycle: { preStop: { exec: { command: ['nats-server', '--signal', 'ldm=/var/run/nats/nats.pid'] } } },
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: releaseName('nats-config') } },
              { name: 'run', emptyDir: { sizeLimit: '1Mi' } },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              [when(v('nats.storage.storageClassName'), 'storageClassName')]: value('nats.storage.storageClassName'),
              resources: { requests: { storage: value('nats.storage.size') } },
            },
          },
        ],
      },
    });

    new ApiObject(this, 'pdb', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, labels: labels('nats') },
      spec: { maxUnavailable: 1, selector: { matchLabels: this.selector } },
    });
  }
}
