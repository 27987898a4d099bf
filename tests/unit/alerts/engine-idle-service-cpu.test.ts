import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceSample } from '../../../main/contract/sample.js';
import { runSeries, timeline } from './run-series.js';
import { SECOND, onlyRule, sample, service, T0 } from './sample-factory.js';

const TICK = 5 * SECOND;
const at = (tick: number) => T0 + tick * TICK;
/** One sample per 5 s tick; `vibe(tick)` describes the vibevoice service at that tick. */
const series = (ticks: number, vibe: (tick: number) => Partial<ServiceSample>) =>
  Array.from({ length: ticks }, (_, tick) =>
    sample({
      at: at(tick),
      services: [
        service({
          id: 'vibevoice',
          estimatedWatts: 4.1,
          models: { count: 1, bytes: null, unloadsAt: null, keptLoaded: false },
          ...vibe(tick),
        }),
        service({ id: 'nextjs', cpuPercent: 1.2, estimatedWatts: 0.2 }),
      ],
    }),
  );

test('a service burning CPU with no requests fires after the window, naming it', () => {
  const run = runSeries(
    onlyRule('idleServiceCpu'),
    series(20, () => ({ cpuPercent: 8 })),
  );
  assert.deepEqual(timeline(run), [[12, 'fired', 'warning']]);
  const event = run.events[0]!;
  assert.equal(event.id, `idle-service-cpu:vibevoice:${at(12)}:fired`);
  assert.equal(event.serviceId, 'vibevoice');
  assert.equal(event.unit, '%');
  assert.equal(event.value, 8);
  assert.equal(event.threshold, 5);
  assert.equal(event.title, 'vibevoice: idle CPU above 5.0 %');
  assert.equal(
    event.message,
    'vibevoice at 8.0 % CPU while idle for 60 s — 1 model loaded, no requests seen, ≈ 4.1 W',
  );
});

test('a service counts as idle only once its last request is a window old', () => {
  // Last request at tick 0: idle from tick 12 (60 s later), so the 60 s streak completes at tick 24.
  const run = runSeries(
    onlyRule('idleServiceCpu'),
    series(40, (tick) => ({ cpuPercent: 30, active: tick === 0, lastActiveAt: at(0) })),
  );
  assert.deepEqual(timeline(run), [[24, 'fired', 'critical']]);
  assert.match(run.events[0]!.message, /no requests for 2 min/);
});

test('requests arriving during the streak reset it; requests during an alert clear it', () => {
  const rules = onlyRule('idleServiceCpu');
  const interrupted = runSeries(
    rules,
    series(40, (tick) => ({ cpuPercent: 8, active: tick === 10, lastActiveAt: tick >= 10 ? at(10) : null })),
  );
  // 50 s of idle burn, then a request at tick 10: idle again from tick 22, firing 12 ticks later.
  assert.deepEqual(timeline(interrupted), [[34, 'fired', 'warning']]);

  const busy = runSeries(
    rules,
    series(40, (tick) => ({ cpuPercent: 8, active: tick >= 15, lastActiveAt: tick >= 15 ? at(tick) : null })),
  );
  assert.deepEqual(timeline(busy), [
    [12, 'fired', 'warning'],
    [27, 'cleared', 'warning'],
  ]);
  assert.match(
    busy.events[1]!.message,
    /^vibevoice is serving requests again \(now 8\.0 %\); the alert lasted 2 min$/,
  );
});

test('each service has its own streak and cooldown; an absent CPU reading keeps the alert', () => {
  const rules = onlyRule('idleServiceCpu');
  const samples = Array.from({ length: 60 }, (_, tick) =>
    sample({
      at: at(tick),
      services: [
        service({ id: 'vibevoice', cpuPercent: tick >= 20 && tick < 40 ? null : 9 }),
        service({ id: 'nextjs', cpuPercent: tick >= 5 ? 25 : 1 }),
        service({ id: 'piper', status: 'stopped', cpuPercent: null, pids: [] }),
      ],
    }),
  );
  const run = runSeries(rules, samples);
  assert.deepEqual(
    run.events.map((e, i) => [run.ticks[i], e.serviceId, e.kind, e.severity]),
    [
      [12, 'vibevoice', 'fired', 'warning'],
      [17, 'nextjs', 'fired', 'critical'],
    ],
  );
});

test('a service that stops clears its idle-CPU alert after the window', () => {
  const run = runSeries(
    onlyRule('idleServiceCpu'),
    series(40, (tick) => (tick < 15 ? { cpuPercent: 8 } : { status: 'stopped', cpuPercent: null, pids: [] })),
  );
  assert.deepEqual(timeline(run), [
    [12, 'fired', 'warning'],
    [27, 'cleared', 'warning'],
  ]);
  assert.match(run.events[1]!.message, /vibevoice stopped; the alert lasted/);
});

test('titles and messages name the service as configured, not by its id', () => {
  const run = runSeries(
    onlyRule('idleServiceCpu'),
    series(20, () => ({ cpuPercent: 30, name: 'VibeVoice TTS' })),
  );
  assert.deepEqual(timeline(run), [[12, 'fired', 'critical']], 'above critical from the start: critical');
  const event = run.events[0]!;
  assert.equal(event.serviceId, 'vibevoice');
  assert.equal(event.title, 'VibeVoice TTS: idle CPU above 20 %');
  assert.match(event.message, /^VibeVoice TTS at 30 % CPU while idle/);
});

test("a service's snooze holds back only that service's alerts, until it ends", () => {
  const busy = (ticks: number) =>
    series(ticks, () => ({ cpuPercent: 8 })).map((s) => ({
      ...s,
      services: s.services.map((svc) => ({ ...svc, cpuPercent: 8 })),
    }));
  const snooze = { snoozedUntil: {}, snoozedServices: { vibevoice: at(0) + 100 * TICK } };
  const run = runSeries(onlyRule('idleServiceCpu'), busy(130), snooze);
  const fired = run.events
    .filter((e) => e.kind === 'fired')
    .map((e) => [e.serviceId, run.ticks[run.events.indexOf(e)]]);
  assert.deepEqual(fired, [
    ['nextjs', 12],
    ['vibevoice', 100],
  ]);
});
