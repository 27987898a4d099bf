import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../../main/contract/index.js';
import { compareRanges, formatCompareMarkdown } from '../../../main/report/compare.js';
import { noiseBand } from '../../../main/report/stats.js';
import { makeSample, makeService, T0 } from '../store/sample-factory.js';
import { HOUR, random } from './scripted-day.js';

/** One hour of idle 5 s samples from `from`, watts = mean ± up to `spread`, ollama at `cpu` %. */
function idleHour(from: number, mean: number, spread: number, cpu: number, seed: number): Sample[] {
  const rnd = random(seed);
  const out: Sample[] = [];
  for (let at = from + 5000; at <= from + HOUR; at += 5000) {
    const watts = mean + (rnd() * 2 - 1) * spread;
    out.push(
      makeSample({
        at,
        power: { systemWatts: watts },
        energy: { systemWattHours: (watts * 5000) / HOUR },
        services: [makeService('ollama', { cpuPercent: cpu + (rnd() * 2 - 1) * 0.2 })],
      }),
    );
  }
  return out;
}

const source = (samples: Sample[]) => ({
  async *samples(range: { from: number; to: number }) {
    yield* samples.filter((s) => s.at >= range.from && s.at <= range.to);
  },
});

const BEFORE = { from: T0, to: T0 + HOUR };
const AFTER = { from: T0 + 2 * HOUR, to: T0 + 3 * HOUR };

test('a real drop in idle power is beyond the noise, with a plain verdict', async () => {
  const samples = [...idleHour(T0, 8, 0.5, 12, 1), ...idleHour(T0 + 2 * HOUR, 5, 0.5, 0.3, 2)];
  const result = await compareRanges(source(samples), BEFORE, AFTER);
  const [power, energy] = result.figures;
  const cpu = result.figures.find((f) => f.serviceId === 'ollama');
  assert.equal(power!.label, 'Mean idle system power');
  assert.ok(Math.abs(power!.before! - 8) < 0.1 && Math.abs(power!.after! - 5) < 0.1);
  assert.ok(power!.significant);
  assert.ok(power!.noise! > 0 && power!.noise! < 0.2, `noise ${power!.noise}`);
  assert.equal(energy!.unit, 'Wh/h');
  assert.ok(
    Math.abs(energy!.before! - power!.before!) < 1e-9,
    'Wh per hour of steady 5 s samples equals mean W',
  );
  assert.ok(energy!.significant);
  assert.equal(cpu!.label, 'CPU while idle: Ollama', 'the service name, not its id');
  assert.ok(cpu!.significant);
  assert.match(
    result.verdict,
    /^Idle power fell by 3\.0 W \(−3[78] %\), well beyond the noise \(±0\.\d+ W\)\. CPU while idle: Ollama fell from 12 % to 0\.30 %\.$/,
  );
  assert.match(
    formatCompareMarkdown(result),
    /\| Mean idle system power \| 8\.0 W \| 5\.0 W \| −3\.0 W \| 0\.\d+ W \| yes \|/,
  );
});

test('the same power before and after is within the noise', async () => {
  const samples = [...idleHour(T0, 8, 1, 5, 3), ...idleHour(T0 + 2 * HOUR, 8, 1, 5, 4)];
  const result = await compareRanges(source(samples), BEFORE, AFTER);
  assert.equal(result.figures[0]!.significant, false);
  assert.match(result.verdict, /within the noise \(±0\.\d+ W\): no measurable difference\.$/);
});

test('active samples are left out: only idle time is compared', async () => {
  const busy = idleHour(T0 + 2 * HOUR, 30, 0, 5, 5).map((s) => ({
    ...s,
    idle: { ...s.idle, stackIdle: false },
  }));
  const samples = [
    ...idleHour(T0, 8, 0.5, 5, 6),
    ...idleHour(T0 + 2 * HOUR, 8, 0.5, 5, 7).slice(0, 360),
    ...busy.slice(360),
  ];
  const result = await compareRanges(source(samples), BEFORE, AFTER);
  assert.ok(Math.abs(result.figures[0]!.after! - 8) < 0.1);
});

test('an empty side gives no verdict and no significance', async () => {
  const result = await compareRanges(source(idleHour(T0, 8, 0.5, 5, 8)), BEFORE, AFTER);
  assert.equal(result.verdict, 'No verdict: the after range has no idle samples with a power reading.');
  assert.ok(result.figures.every((f) => !f.significant));
  assert.equal(result.figures[0]!.after, null);
  assert.equal(result.figures[0]!.difference, null);
});

test('one idle minute a side is too little to judge the noise', async () => {
  const samples = [
    ...idleHour(T0, 8, 0.5, 5, 9).slice(0, 11),
    ...idleHour(T0 + 2 * HOUR, 4, 0.5, 5, 10).slice(0, 11),
  ];
  const result = await compareRanges(source(samples), BEFORE, AFTER);
  assert.equal(result.figures[0]!.noise, null);
  assert.match(result.verdict, /too few idle minutes on one side to tell it from the noise/);
});

test('noiseBand is 2 × the Welch standard error', () => {
  assert.equal(noiseBand([1], [1, 2]), null);
  const b = [1, 2, 3, 4];
  const a = [2, 4, 6, 8];
  const se = Math.sqrt(((5 / 3) * 1) / 4 + 20 / 3 / 4);
  assert.ok(Math.abs(noiseBand(b, a)! - 2 * se) < 1e-12);
});

test('the verdict places the after range against the idle baseline', async () => {
  const samples = [...idleHour(T0, 8, 0.5, 12, 1), ...idleHour(T0 + 2 * HOUR, 5, 0.5, 0.3, 2)];
  const baseline = {
    source: 'rapl',
    powerState: 'battery' as const,
    systemWatts: 4,
    packageWatts: null,
    kind: 'learned' as const,
    minutes: 600,
    at: T0,
  };
  const result = await compareRanges(source(samples), BEFORE, AFTER, baseline);
  assert.ok(Math.abs(result.afterAboveBaselineWatts! - 1) < 0.1);
  assert.match(result.verdict, / After: (0\.99|1\.0) W above your idle baseline \(4\.0 W, learned\)\.$/);
  const none = await compareRanges(source(samples), BEFORE, AFTER);
  assert.equal(none.afterAboveBaselineWatts, null);
  assert.doesNotMatch(none.verdict, /baseline/);
});
