// The real node itself (hack/kube/cluster-up.sh), before any chart runs on it: a container from a
// real image is started by kubelet + containerd, gated by a real readiness probe, reached from the
// host through kube-proxy, resolves Services through CoreDNS, answers kubectl logs/exec through the
// apiserver, and the node leaves nothing behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { RealCluster } from '@converge/testing/kube';
import { MINUTE } from '../support/timeouts';
import { nodeImage } from './node-image';

const NS = 'node-test';

// A tiny HTTP server: one JSON log line per request; /ready answers 503 until /tmp/ready exists.
const SERVER = `
const http = require('http'), fs = require('fs'), os = require('os');
http.createServer((req, res) => {
  if (req.url === '/ready') { res.writeHead(fs.existsSync('/tmp/ready') ? 200 : 503); return res.end(); }
  console.log(JSON.stringify({ msg: 'Request served', path: req.url, pod: os.hostname() }));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pod: os.hostname() }));
}).listen(8080);`;

// Run inside the pod: DNS names of the cluster, the pod's own Service by name (hairpin), and the
// apiserver as kubernetes.default with the pod's service-account token.
const PROBE_FROM_POD = `
const dns = require('dns').promises, http = require('http'), https = require('https'), fs = require('fs');
const get = (mod, url, opts = {}) => new Promise((resolve, reject) => {
  const r = mod.get(url, opts, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve({ status: res.statusCode, body: b })); });
  r.on('error', reject);
  r.setTimeout(5000, () => r.destroy(new Error('timeout ' + url)));
});
(async () => {
  const svc = (await dns.lookup('echo.${NS}.svc.cluster.local')).address;
  const api = (await dns.lookup('kubernetes.default.svc.cluster.local')).address;
  // By its Service's name (a bare "echo" is the pod's own hostname in /etc/hosts).
  const self = await get(http, 'http://echo.${NS}/?via=pod');
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount/';
  const version = await get(https, 'https://kubernetes.default.svc/version',
    { ca: fs.readFileSync(sa + 'ca.crt'), headers: { authorization: 'Bearer ' + fs.readFileSync(sa + 'token', 'utf8') } });
  let outside = 'resolved';
  try { await dns.lookup('registry.npmjs.org'); } catch (e) { outside = e.code; }
  console.log(JSON.stringify({ svc, api, self: JSON.parse(self.body), version: version.status, outside }));
})().catch((e) => { console.error(e); process.exit(1); });`;

function echoObjects(image: string): unknown[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'echo', namespace: NS, labels: { app: 'echo' } },
      spec: {
        securityContext: { runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'echo',
            image,
            imagePullPolicy: 'Never',
            command: ['node', '-e', SERVER],
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'echo', namespace: NS },
      spec: { selector: { app: 'echo' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
  ];
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

describe('the real node', { timeout: 20 * MINUTE }, () => {
  let cluster: RealCluster | undefined;
  let clusterIp = '';
  const exec = (script: string): string => cluster!.kubectl(['-n', NS, 'exec', 'echo', '--', 'node', '-e', script]);
  const readyStatus = (): string | undefined =>
    cluster!.getJson(['-n', NS, 'pod', 'echo']).status?.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status;

  before(() => {
    const image = nodeImage();
    cluster = RealCluster.start();
    cluster.importImages([image.tar]);
    cluster.apply(echoObjects(image.ref));
    clusterIp = cluster.getJson(['-n', NS, 'service', 'echo']).spec.clusterIP;
  });

  after(() => {
    // The last test stops it on success; this covers a failure before it.
    cluster?.stop();
  });

  test('a container from a real image runs, and only its passing readiness probe makes it Ready and routable', async () => {
    const c = cluster!;
    await c.waitFor('echo Running', 3 * MINUTE, () => c.getJson(['-n', NS, 'pod', 'echo']).status?.phase === 'Running' || 'not Running');
    // The probe is failing (503): the pod stays unready, and its Service has no endpoint to route to.
    await c.waitFor('a failed readiness probe', MINUTE, () => {
      const events = c.kubectl(['-n', NS, 'get', 'events', '--field-selector', 'involvedObject.name=echo', '-o', 'jsonpath={.items[*].message}']);
      return /Readiness probe failed: HTTP probe failed with statuscode: 503/.test(events) || events;
    });
    assert.equal(readyStatus(), 'False');
    await assert.rejects(httpGet(`http://${clusterIp}/`), 'a Service without ready endpoints refuses connections');

    exec("require('fs').writeFileSync('/tmp/ready', '')");
    await c.waitFor('echo Ready', MINUTE, () => readyStatus() === 'True' || `Ready=${readyStatus()}`);
    const user = c.getJson(['-n', NS, 'pod', 'echo']).spec.securityContext.runAsUser;
    assert.equal(user, 65532);
  });

  test('the host reaches the pod through its ClusterIP Service (kube-proxy, iptables)', async () => {
    // kube-proxy syncs within a second or two of the endpoint turning ready.
    let body = '';
    let last = '';
    const deadline = Date.now() + MINUTE;
    while (!body) {
      try {
        const r = await httpGet(`http://${clusterIp}/?via=host`);
        if (r.status === 200) body = r.body;
        else last = `status ${r.status}`;
      } catch (e) {
        last = String(e);
      }
      if (!body && Date.now() > deadline) assert.fail(`the Service did not answer from the host in a minute: ${last}`);
      if (!body) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.deepEqual(JSON.parse(body), { pod: 'echo' });
    assert.match(cluster!.kubectl(['-n', NS, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'jsonpath={.items[*].endpoints[*].addresses[*]}']), /^10\.246\.0\.\d+$/);
  });

  test('inside a pod, CoreDNS resolves Services, the pod reaches itself by its Service and the apiserver as kubernetes.default', () => {
    const out = JSON.parse(exec(PROBE_FROM_POD).trim()) as Record<string, unknown>;
    assert.equal(out.svc, clusterIp);
    assert.equal(out.api, '10.96.0.1');
    assert.deepEqual(out.self, { pod: 'echo' });
    assert.equal(out.version, 200);
    // No forward in the Corefile: a name outside the cluster does not resolve.
    assert.equal(out.outside, 'ENOTFOUND');
  });

  test('kubectl logs shows the JSON lines the container wrote, through the apiserver and the kubelet', () => {
    const lines = cluster!.kubectl(['-n', NS, 'logs', 'echo']).trim().split('\n').map((l) => JSON.parse(l) as { msg: string; path: string });
    assert.ok(lines.some((l) => l.msg === 'Request served' && l.path === '/?via=host'), 'the host request is logged');
    assert.ok(lines.some((l) => l.path === '/?via=pod'), 'the hairpin request is logged');
  });

  test('stopping the node leaves no process, interface, route, iptables chain or mount', () => {
    const c = cluster!;
    const dir = c.dir;
    cluster = undefined;
    c.stop();
    assert.throws(() => execFileSync('ip', ['link', 'show', 'cvgkube0'], { stdio: 'pipe' }));
    assert.equal(execFileSync('ip', ['route', 'show', '10.96.0.0/16'], { encoding: 'utf8' }).trim(), '');
    for (const table of ['filter', 'nat', 'mangle']) {
      const chains = execFileSync('iptables', ['-w', '10', '-t', table, '-S'], { encoding: 'utf8' });
      assert.doesNotMatch(chains, /^-N (KUBE-|CVG-KUBE)/m, `${table} table`);
    }
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(dir), 'no mount under the node dir');
  });
});
