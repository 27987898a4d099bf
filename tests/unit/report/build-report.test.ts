import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSettings, type Sample } from '../../../main/contract/index.js';
import { buildReport } from '../../../main/report/build-report.js';
import { formatReport } from '../../../main/report/format-report.js';
import { openHistoryStore } from '../../../main/store/history-store.js';
import { tempDir } from '../../helpers.js';
import { makeAlert, makeSample, T0 } from '../store/sample-factory.js';
import { HOUR, scriptedDay } from './scripted-day.js';

const near = (actual: number | null, expected: number, tolerance = 1e-6): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);
};

/** A store-shaped source over an array: what buildReport reads, without the store. */
function source(samples: Sample[], alerts = [makeAlert()]) {
  return {
    async *samples(range: { from: number; to: number }) {
      yield* samples.filter((s) => s.at >= range.from && s.at <= range.to);
    },
    alerts: async (since?: number) => alerts.filter((a) => a.at >= (since ?? 0)),
  };
}

const DAY = { from: T0, to: T0 + 24 * HOUR };

test('a scripted day: idle and active watt-hours split exactly, per service too', async () => {
  const report = await buildReport(source(scriptedDay()), DAY, defaultSettings());
  assert.equal(report.sampleCount, 17_280);
  near(report.coveredSeconds, 24 * 3600);
  near(report.idleSeconds, 22 * 3600);
  near(report.systemIdleWattHours, 6 * 22);
  near(report.systemActiveWattHours, 20 * 2);
  assert.equal(report.peakSystemWatts, 20);
  near(report.meanSystemWatts, (6 * 22 + 20 * 2) / 24);
  assert.equal(report.powerSource, 'power-supply-discharge');
  assert.deepEqual(report.thermalSeconds, { nominal: 22 * 3600, fair: 2 * 3600, serious: 0, critical: 0 });
  const [ollama, vibevoice] = report.services;
  assert.equal(ollama!.serviceId, 'ollama');
  assert.equal(ollama!.name, 'Ollama');
  near(ollama!.idleWattHours, 2 * 22);
  near(ollama!.activeWattHours, 2 * 2);
  near(ollama!.idleSeconds, 22 * 3600);
  near(ollama!.meanCpuPercent, (1 * 22 + 150 * 2) / 24);
  assert.equal(vibevoice!.serviceId, 'vibevoice');
  near(vibevoice!.idleWattHours, 3 * 22);
  near(vibevoice!.activeWattHours, 3 * 2);
});

test('recommendations come from the measurements, largest energy first', async () => {
  const report = await buildReport(source(scriptedDay()), DAY, defaultSettings());
  assert.deepEqual(
    report.recommendations.map((r) => [r.serviceId, r.action]),
    [
      [null, null],
      ['vibevoice', null],
      ['ollama', 'unload-ollama'],
    ],
  );
  const [idle, vibevoice, ollama] = report.recommendations;
  assert.equal(
    ollama!.text,
    'Ollama kept a 9.1 GB model loaded for 21 h 55 min with no requests: 44 Wh; lower OLLAMA_KEEP_ALIVE or unload it.',
  );
  // Quiet from the sample at 10:05:00 (its interval ended 5 min after the last request).
  near(ollama!.wattHours, (2 * (8 * 3600 + 13 * 3600 + 55 * 60 + 5)) / 3600);
  assert.match(vibevoice!.text, /^VibeVoice TTS used 20 % CPU on average for 1 d with no requests: 72 Wh;/);
  assert.match(
    idle!.text,
    /drew 6\.0 W on average, above the 5\.0 W alert threshold: configured services account for about 5\.0 W \(estimated\), the rest of the system 1\.0 W/,
  );
});

test('a quiet, efficient day yields no recommendations', async () => {
  const samples = scriptedDay().map((s) => ({
    ...s,
    power: { ...s.power, systemWatts: 3 },
    services: s.services.map((x) => ({
      ...x,
      cpuPercent: 0.5,
      models: { count: 0, bytes: 0, unloadsAt: null, keptLoaded: false },
    })),
  }));
  const report = await buildReport(source(samples), DAY, defaultSettings());
  assert.deepEqual(report.recommendations, []);
  assert.equal(
    report.recommendationsNote,
    'Nothing to act on: no service wasted measurable energy while idle.',
  );
});

