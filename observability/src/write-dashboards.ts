// `npm run dashboards -w observability`: writes every dashboard's JSON to observability/dashboards/
// (committed; test/dashboards.test.ts fails when a committed copy is stale).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS, renderDashboard } from './dashboards';

const dir = join(__dirname, '../../dashboards');
mkdirSync(dir, { recursive: true });
for (const d of DASHBOARDS) {
  writeFileSync(join(dir, d.file), renderDashboard(d.build()));
  console.log(`wrote dashboards/${d.file}`);
}
