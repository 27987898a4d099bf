import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuRateTracker } from '../../../main/sampler/cpu-rates.js';
import { makeSampler, manualClock, proc, scripted } from './scripted.js';

test('a window under one second gives no CPU rate and keeps the older baseline', () => {
  const cpu = new CpuRateTracker();
  cpu.update([proc(1, 10)], 0);
  assert.equal(cpu.update([proc(1, 10.1)], 110).get(1), null, '110 ms: noise, not a rate');
  assert.equal(cpu.update([proc(1, 11)], 2000).get(1), 50, 'the rate spans the whole 2 s since the baseline');
});

test('a tick asked for right after another waits until a second has passed', async () => {
  const clock = manualClock();
  const sampler = makeSampler([scripted('procs', () => ({ processes: [proc(100, 1)] }))], clock);
  const started: number[] = [];
  sampler.start(() => started.push(Date.now()));
  await new Promise((resolve) => setTimeout(resolve, 50));
  clock.advance(200);
  sampler.setWatched(true); // a dashboard connects 200 ms (by the sampler's clock) after the first tick
  await new Promise((resolve) => setTimeout(resolve, 400));
  sampler.stop();
  assert.equal(started.length, 1, 'no second tick within 800 ms of wall time');
});

test('a stale process keeps its last rate and baseline; its next read spans the whole time since', () => {
  const cpu = new CpuRateTracker();
  cpu.update([proc(1, 10)], 0);
  assert.equal(cpu.update([proc(1, 12)], 2000).get(1), 100, 'read: one core');
  const stale = { ...proc(1, 12), stale: true };
  assert.equal(cpu.update([stale], 4000).get(1), 100, 'not re-read: the last rate stands');
  assert.equal(cpu.update([stale], 6000).get(1), 100);
  assert.equal(
    cpu.update([proc(1, 13)], 12_000).get(1),
    10,
    'read again: 1 s of CPU over the 10 s since 2 s',
  );
});

test('a stale process without a baseline, or of another incarnation, has no rate and sets none', () => {
  const cpu = new CpuRateTracker();
  assert.equal(cpu.update([{ ...proc(1, 10), stale: true }], 0).get(1), null, 'never read by this tracker');
  assert.equal(cpu.update([proc(1, 11)], 2000).get(1), null, 'the stale figures were no baseline');
  assert.equal(cpu.update([{ ...proc(1, 11), startKey: 'other', stale: true }], 4000).get(1), null);
  assert.equal(cpu.update([proc(1, 12)], 6000).get(1), null, 'a new incarnation starts over');
  assert.equal(cpu.update([proc(1, 14)], 8000).get(1), 100);
});
