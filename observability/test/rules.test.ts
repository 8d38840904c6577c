import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadRules, RULE_FILES, RULES_DIR } from '../src/rules';

const TEST_FILE = join(RULES_DIR, 'tests', 'alerts.test.yaml');
const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: RULES_DIR, encoding: 'utf8', stdio: 'pipe' });

test('promtool check rules accepts every rule file', () => {
  const out = promtool('check', 'rules', ...RULE_FILES);
  assert.match(out, /SUCCESS: \d+ rules found[\s\S]*SUCCESS: \d+ rules found/);
});

test('promtool test rules passes every alert test', () => {
  assert.match(promtool('test', 'rules', TEST_FILE), /SUCCESS/);
});

test('promtool test rules is not vacuous: a wrong expectation fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'converge-rules-'));
  try {
    const broken = readFileSync(TEST_FILE, 'utf8')
      .replace('../converge.rules.yaml', join(RULES_DIR, 'converge.rules.yaml'))
      .replace('../converge.alerts.yaml', join(RULES_DIR, 'converge.alerts.yaml'))
      .replace('summary: "db: no PostgreSQL instance is primary; writes fail"', 'summary: "wrong"');
    writeFileSync(join(dir, 'broken.test.yaml'), broken);
    assert.throws(() => execFileSync('promtool', ['test', 'rules', join(dir, 'broken.test.yaml')], { stdio: 'pipe' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface AlertTest {
  alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }>;
}

test('every alert has a test that fires and one that stays quiet', () => {
  const tests = (parse(readFileSync(TEST_FILE, 'utf8')) as { tests: AlertTest[] }).tests.flatMap((t) => t.alert_rule_test ?? []);
  const alerts = loadRules().filter((r) => r.alert);
  assert.ok(alerts.length >= 10);
  for (const a of alerts) {
    const name = a.alert!;
    assert.ok(tests.some((t) => t.alertname === name && (t.exp_alerts?.length ?? 0) > 0), `${name}: no test where it fires`);
    assert.ok(tests.some((t) => t.alertname === name && (t.exp_alerts?.length ?? 0) === 0), `${name}: no test where it stays quiet`);
  }
});

test('every alert has a severity and a runbook_url naming a section of RUNBOOK.md', () => {
  const runbook = readFileSync(join(RULES_DIR, '../RUNBOOK.md'), 'utf8');
  const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
  for (const a of loadRules().filter((r) => r.alert)) {
    assert.match(a.labels?.severity ?? '', /^(page|ticket)$/, `${a.alert}: severity`);
    const url = a.annotations?.runbook_url ?? '';
    const m = /^observability\/RUNBOOK\.md#(.+)$/.exec(url);
    assert.ok(m, `${a.alert}: runbook_url ${url}`);
    assert.ok(anchors.has(m[1]!), `${a.alert}: RUNBOOK.md has no section #${m[1]}`);
    assert.ok(a.annotations?.summary, `${a.alert}: summary`);
  }
});
