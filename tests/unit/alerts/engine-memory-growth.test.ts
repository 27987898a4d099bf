import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BYTES_PER_MB } from '../../../main/contract/format.js';
import { appendRss, fitRssSlope, MAX_RSS_POINTS } from '../../../main/alerts/memory-slope.js';
import type { RssPoint } from '../../../main/alerts/state.js';
import { runSeries, timeline } from './run-series.js';
import { HOUR, SECOND, onlyRule, sample, service, T0 } from './sample-factory.js';

const TICK = 10 * SECOND;
const at = (tick: number) => T0 + tick * TICK;

/** A deterministic noise source (LCG), uniform in [-1, 1). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** RSS of one service: base MB + slope MB/h, plus ±noise MB, one sample per 10 s tick. */
function rssSeries(ticks: number, mbAt: (hours: number) => number, noiseMb: number, seed = 7) {
  const next = noise(seed);
  return Array.from({ length: ticks }, (_, tick) => {
    const mb = mbAt((tick * TICK) / HOUR) + noiseMb * next();
    return sample({ at: at(tick), services: [service({ id: 'vibevoice', rssBytes: mb * BYTES_PER_MB })] });
  });
}

test('memory growth fires on a noisy linear series once the fit spans the window', () => {
  // 15 min window = 90 ticks of 10 s: the first fit spanning it is at tick 90.
  const run = runSeries(
    onlyRule('memoryGrowth'),
    rssSeries(120, (h) => 500 + 240 * h, 20),
  );
  assert.deepEqual(timeline(run), [[90, 'fired', 'warning']]);
  const event = run.events[0]!;
  assert.equal(event.unit, 'MB/h');
  assert.equal(event.serviceId, 'vibevoice');
  assert.ok(Math.abs(event.value! - 240) < 36, `slope ${event.value} within 15 % of 240 MB/h`);
  assert.equal(event.durationSeconds, 900);
  assert.match(event.message, /^vibevoice memory grows \d+ MB\/h over the last 15 min \(now \d+ MB\)$/);
});

test('a flat noisy series never fires; a steep one fires as critical', () => {
  const rules = onlyRule('memoryGrowth');
  assert.deepEqual(
    runSeries(
      rules,
      rssSeries(400, () => 800, 40),
    ).events,
    [],
  );
  const steep = runSeries(
    rules,
    rssSeries(120, (h) => 500 + 900 * h, 20),
  );
  assert.deepEqual(timeline(steep), [[90, 'fired', 'critical']]);
});

test('growth that stops clears the alert once the fitted slope falls below 90 % of warning', () => {
  // 30 min of 300 MB/h growth, then flat.
  const run = runSeries(
    onlyRule('memoryGrowth'),
    rssSeries(400, (h) => 500 + 300 * Math.min(h, 0.5), 5),
  );
  assert.deepEqual(
    run.events.map((e) => e.kind),
    ['fired', 'cleared'],
  );
  const clearTick = run.ticks[1]!;
  assert.ok(
    clearTick > 180 && clearTick < 180 + 90,
    `cleared within the window after growth stopped (tick ${clearTick})`,
  );
  assert.ok(run.events[1]!.value! < 90);
});

test('absent RSS readings neither fire nor clear; a gap restarts the fit', () => {
  const rules = onlyRule('memoryGrowth');
  const growing = rssSeries(200, (h) => 500 + 240 * h, 5);
  const holes = growing.map((s, tick) =>
    tick >= 100 && tick < 150 ? { ...s, services: [{ ...s.services[0]!, rssBytes: null }] } : s,
  );
  const run = runSeries(rules, holes);
  assert.deepEqual(timeline(run), [[90, 'fired', 'warning']]);

  const slept = growing.map((s, tick) => (tick === 60 ? { ...s, gap: true } : s));
  assert.deepEqual(timeline(runSeries(rules, slept)), [[150, 'fired', 'warning']]);
});

test('least squares recovers the slope of an exact line at uneven times', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -5000, max: 5000, noNaN: true }),
      fc.double({ min: 10, max: 50_000, noNaN: true }),
      fc.uniqueArray(fc.integer({ min: 0, max: 3 * 3600 }), { minLength: 3, maxLength: 200 }),
      (slope, base, seconds) => {
        const points = [...seconds]
          .sort((a, b) => a - b)
          .map((s) => ({ at: T0 + s * 1000, rssBytes: (base + (slope * s) / 3600) * BYTES_PER_MB }));
        const fit = fitRssSlope(points);
        assert.ok(fit);
        assert.ok(Math.abs(fit.mbPerHour - slope) <= 1e-6 * Math.max(1, Math.abs(slope)) + 1e-6);
      },
    ),
  );
  assert.equal(
    fitRssSlope([
      { at: T0, rssBytes: 1 },
      { at: T0 + 1, rssBytes: 2 },
    ]),
    null,
    'too few points',
  );
  assert.equal(fitRssSlope([1, 2, 3].map(() => ({ at: T0, rssBytes: 1 }))), null, 'no time spread');
});

test('the RSS series keeps just over one window and stays bounded', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 60, max: 7 * 24 * 3600 }),
      fc.integer({ min: 1, max: 600 }),
      (windowSeconds, stepSeconds) => {
        const windowMs = windowSeconds * 1000;
        let series: RssPoint[] = [];
        const steps = Math.min(5000, Math.ceil((2 * windowSeconds) / stepSeconds) + 5);
        for (let i = 0; i < steps; i++) {
          series = appendRss(series, { at: T0 + i * stepSeconds * 1000, rssBytes: i }, windowMs);
        }
        const last = series[series.length - 1]!;
        assert.equal(last.rssBytes, steps - 1, 'the newest reading is always kept');
        assert.ok(series.length <= MAX_RSS_POINTS, `bounded: ${series.length}`);
        const span = last.at - series[0]!.at;
        if ((steps - 1) * stepSeconds * 1000 >= windowMs) {
          assert.ok(span >= windowMs, 'spans the window once enough history exists');
          assert.ok(last.at - series[1]!.at < windowMs, 'keeps only what the window needs');
        }
      },
    ),
    { numRuns: 60 },
  );
});
