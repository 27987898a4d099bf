import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateAlerts } from '../../../main/alerts/engine.js';
import { applySnooze } from '../../../main/alerts/snooze.js';
import { initialAlertState } from '../../../main/alerts/state.js';
import type { SnoozeState } from '../../../main/contract/alerts.js';
import { runSeries, timeline } from './run-series.js';
import { HOUR, MINUTE, SECOND, onlyRule, sample, service, T0 } from './sample-factory.js';

const TICK = 5 * SECOND;
const at = (tick: number) => T0 + tick * TICK;
/** Idle-power samples, one per 5 s tick, from a list of system watts (null = no power reading). */
const wattsSeries = (watts: readonly (number | null)[], stackIdle = true) =>
  watts.map((w, tick) => sample({ at: at(tick), systemWatts: w, stackIdle }));
const repeat = <T>(value: T, n: number): T[] => Array.from({ length: n }, () => value);

test('idle power fires once the breach has lasted the window, not a tick before', () => {
  const rules = onlyRule('idlePower');
  // Breach starts at tick 3; the 60 s window is reached at tick 3 + 12.
  const run = runSeries(rules, wattsSeries([2, 2, 2, ...repeat(7.8, 30)]));
  assert.deepEqual(timeline(run), [[15, 'fired', 'warning']]);
  const event = run.events[0]!;
  assert.equal(event.id, `idle-power:system:${at(15)}:fired`);
  assert.equal(event.value, 7.8);
  assert.equal(event.unit, 'W');
  assert.equal(event.threshold, 5);
  assert.equal(event.durationSeconds, 60);
});

test('the idle-power message says how much, for how long and names the largest estimated share', () => {
  const rules = onlyRule('idlePower');
  rules.idlePower.windowSeconds = 300;
  const fireTick = 60;
  const lastRequest = at(fireTick) - 2 * HOUR;
  const services = [
    service({ id: 'ollama', estimatedWatts: 0.3, lastActiveAt: at(0) }),
    service({
      id: 'vibevoice',
      estimatedWatts: 4.1,
      models: { count: 1, bytes: null, unloadsAt: null, keptLoaded: false },
      lastActiveAt: lastRequest,
    }),
    service({ id: 'piper', status: 'stopped', estimatedWatts: 9, pids: [] }),
  ];
  const samples = Array.from({ length: 70 }, (_, tick) =>
    sample({ at: at(tick), systemWatts: 7.8, services }),
  );
  const run = runSeries(rules, samples);
  assert.deepEqual(timeline(run), [[fireTick, 'fired', 'warning']]);
  const event = run.events[0]!;
  assert.equal(event.title, 'Idle system power above 5.0 W');
  assert.equal(
    event.message,
    'Idle system power 7.8 W (package power unavailable) for 5 min — vibevoice ≈ 4.1 W, 1 model loaded, no requests for 2 h',
    'the package basis (default) is not measured here: the rule watches system power and says so',
  );
  assert.equal(event.serviceId, 'vibevoice');
});

test('no idle-power alert while the stack is in use, however high the power', () => {
  const rules = onlyRule('idlePower');
  assert.deepEqual(runSeries(rules, wattsSeries(repeat(25, 100), false)).events, []);

  // Firing, then the stack gets requests: the alert clears a window later, saying why.
  const samples = wattsSeries(repeat(7, 40)).map((s, tick) => ({
    ...s,
    idle: { ...s.idle, stackIdle: tick < 20 },
  }));
  const run = runSeries(rules, samples);
  assert.deepEqual(timeline(run), [
    [12, 'fired', 'warning'],
    [32, 'cleared', 'warning'],
  ]);
  assert.equal(run.events[1]!.message, 'The stack is in use again (now 7.0 W); the alert lasted 3 min');
});

test('escalates to critical, de-escalates below 90 % of critical, clears below 90 % of warning', () => {
  const watts = [
    ...repeat(6, 13), // ticks 0-12: fires warning at 12
    ...repeat(12, 13), // 13-25: escalates at 25
    ...repeat(9.5, 10), // 26-35: inside the critical hysteresis band, nothing
    ...repeat(8, 13), // 36-48: de-escalates at 48
    ...repeat(4.7, 10), // 49-58: inside the warning hysteresis band, nothing
    ...repeat(3, 13), // 59-71: clears at 71
  ];
  const rules = onlyRule('idlePower');
  rules.idlePower.basis = 'system';
  const run = runSeries(rules, wattsSeries(watts));
  assert.deepEqual(timeline(run), [
    [12, 'fired', 'warning'],
    [25, 'escalated', 'critical'],
    [48, 'deescalated', 'warning'],
    [71, 'cleared', 'warning'],
  ]);
  const [, escalated, deescalated, cleared] = run.events;
  assert.equal(escalated!.threshold, 10);
  assert.equal(escalated!.title, 'Idle system power above 10.0 W');
  assert.equal(deescalated!.message, 'Idle system power down to 8.0 W for 4 min');
  assert.equal(cleared!.message, 'Idle power now 3.0 W, below 4.5 W for 60 s; the alert lasted 6 min');
  assert.equal(cleared!.durationSeconds, 71 * 5);
});

