import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AlertEvent } from '../../../main/contract/alerts.js';
import { runSeries } from './run-series.js';
import { SECOND, onlyRule, sample, T0 } from './sample-factory.js';

interface Tick {
  watts: number | null;
  idle: boolean;
  gap: boolean;
  stepSeconds: number;
}

/** Runs of steady readings (so alerts do fire), each with its own level, idleness and holes. */
const segmentArb = fc.record({
  // Levels around the thresholds and their 90 % bands (4.5/5, 9/10), plus anything in between.
  watts: fc.option(
    fc.oneof(fc.constantFrom(2, 4.7, 6, 8, 9.5, 12), fc.double({ min: 0, max: 15, noNaN: true })),
    { nil: null, freq: 8 },
  ),
  idle: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  gap: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  stepSeconds: fc.integer({ min: 1, max: 10 }),
  length: fc.integer({ min: 1, max: 40 }),
  holeEvery: fc.integer({ min: 0, max: 40 }),
});

const ticksArb = fc.array(segmentArb, { minLength: 1, maxLength: 40 }).map((segments) =>
  segments.flatMap((seg) =>
    Array.from({ length: seg.length }, (_, i): Tick => ({
      watts: seg.holeEvery > 10 && i % seg.holeEvery === seg.holeEvery - 1 ? null : seg.watts,
      idle: seg.idle,
      gap: seg.gap && i === 0,
      stepSeconds: seg.stepSeconds,
    })),
  ),
);

/** The breach run that ends at tick `t`: how long readings above `level` have held, or -1 without one. */
function breachHeldMs(ticks: Tick[], ats: number[], t: number, level: number): number {
  const breaching = (i: number) => ticks[i]!.watts !== null && ticks[i]!.idle && ticks[i]!.watts! > level;
  if (!breaching(t)) return -1;
  let start = t;
  while (start > 0 && breaching(start - 1) && !ticks[start]!.gap) start--;
  return ats[t]! - ats[start]!;
}

test('on random series the engine keeps its promises', () => {
  const rules = onlyRule('idlePower', 2);
  rules.idlePower.windowSeconds = 30;
  const windowMs = 30 * SECOND;
  const cooldownMs = 2 * 60 * SECOND;
  const seen = new Set<string>();
  fc.assert(
    fc.property(ticksArb, (ticks) => {
      const ats: number[] = [];
      ticks.reduce(
        (at, tick) => (ats.push(at + tick.stepSeconds * SECOND), at + tick.stepSeconds * SECOND),
        T0,
      );
      const samples = ticks.map((tick, i) =>
        sample({ at: ats[i]!, systemWatts: tick.watts, stackIdle: tick.idle, gap: tick.gap }),
      );
      const run = runSeries(rules, samples);
      assert.equal(new Set(run.events.map((e) => e.id)).size, run.events.length, 'ids are unique');

      let active: AlertEvent['severity'] = null;
      let lastClearedAt = -Infinity;
      run.events.forEach((event, i) => {
        const t = run.ticks[i]!;
        seen.add(event.kind);
        assert.notEqual(ticks[t]!.watts, null, 'an absent reading never fires or clears');
        switch (event.kind) {
          case 'fired': {
            assert.equal(active, null);
            assert.ok(event.at - lastClearedAt >= cooldownMs, 'no firing inside the cooldown');
            assert.ok(breachHeldMs(ticks, ats, t, 5) >= windowMs, 'fires only after a full breach window');
            if (event.severity === 'critical') assert.ok(breachHeldMs(ticks, ats, t, 10) >= windowMs);
            break;
          }
          case 'escalated':
            assert.equal(active, 'warning');
            assert.ok(breachHeldMs(ticks, ats, t, 10) >= windowMs);
            break;
          case 'deescalated':
            assert.equal(active, 'critical');
            break;
          case 'cleared':
            assert.notEqual(active, null);
            lastClearedAt = event.at;
            break;
          default:
            assert.fail(`unexpected ${event.kind}`);
        }
        active = event.kind === 'cleared' ? null : event.severity;
      });
    }),
    { numRuns: 300 },
  );
  assert.deepEqual(
    [...seen].sort(),
    ['cleared', 'deescalated', 'escalated', 'fired'],
    'every transition was exercised',
  );
});
