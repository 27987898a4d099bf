import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../../main/contract/alerts.js';
import type { HistoryPoint } from '../../../main/contract/history.js';
import {
  appendLivePoint,
  chartMarkers,
  idleSpans,
  sampleToHistoryPoint,
  timeTicks,
  toPowerSeries,
} from '../../../renderer/model/chart-data.js';
import { syntheticSample } from '../../e2e/synthetic-data.js';

const point = (at: number, over: Partial<HistoryPoint> = {}): HistoryPoint => ({
  at,
  systemWatts: 8,
  systemWattsMin: 7,
  systemWattsMax: 9,
  cpuWatts: 5,
  gpuWatts: null,
  packageWatts: 7,
  cpuTempCelsius: 50,
  thermalLevel: 0,
  stackIdle: false,
  activeServices: [],
  gap: false,
  ...over,
});

test('power series are sorted by time, gaps become holes, empty series are flagged', () => {
  const series = toPowerSeries([point(3000), point(1000, { gap: true }), point(2000, { systemWatts: null })]);
  assert.deepEqual(series.system, [
    { x: 1000, y: null },
    { x: 2000, y: null }, // no system figure: a package reading never stands in for it
    { x: 3000, y: 8 },
  ]);
  assert.deepEqual(series.package, [
    { x: 1000, y: null },
    { x: 2000, y: 7 },
    { x: 3000, y: 7 },
  ]);
  assert.deepEqual(series.has, { system: true, package: true, cpu: true, gpu: false, ane: false });
});

test('the Neural Engine line exists only where it was measured', () => {
  const series = toPowerSeries([
    point(1000, { aneWatts: 0.4 }),
    point(2000),
    point(3000, { aneWatts: 0.2, gap: true }),
  ]);
  assert.deepEqual(series.ane, [
    { x: 1000, y: 0.4 },
    { x: 2000, y: null },
    { x: 3000, y: null },
  ]);
  assert.equal(series.has.ane, true);
  assert.equal(toPowerSeries([point(1000)]).has.ane, false, 'no ANE reading: no ANE line');
});

test('idle spans merge contiguous idle points and stop at active points and gaps', () => {
  const points = [
    point(0, { stackIdle: true }),
    point(10, { stackIdle: true }),
    point(20),
    point(30, { stackIdle: true }),
    point(40, { stackIdle: true, gap: true }),
    point(50, { stackIdle: true }),
  ];
  assert.deepEqual(idleSpans(points), [
    { from: 0, to: 15 },
    { from: 25, to: 35 },
    { from: 45, to: 50 },
  ]);
  assert.deepEqual(idleSpans([]), []);
});

test('markers: one per point with requests, one per point with inferences, and fired/escalated alerts inside the window', () => {
  const alert = (id: string, at: number, kind: AlertEvent['kind']): AlertEvent => ({
    id,
    at,
    rule: 'idle-power',
    kind,
    severity: 'warning',
    serviceId: null,
    value: 6,
    unit: 'W',
    threshold: 5,
    durationSeconds: 60,
    title: `alert ${id}`,
    message: '',
  });
  const markers = chartMarkers(
    [
      point(10, { activeServices: ['ollama', 'nextjs'], inferenceServices: ['ollama'] }),
      point(20),
      point(30, { inferenceServices: [] }),
      point(40, { inferenceServices: ['ollama'] }),
      point(500, { activeServices: ['x'], inferenceServices: ['ollama'] }),
    ],
    [alert('a', 15, 'fired'), alert('b', 16, 'cleared'), alert('c', 900, 'fired')],
    0,
    100,
  );
  assert.deepEqual(
    markers.map((m) => [m.at, m.kind, m.label]),
    [
      [10, 'activity', 'Requests: ollama, nextjs'],
      [10, 'inference', 'Inferences: ollama'],
      [15, 'alert', 'alert a'],
      [40, 'inference', 'Inferences: ollama'],
    ],
    'a point without inferenceServices (an older record) has no inference marker',
  );
});

test('markers name services by their display names where the popover knows them', () => {
  const names: Record<string, string> = { ollama: 'Ollama LLM', nextjs: 'Next.js dashboard' };
  const p = point(10, { activeServices: ['ollama', 'gone'], inferenceServices: ['ollama'] });
  const markers = chartMarkers([p], [], 0, 100, (id) => names[id] ?? id);
  assert.deepEqual(
    markers.map((m) => m.label),
    ['Requests: Ollama LLM, gone', 'Inferences: Ollama LLM'],
  );
});

test('a live sample becomes a history point and extends the window without duplicates', () => {
  const sample = syntheticSample(1_700_000_000_000, 5000, {
    dataStart: 0,
    withPower: true,
    failingCollector: null,
    services: true,
  });
  const live = sampleToHistoryPoint(sample);
  assert.equal(live.at, sample.at);
  assert.equal(live.systemWatts, sample.power.systemWatts);
  assert.equal(live.stackIdle, sample.idle.stackIdle);
  assert.deepEqual(
    live.inferenceServices,
    sample.services.filter((s) => s.inference === true).map((s) => s.id),
  );
  const inferring = sampleToHistoryPoint({
    ...sample,
    services: sample.services.map((s) => (s.id === 'ollama' ? { ...s, inference: true } : s)),
  });
  assert.deepEqual(inferring.inferenceServices, ['ollama'], 'a live inference is marked at once');
  assert.equal(
    live.thermalLevel,
    ['nominal', 'fair', 'serious', 'critical'].indexOf(sample.thermal.pressure!),
  );

  const window = [point(1000), point(2000), point(3000)];
  assert.deepEqual(
    appendLivePoint(window, point(4000), 2500).map((p) => p.at),
    [2000, 3000, 4000],
  );
  assert.deepEqual(
    appendLivePoint(window, point(3000), 2500).map((p) => p.at),
    [1000, 2000, 3000],
    'a replayed point is ignored',
  );
});

test('axis ticks fall on round local times, at most five', () => {
  const from = new Date(2024, 4, 6, 10, 3, 20).getTime();
  const ticks = timeTicks(from, from + 15 * 60_000);
  assert.ok(ticks.length > 0 && ticks.length <= 5);
  for (const t of ticks) {
    const d = new Date(t);
    assert.equal(d.getSeconds(), 0);
    assert.equal(d.getMinutes() % 5, 0);
  }
  const week = timeTicks(from, from + 7 * 86_400_000);
  assert.ok(week.length <= 5 && week.length > 0);
  assert.deepEqual(timeTicks(10, 10), []);
});
