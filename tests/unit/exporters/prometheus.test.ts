import assert from 'node:assert/strict';
import { test } from 'node:test';
import { METRIC_CATALOG } from '../../../main/exporters/metric-catalog.js';
import { createPrometheusMetrics, PROMETHEUS_CONTENT_TYPE } from '../../../main/exporters/prometheus.js';
import { makeSample, SAMPLE_AT } from '../api/fake-monitor-api.js';
import { makeActivity } from '../../sample-factory.js';
import { promtool, PROMTOOL, skipUnless } from './promtool.js';

/** `name{labels} value` lines of an exposition, comments left out. */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const REQUIRED = [
  'unamentis_server_power_cpu_watts',
  'unamentis_server_power_gpu_watts',
  'unamentis_server_power_package_watts',
  'unamentis_server_thermal_temperature_celsius',
  'unamentis_server_thermal_pressure',
  'unamentis_server_service_cpu_percent',
  'unamentis_server_service_memory_bytes',
  'unamentis_server_idle_duration_seconds',
  'unamentis_server_energy_joules_total',
  'unamentis_server_collector_success',
  'unamentis_server_collector_duration_seconds',
  'unamentis_server_self_cpu_percent',
  'unamentis_server_self_memory_bytes',
];

test('the catalog has every metric the plan names, each with an OpenTelemetry twin', () => {
  const names = METRIC_CATALOG.map((m) => m.prometheusName);
  for (const name of REQUIRED) assert.ok(names.includes(name), name);
  assert.equal(new Set(names).size, names.length);
  for (const m of METRIC_CATALOG) {
    assert.match(m.otelName, /^unamentis\.server\.[a-z]+(\.[a-z_]+)*$/);
    assert.equal(m.kind === 'counter', m.prometheusName.endsWith('_total'), m.prometheusName);
  }
});

test('nothing but target_info before the first sample', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const text = await metrics.render();
  assert.match(text, /^target_info\{service_name="idlewatt",service_version="[^"]+"\} 1$/m);
  assert.doesNotMatch(text, /^unamentis_/m);
  assert.equal(metrics.contentType, PROMETHEUS_CONTENT_TYPE);
});

test('the latest sample becomes gauges with service, sensor and collector labels', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  metrics.update(makeSample());
  const s = series(await metrics.render());
  assert.equal(s.get('unamentis_server_power_cpu_watts'), 3.2);
  assert.equal(s.get('unamentis_server_power_gpu_watts'), 1.1);
  assert.equal(s.get('unamentis_server_power_package_watts'), 4.9);
  assert.equal(s.get('unamentis_server_power_system_watts'), 7.8);
  assert.equal(s.get('unamentis_server_thermal_temperature_celsius{sensor="cpu"}'), 61.5);
  assert.equal(s.get('unamentis_server_thermal_temperature_celsius{sensor="gpu"}'), 48);
  assert.equal(s.get('unamentis_server_thermal_pressure'), 1);
  assert.equal(s.get('unamentis_server_service_cpu_percent{service="vibevoice"}'), 45);
  assert.equal(s.get('unamentis_server_service_memory_bytes{service="ollama"}'), 245_000_000);
  assert.equal(s.get('unamentis_server_service_power_watts{service="vibevoice"}'), 4.1);
  assert.equal(s.get('unamentis_server_service_up{service="piper"}'), 0);
  assert.equal(
    s.has('unamentis_server_service_cpu_percent{service="piper"}'),
    false,
    'unknown CPU is no point',
  );
  assert.equal(s.get('unamentis_server_idle_duration_seconds'), 600);
  assert.equal(s.get('unamentis_server_collector_success{collector="rapl"}'), 1);
  assert.equal(s.get('unamentis_server_collector_success{collector="hwmon"}'), 0);
  assert.equal(s.get('unamentis_server_collector_duration_seconds{collector="nvidia-smi"}'), 0.042);
  assert.ok(Math.abs(s.get('unamentis_server_energy_joules_total')! - 39) < 1e-9, '7.8 W for 5 s');
  assert.equal(s.get('unamentis_server_self_cpu_percent'), 0.2);
  assert.equal(s.get('unamentis_server_self_memory_bytes'), 80_000_000);
});

