import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { DASHBOARDS, dashboardQueries, renderDashboard } from '../src/dashboards';
import { dashboardSchemaPath } from './schema-path';

const committed = (file: string) => readFileSync(join(__dirname, '../../dashboards', file), 'utf8');

test('the committed dashboards are what the generator writes (run `npm run dashboards -w observability`)', () => {
  for (const d of DASHBOARDS) assert.equal(committed(d.file), renderDashboard(d.build()), `dashboards/${d.file} is stale`);
});

test('every committed dashboard validates against the Grafana dashboard schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(dashboardSchemaPath(), 'utf8')) as object);
  for (const d of DASHBOARDS) {
    const json = JSON.parse(committed(d.file)) as { schemaVersion?: number };
    assert.ok(validate(json), `${d.file}: ${ajv.errorsText(validate.errors)}`);
    assert.equal(json.schemaVersion, 42, `${d.file} is classic dashboard JSON, schemaVersion 42`);
  }
});

test('the schema check is not vacuous: a dashboard with a misspelt field is refused', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(dashboardSchemaPath(), 'utf8')) as object);
  const broken = { ...(DASHBOARDS[0]!.build() as object), refreshEvery: '30s' };
  assert.equal(validate(broken), false);
});

test('each dashboard has its own uid, a Prometheus datasource variable, and panels that all query it', () => {
  const uids = new Set<string>();
  for (const d of DASHBOARDS) {
    const dash = d.build();
    assert.ok(dash.uid && !uids.has(dash.uid), `${d.file}: unique uid`);
    uids.add(dash.uid);
    assert.deepEqual(dash.templating?.list?.map((v) => [v.name, v.type, v.query]), [['datasource', 'datasource', 'prometheus']]);
    const panels = (dash.panels ?? []).filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 6, `${d.file}: ${panels.length} panels`);
    for (const p of panels) {
      const targets = (p as { targets?: unknown[] }).targets ?? [];
      assert.ok(targets.length > 0, `${d.file} / ${(p as { title?: string }).title}: no query`);
      assert.equal((p as { datasource?: { uid?: string } }).datasource?.uid, '${datasource}');
    }
    assert.ok(dashboardQueries(dash).every((q) => q.expr.trim().length > 0));
  }
});

test('the panels the issue names are there', () => {
  const titles = (i: number) => (DASHBOARDS[i]!.build().panels ?? []).map((p) => (p as { title?: string }).title ?? '');
  const has = (i: number, words: RegExp[]) => {
    for (const w of words) assert.ok(titles(i).some((t) => w.test(t)), `${DASHBOARDS[i]!.file}: no panel matching ${w}`);
  };
  has(0, [/Sockets/, /Messages\/s/, /ack latency/i, /Refused requests by code/, /Requests\/s by route/, /Errors\/s by route/, /duration by route/, /Restarts/]);
  has(1, [/Acked sends vs deliveries/, /room:sync/, /Outbox lag/, /consumer lag/]);
  has(2, [/Primaries/, /Replication lag/, /Failovers/, /Redis master changes/, /pool/i]);
});
