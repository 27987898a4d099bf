import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  BaselineLearner,
  BaselinePins,
  BaselineService,
  MIN_LEARNING_MINUTES,
  withBaselineThreshold,
} from '../../../main/baseline/index.js';
import {
  defaultSettings,
  validateBaselinePin,
  validateSettings,
  wattsAboveBaseline,
} from '../../../main/contract/index.js';
import { tempDir } from '../../helpers.js';
import { makeSample, T0 } from '../store/sample-factory.js';

const MINUTE = 60_000;

/** One idle sample every 5 s for `minutes`, at `watts(minute)` system and 1 W less package power. */
function idleMinutes(from: number, minutes: number, watts: (minute: number) => number, onAc = false) {
  return Array.from({ length: minutes * 12 }, (_, i) => {
    const minute = Math.floor(i / 12);
    return makeSample({
      at: from + i * 5000,
      power: { systemWatts: watts(minute), packageWatts: watts(minute) - 1 },
      battery: {
        percent: 80,
        state: onAc ? 'charging' : 'discharging',
        onAc,
        dischargeWatts: null,
        fullChargeWattHours: null,
      },
    });
  });
}

test('the learned baseline is a low percentile of idle minutes, per source and AC/battery state', () => {
  const learner = new BaselineLearner();
  // 100 idle minutes on battery from 5 W to 14.9 W: the 10th percentile minute is about 6 W.
  for (const s of idleMinutes(T0, 100, (m) => 5 + m / 10)) learner.add(s);
  // Busy samples and gaps never count.
  learner.add(makeSample({ at: T0 + 1000, power: { systemWatts: 1 }, idle: { stackIdle: false } }));
  learner.add(makeSample({ at: T0 + 2000, power: { systemWatts: 1 }, gap: true }));
  // Too few minutes on AC to learn from yet.
  for (const s of idleMinutes(T0 + 200 * MINUTE, 10, () => 20, true)) learner.add(s);
  const entries = learner.learned();
  assert.equal(entries.length, 1);
  const [battery] = entries;
  assert.equal(battery!.source, 'power-supply-discharge');
  assert.equal(battery!.powerState, 'battery');
  assert.ok(Math.abs(battery!.systemWatts! - 5.9) < 1e-9, String(battery!.systemWatts));
  assert.ok(Math.abs(battery!.packageWatts! - 4.9) < 1e-9);
  assert.equal(battery!.minutes, 100);
  assert.equal(learner.minutesFor('power-supply-discharge', 'ac'), 10);
  assert.ok(10 < MIN_LEARNING_MINUTES);
});

test('minutes older than 7 days are forgotten', () => {
  const learner = new BaselineLearner();
  for (const s of idleMinutes(T0, 40, () => 3)) learner.add(s);
  for (const s of idleMinutes(T0 + 8 * 24 * 60 * MINUTE, 40, () => 9)) learner.add(s);
  const [entry] = learner.learned();
  assert.equal(entry!.minutes, 40);
  assert.equal(entry!.systemWatts, 9);
});

test('a pin wins over the learned baseline, survives a restart, and can be cleared', (t) => {
  const dir = tempDir(t);
  const service = new BaselineService(new BaselinePins(dir));
  const learning = new BaselineService(new BaselinePins(dir));
  assert.match(learning.state().note, /No sample yet/);
  for (const s of idleMinutes(T0, 60, () => 6)) service.add(s);
  const learned = service.state();
  assert.equal(learned.current?.kind, 'learned');
  assert.equal(learned.current?.systemWatts, 6);
  assert.equal(learned.aboveWatts, 0);
  assert.match(
    learned.note,
    /^Idle baseline 6\.0 W, learned from 60 min of idle time, on battery, power-supply-discharge\.$/,
  );

  for (const s of idleMinutes(T0 + 60 * MINUTE, 2, () => 7.5)) service.add(s);
  const pinned = service.pin({});
  assert.equal(pinned.current?.kind, 'pinned');
  assert.equal(pinned.current?.systemWatts, 7.5);
  assert.equal(pinned.aboveWatts, 0);
  const restarted = new BaselinePins(dir).list();
  assert.equal(restarted.length, 1);
  assert.equal(restarted[0]!.systemWatts, 7.5);

  for (const s of idleMinutes(T0 + 62 * MINUTE, 2, () => 9.5)) service.add(s);
  assert.ok(Math.abs(service.state().aboveWatts! - 2) < 1e-9, '9.5 W now, pinned at 7.5 W');
  const cleared = service.pin({ clear: true });
  assert.equal(cleared.current?.kind, 'learned');
});