test("IdleWatt's own cost: unknown CPU is no point, and a sample without it exports neither", async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  metrics.update(makeSample({ self: { cpuPercent: null, rssBytes: 70_000_000 } }));
  let s = series(await metrics.render());
  assert.equal(s.has('unamentis_server_self_cpu_percent'), false);
  assert.equal(s.get('unamentis_server_self_memory_bytes'), 70_000_000);
  const fromHistory = createPrometheusMetrics();
  t.after(() => fromHistory.close());
  fromHistory.update(makeSample({ self: null }));
  s = series(await fromHistory.render());
  assert.equal(s.has('unamentis_server_self_cpu_percent'), false);
  assert.equal(s.has('unamentis_server_self_memory_bytes'), false);
});

test('macOS: the powermetrics process IdleWatt started has its own series; absent, it has none', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const own = { cpuPercent: 0.2, rssBytes: 80_000_000 };
  metrics.update(
    makeSample({
      self: { ...own, powermetrics: { pid: 813, cpuPercent: 1.1, rssBytes: 14_000_000, absent: null } },
    }),
  );
  let s = series(await metrics.render());
  assert.equal(s.get('unamentis_server_self_powermetrics_cpu_percent'), 1.1);
  assert.equal(s.get('unamentis_server_self_powermetrics_memory_bytes'), 14_000_000);
  assert.equal(s.get('unamentis_server_self_cpu_percent'), 0.2, 'not added into IdleWatt’s own');
  const notRunning = createPrometheusMetrics();
  t.after(() => notRunning.close());
  notRunning.update(
    makeSample({
      self: { ...own, powermetrics: { pid: null, cpuPercent: null, rssBytes: null, absent: 'not running' } },
    }),
  );
  s = series(await notRunning.render());
  assert.equal(s.has('unamentis_server_self_powermetrics_cpu_percent'), false);
  assert.equal(s.has('unamentis_server_self_powermetrics_memory_bytes'), false);
  assert.equal(s.get('unamentis_server_self_memory_bytes'), 80_000_000);
});

test('absent figures are absent series, never zeros; stale services disappear', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  metrics.update(makeSample());
  const later = makeSample({ at: SAMPLE_AT + 5000 });
  later.power.gpuWatts = null;
  later.thermal.pressure = null;
  later.thermal.gpuTempCelsius = null;
  later.idle = {
    stackIdle: false,
    stackIdleSinceAt: null,
    lastActivityAt: SAMPLE_AT + 4000,
    userIdleSeconds: null,
  };
  later.services = later.services.filter((x) => x.id !== 'vibevoice');
  metrics.update(later);
  const s = series(await metrics.render());
  assert.equal(s.has('unamentis_server_power_gpu_watts'), false);
  assert.equal(s.has('unamentis_server_thermal_pressure'), false);
  assert.equal(s.has('unamentis_server_thermal_temperature_celsius{sensor="gpu"}'), false);
  assert.equal(s.get('unamentis_server_idle_duration_seconds'), 0, 'active stack: idle for 0 s');
  assert.equal(s.has('unamentis_server_service_cpu_percent{service="vibevoice"}'), false);
  assert.equal(s.get('unamentis_server_service_cpu_percent{service="ollama"}'), 0.5);
});

test('the energy counters only grow: duplicates, gaps and negative intervals are not counted', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const first = makeSample();
  metrics.update(first);
  metrics.update(first);
  metrics.update(makeSample({ at: SAMPLE_AT - 5000 }));
  const gap = makeSample({ at: SAMPLE_AT + 60_000, gap: true });
  gap.energy = { systemWattHours: null, serviceWattHours: {} };
  metrics.update(gap);
  const broken = makeSample({ at: SAMPLE_AT + 65_000 });
  broken.energy = { systemWattHours: -1, serviceWattHours: { vibevoice: Number.NaN } };
  metrics.update(broken);
  metrics.update(makeSample({ at: SAMPLE_AT + 70_000 }));
  const s = series(await metrics.render());
  assert.ok(Math.abs(s.get('unamentis_server_energy_joules_total')! - 78) < 1e-9);
  assert.ok(
    Math.abs(
      s.get('unamentis_server_service_energy_joules_total{service="vibevoice"}')! - 0.0057 * 3600 * 2,
    ) < 1e-9,
  );
});