test('a breach above critical from the start fires as critical', () => {
  const run = runSeries(onlyRule('idlePower'), wattsSeries(repeat(12, 20)));
  assert.deepEqual(timeline(run), [[12, 'fired', 'critical']]);
  assert.equal(run.events[0]!.threshold, 10);
});

test('a value oscillating around the warning threshold neither fires nor, once firing, clears', () => {
  const rules = onlyRule('idlePower');
  const around = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 5.2 : 4.8));
  assert.deepEqual(runSeries(rules, wattsSeries(around)).events, [], 'a broken streak never fires');

  const inBand = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 5.4 : 4.6));
  const firing = runSeries(rules, wattsSeries([...repeat(6, 13), ...inBand]));
  assert.deepEqual(timeline(firing), [[12, 'fired', 'warning']], 'above 90 % of the threshold never clears');

  const acrossClear = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 5.5 : 4.4));
  const flapping = runSeries(rules, wattsSeries([...repeat(6, 13), ...acrossClear, ...repeat(4, 13)]));
  assert.deepEqual(timeline(flapping), [
    [12, 'fired', 'warning'],
    // The last oscillation (4.4 W, tick 212) already counts towards clearing.
    [13 + 199 + 12, 'cleared', 'warning'],
  ]);
});

test('the cooldown holds back a new alert after a clear, then lets a sustained breach fire', () => {
  const rules = onlyRule('idlePower', 15);
  const watts = [...repeat(6, 13), ...repeat(3, 13), ...repeat(6, 400)];
  const run = runSeries(rules, wattsSeries(watts));
  // Cleared at tick 25; 15 min = 180 ticks of cooldown, so the next firing is at tick 205.
  assert.deepEqual(timeline(run), [
    [12, 'fired', 'warning'],
    [25, 'cleared', 'warning'],
    [205, 'fired', 'warning'],
  ]);
  // The new alert reports the whole breach, which began right after the clear.
  assert.equal(run.events[2]!.durationSeconds, (205 - 26) * 5);

  const noCooldown = runSeries(onlyRule('idlePower', 0), wattsSeries(watts));
  assert.deepEqual(timeline(noCooldown)[2], [26 + 12, 'fired', 'warning']);
});

test('a snooze of the rule or of all rules holds back firing until it ends', () => {
  const rules = onlyRule('idlePower');
  const samples = wattsSeries(repeat(7, 200));
  for (const target of ['idle-power', 'all'] as const) {
    const snoozed = applySnooze({ snoozedUntil: {} }, { rule: target, until: { minutes: 10 } }, at(0));
    assert.ok(snoozed.ok);
    const run = runSeries(rules, samples, snoozed.state);
    assert.deepEqual(timeline(run), [[120, 'fired', 'warning']], `snoozed ${target} for 10 min = 120 ticks`);
  }
  const other = applySnooze(
    { snoozedUntil: {} },
    { rule: 'thermal-pressure', until: { minutes: 10 } },
    at(0),
  );
  assert.ok(other.ok);
  assert.deepEqual(timeline(runSeries(rules, samples, other.state)), [[12, 'fired', 'warning']]);
});

test('a snooze holds back escalation but lets the alert clear', () => {
  const watts = [...repeat(6, 13), ...repeat(12, 40), ...repeat(2, 13)];
  const snoozeFrom13: (tick: number) => SnoozeState = (tick) =>
    tick >= 13 ? { snoozedUntil: { 'idle-power': at(13) + 2 * MINUTE } } : { snoozedUntil: {} };
  const run = runSeries(onlyRule('idlePower'), wattsSeries(watts), snoozeFrom13);
  // Critical held from tick 25, but the snooze lasts until tick 13 + 24 = 37.
  assert.deepEqual(timeline(run), [
    [12, 'fired', 'warning'],
    [37, 'escalated', 'critical'],
    [65, 'cleared', 'critical'],
  ]);
});

test('absent power readings neither fire nor clear, and a streak does not span them', () => {
  const rules = onlyRule('idlePower');
  // 50 s of breach, then no reading for 5 min, then the breach resumes: it must last a full window again.
  const resumed = runSeries(rules, wattsSeries([...repeat(7, 11), ...repeat(null, 60), ...repeat(7, 20)]));
  assert.deepEqual(timeline(resumed), [[71 + 12, 'fired', 'warning']]);

  // Firing, then an hour with no reading: still firing; readings return low and it clears a window later.
  const held = runSeries(rules, wattsSeries([...repeat(7, 13), ...repeat(null, 720), ...repeat(2, 13)]));
  assert.deepEqual(timeline(held), [
    [12, 'fired', 'warning'],
    [733 + 12, 'cleared', 'warning'],
  ]);

  assert.deepEqual(runSeries(rules, wattsSeries(repeat(null, 500))).events, []);
});

test('a gap (sleep) restarts the streak at the sample after it', () => {
  const samples = wattsSeries(repeat(7, 40));
  // Tick 11 arrives after a sleep: the 55 s of breach before it do not count.
  const slept = samples.map((s, tick) =>
    tick >= 11 ? { ...s, at: s.at + 30 * MINUTE, gap: tick === 11 } : s,
  );
  const run = runSeries(onlyRule('idlePower'), slept);
  assert.deepEqual(timeline(run), [[23, 'fired', 'warning']]);
});

