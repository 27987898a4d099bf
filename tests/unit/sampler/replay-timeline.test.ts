import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { advanceReplay, replayPace } from '../../../main/assembly/replay-pace.js';
import { createReplayRunner, replayOf } from '../../../main/collectors/darwin/replay.js';
import { createCollectors } from '../../../main/collectors/setup.js';
import { defaultSettings, type Sample } from '../../../main/contract/index.js';
import { Sampler } from '../../../main/sampler/sampler.js';
import { FIXTURES } from '../../helpers.js';

const RECORDING = join(FIXTURES, 'replay', 'darwin-m4max-stack');

/** Ticks the sampler by hand as the monitor would, on a machine clock that barely moves. */
async function replayTicks(passes: number): Promise<{ samples: Sample[]; wallStart: number }> {
  const runner = await createReplayRunner(RECORDING);
  const replay = replayOf(runner)!;
  const collectors = createCollectors({
    platform: 'darwin',
    sysRoot: '/nonexistent',
    procRoot: '/nonexistent',
    exec: runner,
    fetch: replay.fetch,
  }).filter((c) => c.definition.id !== 'ollama');
  let wall = 1_700_000_000_000;
  const wallStart = wall;
  const settings = defaultSettings();
  const sampler = new Sampler({
    collectors,
    settings: () => settings,
    now: () => wall,
    platform: 'darwin',
    ...replayPace(replay, null, () => wall),
  });
  const samples: Sample[] = [];
  for (let i = 0; i < passes * replay.manifest.ticks; i++) {
    wall += 7; // the monitor's own tick says nothing about the recording's rates
    samples.push(await sampler.tick());
    advanceReplay(replay, sampler);
  }
  return { samples, wallStart };
}

test('a replay measures on the recording timeline: CPU % and energy from the recorded 2 s, not the monitor tick', async () => {
  const { samples, wallStart } = await replayTicks(1);
  // ps-1 → ps-2: VibeVoice's CPU time 134:09.31 → 134:10.21, 0.90 s in the recording's 2 s.
  const vibevoice = samples[1]!.services.find((s) => s.id === 'vibevoice')!;
  assert.ok(Math.abs(vibevoice.cpuPercent! - 45) < 1e-6, `${vibevoice.cpuPercent}`);
  assert.equal(samples[1]!.intervalMs, 2000);
  const watts = samples[1]!.power.systemWatts!;
  assert.ok(Math.abs(samples[1]!.energy.systemWattHours! - (watts * 2) / 3600) < 1e-9);
  // The first pass is placed so that it ends now: its last tick one interval before the start.
  assert.equal(samples[samples.length - 1]!.at, wallStart - 2000);
});

test('a replay loops seamlessly: time keeps going, no gap, and CPU stays measured at each new pass', async () => {
  const { samples } = await replayTicks(3);
  for (let i = 1; i < samples.length; i++) {
    assert.equal(samples[i]!.at - samples[i - 1]!.at, 2000, `tick ${i + 1} follows on`);
    assert.equal(samples[i]!.gap, false);
    assert.notEqual(samples[i]!.energy.systemWattHours, null, `energy integrated at tick ${i + 1}`);
    const vibevoice = samples[i]!.services.find((s) => s.id === 'vibevoice')!;
    assert.notEqual(vibevoice.cpuPercent, null, `VibeVoice CPU at tick ${i + 1}`);
  }
  // Across the loop (tick 4 → tick 1) the counters start over: the last measured rate is kept.
  const cpuAt = (i: number) => samples[i]!.services.find((s) => s.id === 'vibevoice')!.cpuPercent;
  assert.equal(cpuAt(4), cpuAt(3));
  assert.equal(cpuAt(5), cpuAt(1), 'the second pass measures as the first did');
});