test('no power reading: no baseline, and pinning says why', () => {
  const service = new BaselineService(new BaselinePins(null));
  service.add(makeSample({ power: { systemWatts: null, packageWatts: null }, sources: {} }));
  assert.equal(service.state().current, null);
  assert.match(service.state().note, /no power reading/);
  assert.throws(() => service.pin({}), /no power reading/);
});

test('a learning baseline says how far along it is', () => {
  const service = new BaselineService(new BaselinePins(null));
  for (const s of idleMinutes(T0, 12, () => 6)) service.add(s);
  assert.match(service.state().note, /^Learning your idle baseline on battery: 12 of 30 idle minutes so far/);
});

test('a corrupt baseline file counts as no pins and says so', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'baseline.json'), '{"pins": [{"source": 1}], ');
  const pins = new BaselinePins(dir);
  assert.deepEqual(pins.list(), []);
  assert.match(pins.readProblem!, /baseline\.json unreadable/);
});

test('watts above the baseline only compare like with like; pin requests are validated', () => {
  const entry = {
    source: 'power-supply-discharge',
    powerState: 'battery' as const,
    systemWatts: 6,
    packageWatts: null,
    kind: 'learned' as const,
    minutes: 60,
    at: T0,
  };
  assert.equal(wattsAboveBaseline(makeSample({ power: { systemWatts: 8 } }), entry), 2);
  const onAc = makeSample({
    battery: { percent: 80, state: 'charging', onAc: true, dischargeWatts: null, fullChargeWattHours: null },
  });
  assert.equal(wattsAboveBaseline(onAc, entry), null, 'a battery baseline says nothing about AC');
  assert.deepEqual(validateBaselinePin({}), { ok: true, value: {} });
  assert.deepEqual(validateBaselinePin({ clear: true }), { ok: true, value: { clear: true } });
  assert.equal(validateBaselinePin({ clear: 'yes' }).ok, false);
  assert.equal(validateBaselinePin({ watts: 3 }).ok, false);
  assert.equal(validateBaselinePin([]).ok, false);
});

test('the optional rule moves the idle-power warning to baseline + margin; off by default', () => {
  const settings = defaultSettings();
  const entry = {
    source: 'power-supply-discharge',
    powerState: 'battery' as const,
    systemWatts: 6,
    packageWatts: null,
    kind: 'pinned' as const,
    minutes: 1,
    at: T0,
  };
  assert.equal(settings.alerts.idlePowerAboveBaselineWatts, null);
  assert.equal(withBaselineThreshold(settings, entry), settings, 'off: the fixed levels');
  settings.alerts.idlePowerAboveBaselineWatts = 1.5;
  const moved = withBaselineThreshold(settings, entry).alerts.idlePower;
  assert.equal(moved.warning, 7.5);
  assert.equal(moved.critical, 10);
  assert.equal(withBaselineThreshold(settings, null), settings, 'no baseline yet: the fixed levels');
  const high = withBaselineThreshold(settings, { ...entry, systemWatts: 9.5 }).alerts.idlePower;
  assert.deepEqual([high.warning, high.critical], [11, 11], 'critical is never below warning');
  assert.equal(
    validateSettings({ ...settings, alerts: { ...settings.alerts, idlePowerAboveBaselineWatts: -1 } }).ok,
    false,
  );
});