test('turning the rule off clears its active alert', () => {
  const rules = onlyRule('idlePower');
  const firing = runSeries(rules, wattsSeries(repeat(7, 13)));
  assert.equal(firing.events.length, 1);
  const off = { ...rules, idlePower: { ...rules.idlePower, enabled: false } };
  const result = evaluateAlerts(off, firing.state, sample({ at: at(13), systemWatts: 7 }), {
    snoozedUntil: {},
  });
  assert.deepEqual(
    result.events.map((e) => [e.kind, e.rule, e.message]),
    [['cleared', 'idle-power', 'Idle power alert cleared: the rule was turned off in settings']],
  );
  assert.deepEqual(result.state.trackers, {});
});

test('the engine never mutates its inputs and gives the same answer twice', () => {
  const rules = onlyRule('idlePower');
  const state = runSeries(rules, wattsSeries(repeat(7, 12))).state;
  const next = sample({ at: at(12), systemWatts: 7 });
  const frozen = <T>(value: T): T => {
    if (value && typeof value === 'object') {
      Object.values(value).forEach(frozen);
      Object.freeze(value);
    }
    return value;
  };
  const snapshot = structuredClone(state);
  const first = evaluateAlerts(frozen(rules), frozen(state), frozen(next), frozen({ snoozedUntil: {} }));
  const second = evaluateAlerts(rules, state, next, { snoozedUntil: {} });
  assert.deepEqual(state, snapshot);
  assert.deepEqual(first, second);
  assert.equal(first.events.length, 1);
  assert.deepEqual(evaluateAlerts(rules, initialAlertState(), next, { snoozedUntil: {} }).events, []);
});

test('a malformed sample is reported, never thrown, and leaves the state as it was', () => {
  const rules = onlyRule('idlePower');
  const state = runSeries(rules, wattsSeries(repeat(7, 5))).state;
  const noTime = evaluateAlerts(rules, state, { ...sample({ at: 0 }), at: Number.NaN }, { snoozedUntil: {} });
  assert.deepEqual(noTime, { state, events: [], error: 'alerts: the sample has no valid time (sample.at)' });
  const broken = { ...sample({ at: at(5) }), power: undefined } as unknown as ReturnType<typeof sample>;
  const result = evaluateAlerts(rules, state, broken, { snoozedUntil: {} });
  assert.equal(result.state, state);
  assert.deepEqual(result.events, []);
  assert.match(result.error!, /^alerts: cannot evaluate the sample \(/);
});

test('alerts.idlePower.basis: package by default, system on request, each falling back to the other by name', () => {
  const mac = (systemWatts: number | null, packageWatts: number | null, at: number) => {
    const s = sample({ at, systemWatts });
    s.platform = 'darwin';
    s.power.packageWatts = packageWatts;
    s.power.aneWatts = packageWatts === null ? null : 0;
    if (packageWatts === null)
      s.absent['power.packageWatts'] = 'powermetrics needs the administrator password';
    return s;
  };
  const series = (systemWatts: number | null, packageWatts: number | null) =>
    Array.from({ length: 20 }, (_, tick) => mac(systemWatts, packageWatts, at(tick)));

  const pkg = onlyRule('idlePower');
  const onPackage = runSeries(pkg, series(9.1, 6.2)).events[0]!;
  assert.equal(onPackage.title, 'Idle SoC power above 5.0 W', 'the seed rule: SoC package power while idle');
  assert.match(onPackage.message, /^Idle SoC power 6\.2 W for /);
  assert.equal(runSeries(pkg, series(9.1, 3.2)).events.length, 0, 'SoC 3.2 W stays under 5 W');

  const noPassword = runSeries(pkg, series(5.2, null)).events[0]!;
  assert.match(
    noPassword.message,
    /^Idle system power 5\.2 W \(package power unavailable: powermetrics needs the administrator password\) for /,
  );

  const system = onlyRule('idlePower');
  system.idlePower.basis = 'system';
  const onSystem = runSeries(system, series(9.1, 3.2)).events[0]!;
  assert.equal(onSystem.title, 'Idle system power above 5.0 W');
  assert.match(onSystem.message, /^Idle system power 9\.1 W for /);
});

test("a service's snooze never silences the whole-machine alert that names it as the culprit", () => {
  const services = [service({ id: 'vibevoice', estimatedWatts: 4.1 })];
  const samples = repeat(7, 40).map((w, tick) => sample({ at: at(tick), systemWatts: w, services }));
  const plain = runSeries(onlyRule('idlePower'), samples);
  const culprit = plain.events[0]?.serviceId;
  assert.equal(culprit, 'vibevoice', 'the idle-power alert names the culprit');
  const run = runSeries(onlyRule('idlePower'), samples, {
    snoozedUntil: {},
    snoozedServices: { vibevoice: at(0) + HOUR },
  });
  assert.deepEqual(timeline(run), timeline(plain));
});
