// `make cluster` / `make cluster-down`: the same chart on the same real node as the e2e tests, kept
// running for a person (state in .dev/cluster) until `make cluster-down` removes all of it.
//   node e2e/dist/src/cluster-cli.js up|down      (OPERATOR=1 make cluster: PostgreSQL from the operator)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '@converge/testing/kube';
import { startChartOnNode } from './support/chart-on-node';
import { operatorPostgres } from './support/postgres-on-node';
import { operatorDataLayer } from './support/redis-on-node';
import { NAMESPACE } from './support/release-prereqs';

const DIR = join(REPO, '.dev', 'cluster');

async function up(): Promise<void> {
  if (existsSync(join(DIR, 'pids'))) {
    console.error(`cluster: ${DIR} exists; run make cluster-down first`);
    process.exit(1);
  }
  // OPERATOR=1: PostgreSQL from the operator (hack/kube/values-node-operator.yaml), not the stand-in;
  // OPERATOR=all: Redis with Sentinel from it too (values-node-redis.yaml).
  const operator = process.env.OPERATOR === 'all' ? operatorDataLayer() : process.env.OPERATOR === '1' ? operatorPostgres() : {};
  const chart = await startChartOnNode({ dir: DIR, ...operator });
  const kubeconfig = join(DIR, 'kubeconfig');
  console.log(
    [
      '',
      'Converge runs on the real one-node Kubernetes (node converge-node, 10.246.0.1).',
      `  web client:   ${chart.urls.web}/   (open it in a browser on this machine)`,
      `  user API:     ${chart.urls.user}    chat API/Socket.IO: ${chart.urls.chat}`,
      `  kubectl:      kubectl --kubeconfig ${kubeconfig} -n ${NAMESPACE} get pods`,
      `  helm:         ${join(process.env.HOME ?? '/root', '.cache/converge/bin/helm')} --kubeconfig ${kubeconfig} -n ${NAMESPACE} list`,
      '  remove it:    make cluster-down',
    ].join('\n'),
  );
}

function down(): void {
  if (!existsSync(DIR)) return console.log('cluster: nothing to remove');
  const r = spawnSync('bash', [join(REPO, 'hack', 'kube', 'cluster-down.sh'), DIR], { stdio: 'inherit', timeout: 5 * 60_000 });
  if (r.status !== 0) process.exit(r.status ?? 1);
  spawnSync('rm', ['-rf', DIR]);
}

const cmd = process.argv[2];
if (cmd === 'up') {
  up().catch((e) => {
    console.error(`cluster: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
} else if (cmd === 'down') {
  down();
} else {
  console.error('usage: cluster-cli.js up|down');
  process.exit(2);
}
