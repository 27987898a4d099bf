import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ThermalPressure } from '../../../main/contract/sample.js';
import { runSeries, timeline } from './run-series.js';
import { SECOND, onlyRule, sample, service, T0 } from './sample-factory.js';

const TICK = 5 * SECOND;
const at = (tick: number) => T0 + tick * TICK;
const repeat = <T>(value: T, n: number): T[] => Array.from({ length: n }, () => value);
const pressures = (levels: readonly (ThermalPressure | null)[]) =>
  levels.map((pressure, tick) =>
    sample({
      at: at(tick),
      pressure,
      services: [
        service({
          id: 'ollama',
          estimatedWatts: 6.2,
          models: { count: 1, bytes: 4.7e9, unloadsAt: null, keptLoaded: false },
          lastActiveAt: at(0),
        }),
      ],
    }),
  );

test('thermal pressure fires after 30 s at fair, escalates at serious, clears back at nominal', () => {
  const run = runSeries(
    onlyRule('thermalPressure'),
    pressures([
      ...repeat<ThermalPressure>('nominal', 2),
      ...repeat<ThermalPressure>('fair', 7), // 2-8: fires at 8
      ...repeat<ThermalPressure>('critical', 7), // 9-15: escalates at 15
      ...repeat<ThermalPressure>('fair', 7), // 16-22: de-escalates at 22
      ...repeat<ThermalPressure>('nominal', 7), // 23-29: clears at 29
    ]),
  );
  assert.deepEqual(timeline(run), [
    [8, 'fired', 'warning'],
    [15, 'escalated', 'critical'],
    [22, 'deescalated', 'warning'],
    [29, 'cleared', 'warning'],
  ]);
  const [fired, escalated] = run.events;
  assert.equal(fired!.unit, 'level');
  assert.equal(fired!.value, 1);
  assert.equal(fired!.threshold, 1);
  assert.equal(fired!.serviceId, 'ollama');
  assert.equal(
    fired!.message,
    'Thermal pressure fair for 30 s — likely culprit ollama ≈ 6.2 W, 1 model loaded, 4.7 GB, no requests for 40 s',
  );
  assert.equal(escalated!.title, 'Thermal pressure critical');
  assert.equal(escalated!.threshold, 2);
});

test('an unknown thermal pressure neither fires nor clears', () => {
  const rules = onlyRule('thermalPressure');
  assert.deepEqual(runSeries(rules, pressures(repeat(null, 100))).events, []);
  const alternating = pressures(Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? null : 'serious')));
  assert.deepEqual(runSeries(rules, alternating).events, [], 'no streak survives the absent readings');
  const held = runSeries(rules, pressures([...repeat<ThermalPressure>('fair', 7), ...repeat(null, 100)]));
  assert.deepEqual(timeline(held), [[6, 'fired', 'warning']]);
});

test('custom levels: warning at serious ignores fair', () => {
  const rules = onlyRule('thermalPressure');
  rules.thermalPressure = { ...rules.thermalPressure, warning: 'serious', critical: 'critical' };
  const run = runSeries(
    rules,
    pressures([...repeat<ThermalPressure>('fair', 20), ...repeat<ThermalPressure>('serious', 7)]),
  );
  assert.deepEqual(timeline(run), [[26, 'fired', 'warning']]);
});
