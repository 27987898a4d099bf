import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SelfMeter } from '../../../main/sampler/self-meter.js';

function meterWith(steps: { atMs: number; cpuMicros: number; rss: number }[]) {
  let i = -1;
  const step = () => steps[Math.min(i, steps.length - 1)]!;
  return new SelfMeter({
    now: () => {
      i += 1;
      return step().atMs;
    },
    cpuUsage: () => ({ user: step().cpuMicros * 0.75, system: step().cpuMicros * 0.25 }),
    rssBytes: () => step().rss,
  });
}

test('the first measurement has no interval, so its CPU is unknown, not 0; memory is measured', () => {
  const meter = meterWith([{ atMs: 1000, cpuMicros: 5_000_000, rss: 80_000_000 }]);
  assert.deepEqual(meter.measure(), { cpuPercent: null, rssBytes: 80_000_000 });
});

test('CPU is user + system time over the interval as a percent of one core', () => {
  const meter = meterWith([
    { atMs: 0, cpuMicros: 1_000_000, rss: 70_000_000 },
    // 10 ms of CPU over 5 s = 0.2 % of one core.
    { atMs: 5000, cpuMicros: 1_010_000, rss: 81_000_000 },
    // 2.5 s of CPU over 2 s: several threads on several cores read above 100.
    { atMs: 7000, cpuMicros: 3_510_000, rss: 82_000_000 },
  ]);
  meter.measure();
  const second = meter.measure();
  assert.ok(
    second.cpuPercent !== null && Math.abs(second.cpuPercent - 0.2) < 1e-9,
    String(second.cpuPercent),
  );
  assert.equal(second.rssBytes, 81_000_000);
  assert.equal(meter.measure().cpuPercent, 125);
});

test('a counter that went back or a clock that did not move yields unknown CPU, never a negative rate', () => {
  const meter = meterWith([
    { atMs: 0, cpuMicros: 2_000_000, rss: 1 },
    { atMs: 5000, cpuMicros: 1_000_000, rss: 1 },
    { atMs: 5000, cpuMicros: 1_500_000, rss: 1 },
    { atMs: 10_000, cpuMicros: 1_505_000, rss: 1 },
  ]);
  meter.measure();
  assert.equal(meter.measure().cpuPercent, null);
  assert.equal(meter.measure().cpuPercent, null);
  assert.equal(meter.measure().cpuPercent, 0.1);
});

test('the default meter reads this process: CPU over a busy interval is above 0, memory is its RSS', () => {
  const meter = new SelfMeter();
  meter.measure();
  const until = performance.now() + 30;
  let spin = 0;
  while (performance.now() < until) spin += 1;
  const cost = meter.measure();
  assert.ok(spin > 0);
  assert.ok(cost.cpuPercent !== null && cost.cpuPercent > 0, `cpuPercent ${cost.cpuPercent}`);
  assert.ok(cost.rssBytes > 10_000_000 && cost.rssBytes < 4_000_000_000, `rss ${cost.rssBytes}`);
});
