import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProcfsCollector } from '../../../main/collectors/linux/procfs.js';
import type { SamplerCollector } from '../../../main/collectors/types.js';
import { tempDir } from '../../helpers.js';
import { linuxEnv, writeTree } from '../collectors/linux/linux-env.js';
import { makeSampler, manualClock, scripted } from './scripted.js';

/** A stat line whose utime is `ticks` (USER_HZ 100: 100 ticks = 1 s of CPU). */
const stat = (pid: number, comm: string, ticks: number, start = 1000) =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194304 100 0 0 0 ${ticks} 0 0 0 20 0 1 0 ${start} 1000000 250 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

test('tiered scans: the other processes have CPU rates from the second tick, and a new process from its second', async (t) => {
  const root = tempDir(t);
  writeTree(root, { 'self/auxv': '' });
  const at = (seconds: number, extra: Record<string, string> = {}) =>
    writeTree(root, {
      // The service (processNames: worker) uses 10 % of a core, another process a whole core.
      '100/stat': stat(100, 'worker', seconds * 10),
      '200/stat': stat(200, 'hog', seconds * 100),
      ...extra,
    });
  const procfs: SamplerCollector = {
    definition: { id: 'procfs', tier: 'fast', provides: ['processes'] },
    instance: createProcfsCollector(linuxEnv({ procRoot: root })),
  };
  const power = scripted('power', () => ({ power: { source: 'rapl', packageWatts: 12, cpuWatts: 11 } }));
  const clock = manualClock();
  const sampler = makeSampler([procfs, power], clock);
  const worker = (s: Awaited<ReturnType<typeof sampler.tick>>) => s.services.find((x) => x.id === 'worker')!;

  at(0);
  await sampler.tick();
  clock.advance(2000);
  at(2);
  const second = await sampler.tick();
  assert.deepEqual(
    second.topProcesses.map((p) => [p.pid, Math.round(p.cpuPercent ?? -1)]),
    [[200, 100]],
    'the tick after the first reads every process again',
  );
  assert.ok(
    Math.abs(worker(second).estimatedWatts! - (11 * 10) / 110) < 1e-9,
    'a share of all CPU, not all of it',
  );

  clock.advance(2000);
  at(4, { '300/stat': stat(300, 'cc1', 0, 5000) });
  const third = await sampler.tick();
  assert.equal(Math.round(third.topProcesses[0]!.cpuPercent ?? -1), 100, 'not re-read: its last rate stands');
  assert.ok(Math.abs(worker(third).estimatedWatts! - (11 * 10) / 110) < 1e-9);
  assert.equal(
    third.topProcesses.some((p) => p.pid === 300),
    false,
    'new: a baseline only',
  );

  clock.advance(2000);
  at(6, { '300/stat': stat(300, 'cc1', 100, 5000) });
  const fourth = await sampler.tick();
  assert.deepEqual(
    fourth.topProcesses.map((p) => [p.pid, Math.round(p.cpuPercent ?? -1)]),
    [
      [200, 100],
      [300, 50],
    ],
    'a new process is read again on the tick after it appeared: it has a rate',
  );
});

test('the sampler asks for every process on the first tick and the one after, and on a gap and the tick after it', async () => {
  const seen: string[] = [];
  const probe: SamplerCollector = {
    definition: { id: 'probe', tier: 'fast', provides: ['processes'] },
    instance: {
      collect: async (request) => {
        seen.push(`${request.slow ? 'slow' : 'fast'}${request.allProcesses ? '+all' : ''}`);
        return { status: 'ok', value: { processes: [] }, at: 0 };
      },
    },
  };
  const clock = manualClock();
  const sampler = makeSampler([probe], clock);
  for (const step of [0, 5000, 5000, 600_000, 5000, 5000]) {
    clock.advance(step);
    await sampler.tick();
  }
  assert.deepEqual(seen, ['slow+all', 'fast+all', 'fast', 'slow+all', 'fast+all', 'fast']);
});

test('a tick that brings no process reading leaves the baselines to set: every process is asked for until one does, and once after', async () => {
  const seen: string[] = [];
  let call = 0;
  const probe: SamplerCollector = {
    definition: { id: 'probe', tier: 'fast', provides: ['processes'] },
    instance: {
      collect: async (request) => {
        seen.push(request.allProcesses ? 'all' : 'some');
        return call++ === 0
          ? { status: 'error', message: 'ps: exited 1' }
          : { status: 'ok', value: { processes: [] }, at: 0 };
      },
    },
  };
  const clock = manualClock();
  const sampler = makeSampler([probe], clock);
  for (let i = 0; i < 4; i++) {
    clock.advance(5000);
    await sampler.tick();
  }
  assert.deepEqual(seen, ['all', 'all', 'all', 'some']);
});