test('a few minutes of history: not enough data yet, rather than nothing to recommend', async () => {
  const samples = scriptedDay().filter((s) => s.at <= T0 + 3 * 60_000);
  const report = await buildReport(source(samples, []), DAY, defaultSettings());
  assert.deepEqual(report.recommendations, []);
  assert.match(report.recommendationsNote, /^Not enough data yet \(needs 10 min without requests/);
  assert.match(formatReport(report, 'md'), /Not enough data yet/);
});

test('without a power reading, energy is unknown, never 0 Wh', async () => {
  const samples = scriptedDay().map((s) => ({
    ...s,
    power: { ...s.power, systemWatts: null, packageWatts: null, cpuWatts: null },
    energy: { systemWattHours: null, serviceWattHours: {} },
    services: s.services.map((x) => ({ ...x, estimatedWatts: null })),
    sources: {},
  }));
  const report = await buildReport(source(samples, []), DAY, defaultSettings());
  assert.equal(report.systemIdleWattHours, null);
  assert.ok(report.services.length > 0);
  for (const service of report.services) {
    assert.equal(service.idleWattHours, null, service.serviceId);
    assert.equal(service.activeWattHours, null, service.serviceId);
  }
  const md = formatReport(report, 'md');
  assert.doesNotMatch(md, /\b0(\.0)? Wh\b/);
  assert.match(md, /Energy unknown \(no power reading\) while idle/);
  assert.match(md, /\| energy while idle \| unknown \|/);
  for (const rec of report.recommendations) assert.doesNotMatch(rec.text, /\b0(\.0)? Wh\b/, rec.text);
});

test('only alerts fired or escalated within the range are reported', async () => {
  const alerts = [
    makeAlert({ id: 'in', at: T0 + HOUR }),
    makeAlert({ id: 'cleared', at: T0 + 2 * HOUR, kind: 'cleared' }),
    makeAlert({ id: 'later', at: T0 + 25 * HOUR }),
    makeAlert({ id: 'before', at: T0 - 1 }),
  ];
  const report = await buildReport(source(scriptedDay(), alerts), DAY, defaultSettings());
  assert.deepEqual(
    report.alerts.map((a) => a.id),
    ['in'],
  );
});

test('an interval that starts before the range counts pro rata; nothing is counted across a gap', async () => {
  const samples = [
    makeSample({ at: T0 + 5000, energy: { systemWattHours: 1 } }),
    makeSample({ at: T0 + 10_000, energy: { systemWattHours: 1 } }),
    makeSample({
      at: T0 + 3 * HOUR,
      gap: true,
      intervalMs: 3 * HOUR - 10_000,
      energy: { systemWattHours: null },
    }),
  ];
  const report = await buildReport(
    source(samples),
    { from: T0 + 2500, to: T0 + 4 * HOUR },
    defaultSettings(),
  );
  near(report.coveredSeconds, 2.5 + 5);
  near(report.systemIdleWattHours, 0.5 + 1);
});

test('no samples: zeros and nulls, never NaN; markdown says so', async () => {
  const report = await buildReport(source([], []), DAY, defaultSettings());
  assert.equal(report.sampleCount, 0);
  assert.equal(report.systemIdleWattHours, null);
  assert.equal(report.meanSystemWatts, null);
  assert.equal(report.powerSource, null);
  assert.doesNotMatch(JSON.stringify(report), /NaN|null,"idleSeconds":NaN/);
  assert.match(formatReport(report, 'md'), /No samples were recorded in this range\./);
});

test('the same day through the on-disk store gives the same numbers', async (t) => {
  const dir = tempDir(t);
  const store = await openHistoryStore({
    dataDir: dir,
    rawDays: 7,
    rollupDays: 90,
    now: () => T0 + 25 * HOUR,
  });
  for (const s of scriptedDay()) store.append(s);
  store.appendAlert(makeAlert({ at: T0 + HOUR }));
  await store.close();
  const reader = await openHistoryStore({
    dataDir: dir,
    rawDays: 7,
    rollupDays: 90,
    now: () => T0 + 25 * HOUR,
    readOnly: true,
  });
  const report = await buildReport(reader, DAY, defaultSettings());
  near(report.systemIdleWattHours, 132, 1e-3);
  near(report.systemActiveWattHours, 40, 1e-3);
  near(report.services[0]!.idleWattHours, 44, 1e-3);
  assert.equal(report.services[0]!.name, 'Ollama', 'names come from settings, not the stored record');
  assert.equal(report.alerts.length, 1);
  assert.equal(report.recommendations.length, 3);
  await reader.close();
});

test('markdown and csv carry the figures', async () => {
  const report = await buildReport(source(scriptedDay()), DAY, defaultSettings());
  const md = formatReport(report, 'md');
  assert.match(md, /^# IdleWatt report: 2025-01-06T00:00:00Z to 2025-01-07T00:00:00Z/);
  assert.match(md, /\*\*132 Wh wasted while idle\*\* over 22 h of idle time/);
  assert.match(md, /\| Ollama \| 44 Wh \| 4\.0 Wh \| 22 h \|/);
  assert.match(md, /nominal: 22 h · fair: 2 h/);
  assert.match(md, /- Ollama kept a 9\.1 GB model loaded/);
  const csv = formatReport(report, 'csv').split('\n');
  assert.equal(csv.length, 4, 'header, system, two services');
  assert.match(csv[0]!, /^scope,id,name,from,to,idle_seconds,idle_wh,active_wh,/);
  assert.match(
    csv[1]!,
    /^system,,power-supply-discharge,2025-01-06T00:00:00Z,2025-01-07T00:00:00Z,79200,132,40,,,20,/,
  );
  assert.match(csv[2]!, /^service,ollama,Ollama,.*,79200,44,4,/);
  assert.match(csv[3]!, /^service,vibevoice,VibeVoice TTS,.*,79200,66,6,20,/);
  assert.deepEqual(JSON.parse(formatReport(report, 'json')), JSON.parse(JSON.stringify(report)));
});
