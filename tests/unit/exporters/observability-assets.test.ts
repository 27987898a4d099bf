import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { METRIC_CATALOG } from '../../../main/exporters/metric-catalog.js';
import { REPO_ROOT } from '../../helpers.js';
import { promtool, PROMTOOL, skipUnless } from './promtool.js';

const DIR = join(REPO_ROOT, 'assets', 'observability');
const KNOWN = new Set(METRIC_CATALOG.map((m) => m.prometheusName));

function metricNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\bunamentis_server_[a-z_]+/g)].map((m) => m[0]))];
}

test('the Grafana dashboard is JSON whose queries use only exported metrics', () => {
  const dashboard = JSON.parse(readFileSync(join(DIR, 'grafana-dashboard.json'), 'utf8'));
  assert.equal(dashboard.uid, 'idlewatt-overview');
  const exprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
  assert.ok(exprs.length >= 10);
  const used = metricNames(exprs.join('\n'));
  for (const name of used) assert.ok(KNOWN.has(name), `${name} is not exported`);
  for (const name of ['unamentis_server_service_cpu_percent', 'unamentis_server_energy_joules_total']) {
    assert.ok(used.includes(name), `${name} has no panel`);
  }
  const ids = dashboard.panels.map((p: any) => p.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('the alerting rules cover the four default alerts with exported metrics', () => {
  const text = readFileSync(join(DIR, 'idlewatt-alerts.rules.yml'), 'utf8');
  for (const rule of ['idle-power', 'idle-service-cpu', 'memory-growth', 'thermal-pressure']) {
    assert.match(text, new RegExp(`rule: ${rule}\\n`), rule);
  }
  for (const name of metricNames(text)) assert.ok(KNOWN.has(name), `${name} is not exported`);
});

test(
  'promtool accepts the scrape config and the rules, and the rule tests pass',
  skipUnless(PROMTOOL, 'promtool'),
  () => {
    const config = promtool(['check', 'config', join(DIR, 'prometheus.yml')]);
    assert.equal(config.status, 0, config.output);
    const rules = promtool(['check', 'rules', join(DIR, 'idlewatt-alerts.rules.yml')]);
    assert.equal(rules.status, 0, rules.output);
    const unit = promtool(['test', 'rules', join(DIR, 'idlewatt-alerts.test.yml')]);
    assert.equal(unit.status, 0, unit.output);
  },
);
