import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DARWIN_COLLECTORS } from '../../../main/collectors/darwin/index.js';
import { createPowermetricsCollector } from '../../../main/collectors/darwin/powermetrics.js';
import { createDarwinProcessCollector } from '../../../main/collectors/darwin/processes.js';
import type { CollectorEnv, CommandRunner, SamplerCollector } from '../../../main/collectors/types.js';
import { HelperMeter } from '../../../main/sampler/helper-meter.js';
import { Sampler } from '../../../main/sampler/sampler.js';
import { FIXTURES } from '../../helpers.js';
import { manualClock, proc, testSettings } from './scripted.js';

const M4MAX = readFileSync(
  join(FIXTURES, 'powermetrics', 'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist'),
);

test('powermetrics is the helper loop’s child: its CPU over ≥ 10 s of ps time, its RSS, its pid', () => {
  const meter = new HelperMeter();
  const helper = { parentPid: 812 };
  const table = (cpuSeconds: number, startKey = 'a') => [
    proc(812, 0.02, { name: 'sh' }),
    proc(813, cpuSeconds, { ppid: 812, name: 'powermetrics', rssBytes: 14_000_000, startKey }),
    proc(900, 50, { ppid: 1, name: 'powermetrics' }),
  ];
  const first = meter.measure(0, helper, undefined, table(1.5));
  assert.deepEqual(first, { pid: 813, cpuPercent: null, rssBytes: 14_000_000, absent: null });
  assert.equal(meter.measure(4000, helper, undefined, table(1.54))?.cpuPercent, null, 'not 10 s yet');
  // 0.11 s of CPU over 10 s = 1.1 % of one core.
  const later = meter.measure(10_000, helper, undefined, table(1.61));
  assert.ok(Math.abs(later!.cpuPercent! - 1.1) < 1e-9, String(later?.cpuPercent));
  assert.ok(Math.abs(meter.measure(12_000, helper, undefined, table(1.7))!.cpuPercent! - 1.1) < 1e-9);
  // Restarted by its helper: a new incarnation starts a new window.
  assert.equal(meter.measure(14_000, helper, undefined, table(0.01, 'b'))?.cpuPercent, null);
});

test('a stale powermetrics row (ps only on the slow tier) keeps the last figure and moves no window', () => {
  const meter = new HelperMeter();
  const helper = { parentPid: 812 };
  const row = (cpuSeconds: number, stale = false) => [
    proc(813, cpuSeconds, {
      ppid: 812,
      name: 'powermetrics',
      rssBytes: 14_000_000,
      ...(stale ? { stale } : {}),
    }),
  ];
  assert.equal(
    meter.measure(0, helper, undefined, row(1.5, true))?.cpuPercent,
    null,
    'no baseline from stale figures',
  );
  meter.measure(2000, helper, undefined, row(1.5));
  assert.equal(
    meter.measure(14_000, helper, undefined, row(1.5, true))?.cpuPercent,
    null,
    'stale: no window closes',
  );
  // Read again at 32 s: 0.6 s of CPU over the 30 s since the last read = 2 % of one core.
  assert.ok(Math.abs(meter.measure(32_000, helper, undefined, row(2.1))!.cpuPercent! - 2) < 1e-9);
  assert.ok(Math.abs(meter.measure(34_000, helper, undefined, row(2.1, true))!.cpuPercent! - 2) < 1e-9);
});

test('not running, not started, not reported or replayed: absent with the reason, never 0', () => {
  const meter = new HelperMeter();
  assert.equal(meter.measure(0, undefined, undefined, []), undefined, 'no powermetrics collector: no entry');
  assert.deepEqual(meter.measure(0, undefined, 'darwin-powermetrics: waiting for permission', []), {
    pid: null,
    cpuPercent: null,
    rssBytes: null,
    absent: 'darwin-powermetrics: waiting for permission',
  });
  assert.match(meter.measure(0, { parentPid: 812 }, undefined, [proc(812, 0)])!.absent!, /not running/);
  assert.match(meter.measure(0, { parentPid: null }, undefined, [])!.absent!, /has not reported its pid/);
  assert.match(meter.measure(0, { parentPid: 812 }, undefined, undefined)!.absent!, /no process reading/);
  assert.match(
    meter.measure(0, { parentPid: null, absent: 'replaying a recording' }, undefined, [])!.absent!,
    /replaying/,
  );
});

test('through the darwin collectors and the injected command runner: status.self lists powermetrics apart', async () => {
  const clock = manualClock(1_000_000);
  let psCpu = 1.5;
  const runner: CommandRunner = async (file, args) => {
    assert.equal(file, 'ps', `unexpected command ${file} ${args.join(' ')}`);
    const time = `0:${psCpu.toFixed(2).padStart(5, '0')}`;
    return {
      stdout: [
        '    1     0  14320 12:41.07 /sbin/launchd    /sbin/launchd',
        '  812     1   1200   0:00.02 /bin/sh          /bin/sh -c set -u',
        `  813   812  13672   ${time} /usr/bin/powerme /usr/bin/powermetrics --samplers cpu_power,gpu_power,thermal,tasks -f plist -i 2000`,
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    };
  };
  const env: CollectorEnv = {
    sysRoot: '/',
    procRoot: '/proc',
    exec: runner,
    now: clock.now,
    fetch: globalThis.fetch,
  };
  let sink: ((chunk: Buffer | string) => void) | null = null;
  let helperPid: number | null = null;
  const feed = {
    start: (s: (chunk: Buffer | string) => void) => void (sink = s),
    poll: () => undefined,
    status: () => ({ state: 'running' as const }),
    requestPermission: async () => ({ state: 'running' as const }),
    close: async () => undefined,
    helperPid: () => helperPid,
  };
  const definition = (id: string) => DARWIN_COLLECTORS.find((d) => d.id === id)!;
  const collectors: SamplerCollector[] = [
    { definition: definition('darwin-powermetrics'), instance: createPowermetricsCollector(env, { feed }) },
    { definition: definition('darwin-processes'), instance: createDarwinProcessCollector(env) },
  ];
  const settings = testSettings();
  const sampler = new Sampler({ collectors, settings: () => settings, now: clock.now, platform: 'darwin' });

  const waiting = await sampler.tick();
  assert.equal(waiting.self?.powermetrics?.pid, null);
  assert.match(waiting.self!.powermetrics!.absent!, /^darwin-powermetrics: /);

  helperPid = 812;
  for (const [advanceMs, cpu] of [
    [2000, 1.5],
    [10_000, 1.61],
  ] as const) {
    clock.advance(advanceMs);
    psCpu = cpu;
    sink!(Buffer.concat([M4MAX, Buffer.from([0])]));
    const sample = await sampler.tick();
    assert.equal(sample.self?.powermetrics?.pid, 813, JSON.stringify(sample.self));
    assert.equal(sample.self?.powermetrics?.rssBytes, 13672 * 1024);
    assert.equal(sample.self?.powermetrics?.absent, null);
    if (cpu === 1.5) assert.equal(sample.self?.powermetrics?.cpuPercent, null);
    else assert.ok(Math.abs(sample.self!.powermetrics!.cpuPercent! - 1.1) < 1e-9);
    assert.equal(typeof sample.self?.rssBytes, 'number', "IdleWatt's own figures stay as they are");
  }
});