test('without a power source there is no energy series at all, not a counter stuck at 0', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  for (const at of [SAMPLE_AT, SAMPLE_AT + 5000]) {
    const sample = makeSample({ at });
    sample.power.systemWatts = null;
    sample.energy = { systemWattHours: null, serviceWattHours: {} };
    metrics.update(sample);
  }
  const s = series(await metrics.render());
  assert.equal(s.has('unamentis_server_energy_joules_total'), false);
  assert.equal(
    [...s.keys()].some((k) => k.startsWith('unamentis_server_service_energy_joules_total')),
    false,
  );
  assert.equal(
    s.get('unamentis_server_service_cpu_percent{service="vibevoice"}'),
    45,
    'the rest is still there',
  );
});

test('after the clock goes back, the gauges follow the gap sample and the counters keep growing', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  metrics.update(makeSample());
  const back = makeSample({ at: SAMPLE_AT - 3_600_000, gap: true });
  back.power.systemWatts = 42;
  back.energy = { systemWattHours: null, serviceWattHours: {} };
  metrics.update(back);
  assert.equal(series(await metrics.render()).get('unamentis_server_power_system_watts'), 42);
  metrics.update(makeSample({ at: back.at + 5000 }));
  const s = series(await metrics.render());
  assert.ok(
    Math.abs(s.get('unamentis_server_energy_joules_total')! - 78) < 1e-9,
    'both normal samples count',
  );
  assert.equal(s.get('unamentis_server_power_system_watts'), makeSample().power.systemWatts);
});

test('labels carry ids only: no command lines or process names', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const sample = makeSample();
  sample.topProcesses = [{ pid: 1, name: 'python3 -m secret', cpuPercent: 90, rssBytes: 1 }];
  metrics.update(sample);
  const text = await metrics.render();
  assert.doesNotMatch(text, /secret|python|chrome/);
  const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
  assert.deepEqual([...labelNames].sort(), [
    'collector',
    'sensor',
    'service',
    'service_name',
    'service_version',
  ]);
});

test('render after close is a labelled error', async () => {
  const metrics = createPrometheusMetrics();
  await metrics.close();
  await assert.rejects(metrics.render(), /Prometheus exporter is closed/);
});

test('promtool check metrics accepts the exposition', skipUnless(PROMTOOL, 'promtool'), async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const empty = promtool(['check', 'metrics'], await metrics.render());
  assert.equal(empty.status, 0, empty.output);
  metrics.update(makeSample());
  const full = promtool(['check', 'metrics'], await metrics.render());
  assert.equal(full.status, 0, full.output);
  assert.equal(full.output.trim(), '', 'no lint findings');
});

test('request counts (user and internal apart), open connections and Ollama inferences per service; none without a traffic reading', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const sample = makeSample();
  const [first, second] = sample.services;
  const activity = makeActivity({ activeConnections: 2, requestCount5m: { user: 3, internal: 150 } });
  first!.activity = activity;
  second!.activity = { ...activity, requestCount5m: { user: 0, internal: 0 }, inferenceCount5m: 7 };
  metrics.update(sample);
  const s = series(await metrics.render());
  assert.equal(s.get(`unamentis_server_service_requests{service="${first!.id}",client="user"}`), 3);
  assert.equal(s.get(`unamentis_server_service_requests{service="${first!.id}",client="internal"}`), 150);
  assert.equal(s.get(`unamentis_server_service_requests{service="${second!.id}",client="user"}`), 0);
  assert.equal(s.get(`unamentis_server_service_active_connections{service="${first!.id}"}`), 2);
  assert.equal(s.get(`unamentis_server_service_inferences{service="${second!.id}"}`), 7);
  assert.equal(s.has(`unamentis_server_service_inferences{service="${first!.id}"}`), false, 'not Ollama');
  const third = sample.services[2]!;
  assert.equal(third.activity, undefined);
  assert.equal(
    [...s.keys()].some((k) => k.includes(`service="${third.id}"`) && /requests|active_connections/.test(k)),
    false,
    'no traffic reading: no series, never 0',
  );
});
