// Alerts open when the monitor stopped are taken up again at start: the fresh samples clear them
// through the normal rules, or keep them open without a second 'fired' event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../../main/contract/alerts.js';
import { defaultSettings } from '../../../main/contract/settings.js';
import { evaluateAlerts } from '../../../main/alerts/engine.js';
import { restoreAlertState } from '../../../main/alerts/restore.js';
import { createAlertRunner } from '../../../main/alerts/runner.js';
import { activeAlerts } from '../../../main/alerts/state.js';
import { runSeries, timeline } from './run-series.js';
import { MINUTE, SECOND, onlyRule, sample, service, T0 } from './sample-factory.js';

const TICK = 5 * SECOND;
const at = (tick: number) => T0 + tick * TICK;
/** The monitor stopped at T0 - 10 min with these alerts stored. */
const STOPPED = T0 - 10 * MINUTE;

function event(over: Partial<AlertEvent> & Pick<AlertEvent, 'rule' | 'kind'>): AlertEvent {
  return {
    id: `${over.rule}:${over.serviceId ?? 'system'}:${over.at ?? STOPPED}:${over.kind}`,
    at: STOPPED,
    severity: over.kind === 'cleared' ? null : 'warning',
    serviceId: null,
    value: 8,
    unit: '%',
    threshold: 5,
    durationSeconds: 120,
    title: over.kind,
    message: over.kind,
    ...over,
  };
}

const vibeFired = event({ rule: 'idle-service-cpu', kind: 'fired', serviceId: 'vibevoice' });
const series = (ticks: number, cpuPercent: number) =>
  Array.from({ length: ticks }, (_, tick) =>
    sample({ at: at(tick), services: [service({ id: 'vibevoice', cpuPercent })] }),
  );

test('an alert open before the restart clears once the fresh samples show the condition ended', () => {
  const rules = onlyRule('idleServiceCpu');
  const restored = restoreAlertState([vibeFired], at(0), rules.cooldownMinutes * MINUTE);
  assert.deepEqual(activeAlerts(restored), [
    { rule: 'idle-service-cpu', subject: 'vibevoice', severity: 'warning', since: STOPPED - 120 * SECOND },
  ]);
  const run = runSeries(rules, series(20, 0.5), undefined, restored);
  // Below 90 % of the warning level for the 60 s window: cleared at tick 12, as without a restart.
  assert.deepEqual(timeline(run), [[12, 'cleared', 'warning']]);
  assert.equal(run.events[0]!.serviceId, 'vibevoice');
  assert.deepEqual(activeAlerts(run.state), []);
});

test('an alert whose condition still holds stays open with no second fired event', () => {
  const rules = onlyRule('idleServiceCpu');
  const restored = restoreAlertState([vibeFired], at(0), rules.cooldownMinutes * MINUTE);
  const run = runSeries(rules, series(40, 8), undefined, restored);
  assert.deepEqual(timeline(run), []);
  assert.equal(activeAlerts(run.state).length, 1);
  // Without the restored state the same samples fire again: the restore is what holds it back.
  assert.deepEqual(timeline(runSeries(rules, series(40, 8))), [[12, 'fired', 'warning']]);
});

test('a restored alert escalates and de-escalates through the normal rules', () => {
  const rules = onlyRule('idleServiceCpu');
  const restored = restoreAlertState([vibeFired], at(0), rules.cooldownMinutes * MINUTE);
  assert.deepEqual(timeline(runSeries(rules, series(20, 30), undefined, restored)), [
    [12, 'escalated', 'critical'],
  ]);
});

test('the newest stored event decides: cleared, escalated and snoozed events are read in time order', () => {
  const cooldown = 15 * MINUTE;
  const events = [
    event({ rule: 'idle-service-cpu', kind: 'cleared', serviceId: 'nextjs', at: STOPPED }),
    event({ rule: 'idle-service-cpu', kind: 'fired', serviceId: 'nextjs', at: STOPPED - MINUTE }),
    event({ rule: 'idle-service-cpu', kind: 'escalated', serviceId: 'vibevoice', severity: 'critical' }),
    event({ rule: 'idle-service-cpu', kind: 'fired', serviceId: 'vibevoice', at: STOPPED - MINUTE }),
    event({ rule: 'idle-power', kind: 'fired', serviceId: 'ollama', at: STOPPED - MINUTE, unit: 'W' }),
    // The culprit a system rule names may change between its events: it is still one alert.
    event({ rule: 'idle-power', kind: 'cleared', serviceId: 'piper', unit: 'W' }),
    event({ rule: 'thermal-pressure', kind: 'fired', serviceId: 'ollama', unit: 'level' }),
    event({ rule: 'thermal-pressure', kind: 'snoozed', serviceId: null, at: STOPPED + MINUTE }),
  ];
  const state = restoreAlertState(events, at(0), cooldown);
  assert.deepEqual(
    activeAlerts(state).map((a) => [a.rule, a.subject, a.severity]),
    [
      ['idle-service-cpu', 'vibevoice', 'critical'],
      ['thermal-pressure', 'system', 'warning'],
    ],
  );
  // Cleared 10 min ago with a 15 min cooldown: the cooldown goes on after the restart.
  assert.equal(state.trackers['idle-service-cpu:nextjs']!.clearedAt, STOPPED);
  assert.equal(state.trackers['idle-power:system']!.clearedAt, STOPPED);
  const later = restoreAlertState(events, STOPPED + cooldown, cooldown);
  assert.equal(later.trackers['idle-service-cpu:nextjs'], undefined, 'no cooldown left to keep');
});

test('a restored alert for a service no longer monitored clears after the window', () => {
  const rules = onlyRule('idleServiceCpu');
  const gone = event({ rule: 'idle-service-cpu', kind: 'fired', serviceId: 'retired' });
  const run = runSeries(rules, series(20, 0.5), undefined, restoreAlertState([gone], at(0), 0));
  assert.deepEqual(timeline(run), [[12, 'cleared', 'warning']]);
  assert.equal(run.events[0]!.serviceId, 'retired');
  assert.match(run.events[0]!.message, /retired is no longer monitored/);
});

test('a restored alert of a rule turned off meanwhile clears on the first sample', () => {
  const rules = onlyRule('idlePower');
  const state = restoreAlertState([vibeFired], at(0), 0);
  const step = evaluateAlerts(rules, state, series(1, 8)[0]!, { snoozedUntil: {} });
  assert.deepEqual(
    step.events.map((e) => [e.kind, e.serviceId]),
    [['cleared', 'vibevoice']],
  );
});

test('the runner takes up the stored alerts and evaluates on from them', () => {
  const settings = defaultSettings();
  settings.alerts = onlyRule('idleServiceCpu');
  const runner = createAlertRunner();
  runner.restore([vibeFired], settings, at(0));
  const kinds = series(20, 8).flatMap((s) => runner.evaluate(s, settings).map((e) => e.kind));
  assert.deepEqual(kinds, [], 'still open: nothing fires again');
  const cleared = series(40, 0.5)
    .map((s) => ({ ...s, at: s.at + 20 * TICK }))
    .flatMap((s) => runner.evaluate(s, settings).map((e) => e.kind));
  assert.deepEqual(cleared, ['cleared']);
});
