import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podsOf, readyPods, workloadsNotReady } from './kube-state';

const pod = (name: string, ready: boolean, extra: Record<string, any> = {}) => ({
  metadata: { name, labels: { 'pod-template-hash': 'abc' }, ...(extra.deleting ? { deletionTimestamp: 'now' } : {}) },
  status: {
    phase: 'Running',
    podIP: '10.246.0.7',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [
      {
        name: 'chat',
        ready,
        restartCount: extra.restarts ?? 0,
        containerID: 'containerd://c1',
        state: ready ? { running: {} } : { waiting: { reason: extra.reason ?? 'ContainerCreating' } },
      },
    ],
  },
});
const deployment = (name: string, want: number, status: Record<string, number>) => ({
  metadata: { name, generation: 2 },
  spec: { replicas: want },
  status: { observedGeneration: 2, ...status },
});

test('pods: IP, readiness, template hash, container id, and why a container waits', () => {
  const [a, b] = podsOf({ items: [pod('conv-chat-1', true), pod('conv-chat-2', false, { reason: 'CrashLoopBackOff', restarts: 3 })] });
  assert.deepEqual([a?.ip, a?.ready, a?.templateHash, a?.containers[0]?.containerID], ['10.246.0.7', true, 'abc', 'containerd://c1']);
  assert.deepEqual([b?.ready, b?.containers[0]?.waitingReason, b?.containers[0]?.restartCount], [false, 'CrashLoopBackOff', 3]);
  assert.deepEqual(readyPods(podsOf({ items: [pod('x', true, { deleting: true }), pod('y', true)] })).map((p) => p.name), ['y']);
});

test('everything rolled out and Ready: nothing pending', () => {
  const d = { items: [deployment('conv-chat', 2, { replicas: 2, readyReplicas: 2, updatedReplicas: 2 })] };
  const s = { items: [{ ...deployment('conv-nats', 3, { replicas: 3, readyReplicas: 3, updatedReplicas: 3 }), status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentRevision: 'r1', updateRevision: 'r1' } }] };
  assert.deepEqual(workloadsNotReady(d, s, { items: [] }), []);
});

test('a rollout in progress, an unobserved change and a crash-looping pod are each named', () => {
  const d = {
    items: [
      deployment('conv-chat', 2, { replicas: 3, readyReplicas: 2, updatedReplicas: 1 }),
      { ...deployment('conv-user', 1, { replicas: 1, readyReplicas: 1, updatedReplicas: 1 }), status: { observedGeneration: 1 } },
    ],
  };
  const pending = workloadsNotReady(d, { items: [] }, { items: [pod('conv-chat-2', false, { reason: 'CrashLoopBackOff', restarts: 3 })] });
  assert.equal(pending.length, 2);
  assert.match(pending[0] as string, /deployment\/conv-chat: 2\/2 ready, 1 updated, 3 total \[conv-chat-2 Running \(chat CrashLoopBackOff restarts=3\)\]/);
  assert.match(pending[1] as string, /deployment\/conv-user: change not observed yet/);
});

test('a StatefulSet between revisions is not done', () => {
  const s = { items: [{ metadata: { name: 'conv-nats', generation: 1 }, spec: { replicas: 3 }, status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentRevision: 'r1', updateRevision: 'r2' } }] };
  assert.match(workloadsNotReady({ items: [] }, s, { items: [] })[0] as string, /revision r1 → r2/);
});
