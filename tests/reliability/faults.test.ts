/**
 * Faults at the sources: powermetrics ending, stalling or sending garbage; elevation refused; a
 * service killed and restarted under the same pid; /proc entries vanishing mid-scan; the clock
 * jumping; an Ollama probe that never answers. For each: ticks complete in bounded time, figures
 * are labelled absent (with a reason) rather than wrong, and nothing negative is ever integrated.
 * Storage faults (read-only or full disk, corrupt or torn segments, corrupt settings) are in
 * faults-storage.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Sample } from '../../main/contract/index.js';
import { createOllamaCollector } from '../../main/collectors/common/ollama.js';
import { ElevatedPowermetricsFeed } from '../../main/collectors/darwin/powermetrics-feed.js';
import { createPowermetricsCollector } from '../../main/collectors/darwin/powermetrics.js';
import { runCommand } from '../../main/collectors/exec.js';
import { createProcfsCollector } from '../../main/collectors/linux/procfs.js';
import { createSocketsCollector } from '../../main/collectors/linux/sockets.js';
import type { CollectorEnv } from '../../main/collectors/types.js';
import { createAlertRunner } from '../../main/alerts/runner.js';
import { Sampler, type SamplerCollector } from '../../main/sampler/sampler.js';
import { FIXTURES, tempDir } from '../helpers.js';
import { writeTree } from '../unit/collectors/linux/linux-env.js';
import { makeSampler, manualClock, proc, scripted, testSettings } from '../unit/sampler/scripted.js';
import { memorySettings, openScriptedCore } from './core-harness.js';
import { stackCollector, stackSettings } from './stack-script.js';

const M4MAX = readFileSync(
  join(FIXTURES, 'powermetrics', 'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist'),
);
const NUL = Buffer.from([0]);
const request = { slow: true, watchPids: new Set<number>(), servicePorts: new Set<number>() };

function env(now: () => number, fetchImpl: typeof fetch = globalThis.fetch): CollectorEnv {
  return { sysRoot: '/sys', procRoot: '/proc', exec: runCommand, now, fetch: fetchImpl };
}

/** No figure in a sample is negative or non-finite; energy across a gap is absent. */
function assertHonest(sample: Sample): void {
  for (const [name, value] of Object.entries(sample.power)) {
    if (value !== null) assert.ok(Number.isFinite(value) && value >= 0, `power.${name} = ${value}`);
  }
  const wh = sample.energy.systemWattHours;
  if (wh !== null) assert.ok(Number.isFinite(wh) && wh >= 0, `systemWattHours ${wh}`);
  if (sample.gap) assert.equal(wh, null, 'nothing is integrated across a gap');
  for (const [id, value] of Object.entries(sample.energy.serviceWattHours)) {
    assert.ok(Number.isFinite(value) && value >= 0, `serviceWattHours.${id} = ${value}`);
  }
  for (const s of sample.services) {
    for (const v of [s.cpuPercent, s.rssBytes, s.estimatedWatts]) {
      if (v !== null) assert.ok(Number.isFinite(v) && v >= 0, `${s.id}: ${v}`);
    }
  }
}

/** Ticks once and checks the tick finished within `budgetMs` of wall time. */
async function timedTick(tick: () => Promise<Sample>, budgetMs = 250): Promise<Sample> {
  const started = performance.now();
  const sample = await tick();
  const took = performance.now() - started;
  assert.ok(took < budgetMs, `tick took ${Math.round(took)} ms`);
  assertHonest(sample);
  return sample;
}

/** A powermetrics feed the test writes into, with a state it can change. */
function manualFeed() {
  let sink: ((chunk: Buffer | string) => void) | null = null;
  const control = {
    state: { state: 'running' } as { state: 'running' } | { state: 'failed'; message: string },
    push: (bytes: Buffer | string) => sink?.(bytes),
    feed: {
      start: (s: (chunk: Buffer | string) => void) => {
        sink = s;
      },
      poll: () => undefined,
      status: () => control.state,
      requestPermission: async () => control.state,
      close: async () => undefined,
    },
  };
  return control;
}

const processes = (clock: { now: () => number }) =>
  scripted(
    'procs',
    () => ({
      processes: [proc(100, clock.now() / 10_000), proc(200, clock.now() / 20_000, { name: 'worker' })],
      sockets: { listening: [{ port: 8000, pid: 100 }], connections: [] },
    }),
    'fast',
  );

test('powermetrics stalling mid-document, sending garbage, then ending: ticks go on and power is labelled absent, never stale or invented', async () => {
  const clock = manualClock();
  const manual = manualFeed();
  const pm = createPowermetricsCollector(env(clock.now), { feed: manual.feed, intervalMs: 1000 });
  const collectors: SamplerCollector[] = [
    {
      definition: { id: 'powermetrics', tier: 'fast', provides: ['power', 'thermal', 'tasks'] },
      instance: pm,
    },
    processes(clock),
  ];
  const settings = testSettings((s) => (s.sampling.intervalSeconds = 1));
  const sampler = makeSampler(collectors, clock, settings);
  const tick = async () => {
    clock.advance(1000);
    return timedTick(() => sampler.tick());
  };

  const warming = await tick();
  assert.equal(warming.power.packageWatts, null);
  assert.match(warming.absent['power.packageWatts']!, /powermetrics: warming-up/);

  manual.push(Buffer.concat([M4MAX, NUL]));
  const good = await tick();
  assert.equal(good.power.packageWatts, 3.248);
  assert.equal(good.sources['power.packageWatts']?.kind, 'measured');

  // Stall: half a document arrives, then nothing. The last sample stands for two intervals + 2 s
  // (4 s here: powermetrics' own jitter), then the figure goes absent with the reason.
  manual.push(M4MAX.subarray(0, Math.floor(M4MAX.length / 2)));
  const during: Sample[] = [];
  for (let i = 0; i < 6; i++) during.push(await tick());
  assert.deepEqual(
    during.map((s) => s.power.packageWatts),
    [3.248, 3.248, 3.248, 3.248, null, null],
  );
  assert.match(during[5]!.absent['power.packageWatts']!, /powermetrics: no-data: no powermetrics sample/);
  assert.equal(during[5]!.services[0]!.status, 'running', 'the other collectors keep working');

  // Garbage mid-document, then the terminator: one malformed document, no figures from it.
  manual.push(Buffer.from('\u0000garbage<<<\uFFFD</dict>\u0007', 'utf8'));
  manual.push(NUL);
  const afterGarbage = await tick();
  assert.equal(afterGarbage.power.packageWatts, null);
  assert.ok(pm.malformedDocuments() >= 1, 'the cut document and the garbage are counted, not parsed');

  // The helper restarts powermetrics: the next whole document reads normally again.
  manual.push(Buffer.concat([M4MAX, NUL]));
  assert.equal((await tick()).power.packageWatts, 3.248);

  // The stream ends (powermetrics exits and the helper gives up): an error with its reason, at once.
  manual.state = { state: 'failed', message: 'the powermetrics helper stopped (exit 1)' };
  const ended = await tick();
  assert.equal(ended.power.packageWatts, null);
  const health = ended.collectors.find((c) => c.id === 'powermetrics')!;
  assert.equal(health.status, 'error');
  assert.match(health.reason!, /helper stopped/);
  assert.match(ended.absent['power.packageWatts']!, /helper stopped/);
  assert.equal(ended.gap, false, 'the cadence held: no gap was recorded');
});

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0;
if (!hasMkfifo) console.log('elevation-refused fault skipped: mkfifo is not available on this machine');

test(
  'elevation refused: power is absent (permission), services and thermal keep working, and ticks never prompt again',
  { skip: hasMkfifo ? false : 'mkfifo is not available on this machine' },
  async (t) => {
    const clock = manualClock();
    let prompts = 0;
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async () => {
        prompts++;
        return { outcome: 'denied' };
      },
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power', 'thermal'],
      processDetail: false,
      runParent: tempDir(t),
    });
    const pm = createPowermetricsCollector(env(clock.now), { feed });
    t.after(() => pm.close?.());
    const thermal = scripted('pmset', () => ({ thermal: { source: 'pmset', pressure: 'fair' as const } }));
    const sampler = makeSampler(
      [
        { definition: { id: 'darwin-powermetrics', tier: 'fast', provides: ['power'] }, instance: pm },
        processes(clock),
        thermal,
      ],
      clock,
    );
    await sampler.tick();
    for (let i = 0; i < 100 && feed.status().state !== 'denied'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(feed.status().state, 'denied');
    for (let i = 0; i < 5; i++) {
      clock.advance(5000);
      const sample = await timedTick(() => sampler.tick());
      assert.equal(sample.power.systemWatts, null);
      assert.match(sample.absent['power.systemWatts']!, /permission/);
      assert.equal(sample.thermal.pressure, 'fair');
      assert.equal(sample.services.find((s) => s.id === 'api')!.cpuPercent, 10);
    }
    assert.equal(prompts, 1, 'a refusal is final until the user asks again');
  },
);

test('a service killed and restarted under the same pid mid-window: no rate across the restart, and the alert window restarts', async () => {
  const clock = manualClock();
  const settings = testSettings((s) => {
    s.alerts.idleServiceCpu = { enabled: true, warning: 5, critical: 90, windowSeconds: 60 };
  });
  const TICK = 5000;
  // pid 100 runs at 30 %, is killed at tick 9, comes back as a new process (same pid) at tick 10, and
  // at tick 30 the pid is taken by an unrelated process with far more CPU time behind it.
  const incarnation = (i: number) => (i < 9 ? 'a' : i < 30 ? 'b' : 'c');
  const cpuAt = (i: number) =>
    i < 9 ? 500 + i * 1.5 : i < 30 ? 0.1 + (i - 10) * 1.5 : 9000 + (i - 30) * 1.5;
  const c = scripted('procs', (i) => ({
    processes: i === 9 ? [] : [proc(100, cpuAt(i), { startKey: incarnation(i) })],
    sockets: { listening: i === 9 ? [] : [{ port: 8000, pid: 100 }], connections: [] },
  }));
  const sampler = makeSampler([c], clock, settings);
  const alerts = createAlertRunner();
  const fired: { at: number; value: number | null }[] = [];
  const api: (number | null)[] = [];
  for (let i = 0; i < 45; i++) {
    const sample = await timedTick(() => sampler.tick());
    api.push(sample.services[0]!.cpuPercent);
    for (const e of alerts.evaluate(sample, settings)) {
      if (e.rule === 'idle-service-cpu' && e.kind === 'fired') fired.push({ at: e.at, value: e.value });
    }
    clock.advance(TICK);
  }
  assert.equal(api[9], null, 'killed: stopped, no figure');
  assert.equal(api[10], null, 'restarted: no rate on first sight');
  assert.equal(api[30], null, 'pid reused by another process: no rate, never a spike');
  for (const [i, v] of api.entries()) if (v !== null) assert.ok(Math.abs(v - 30) < 1e-6, `tick ${i}: ${v}`);
  const start = clock.now() - 45 * TICK;
  assert.ok(fired.length >= 1);
  assert.ok(
    fired[0]!.at >= start + 11 * TICK + 60_000,
    'the 60 s window counts only evidence after the restart',
  );
  assert.ok(fired.every((f) => f.value !== null && Math.abs(f.value - 30) < 0.5));
});

test('/proc entries vanishing mid-scan (temp tree): gone pids are skipped, half-read ones lose only what is gone', async (t) => {
  const root = tempDir(t);
  const stat = (pid: number, comm: string) =>
    `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 12345 100000000 2500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;
  writeTree(root, {
    'self/auxv': '',
    '100/stat': stat(100, 'alive'),
    '100/cmdline': '/usr/bin/alive\0--serve\0',
    '100/fd/0': '',
    '300/stat': '', // exited between readdir and read: the kernel gives an empty file
    '400/stat': '400 (trunc) S 1 400 400 0 -1 4194560 100', // cut short
    '500/stat': stat(500, 'half'), // cmdline, status and fd/ vanished after stat was read
    '600/cmdline': '/usr/bin/ghost\0',
  });
  symlinkSync(join(root, 'does-not-exist'), join(root, '200'));
  const collector = createProcfsCollector({ ...env(() => 1), procRoot: root });
  const reading = await collector.collect({ ...request, watchPids: new Set([100, 500]) });
  assert.equal(reading.status, 'ok');
  if (reading.status !== 'ok') return;
  const byPid = new Map(reading.value.processes!.map((p) => [p.pid, p]));
  assert.deepEqual([...byPid.keys()].sort(), [100, 500]);
  assert.equal(byPid.get(100)!.openFiles, 1);
  assert.equal(byPid.get(100)!.command, '/usr/bin/alive --serve');
  assert.equal(byPid.get(500)!.command, '', 'the command line is unknown, not invented');
  assert.equal(byPid.get(500)!.openFiles, null, 'open files unknown, not zero');
  assert.equal(byPid.get(500)!.cpuSeconds, 3);
});

const noProc = process.platform === 'linux' ? false : 'real /proc exists on Linux only';
if (noProc) console.log(`/proc churn fault skipped: ${noProc}`);

test(
  'real /proc under process churn: every scan completes, no process carries an impossible figure',
  { skip: noProc },
  async (t) => {
    const churn = spawn(
      process.execPath,
      [
        '-e',
        `const {spawn}=require('child_process');const end=Date.now()+2500;(function go(){if(Date.now()>end)return;for(let i=0;i<8;i++)spawn('true').on('error',()=>{});setTimeout(go,5)})()`,
      ],
      { stdio: 'ignore' },
    );
    t.after(() => churn.kill('SIGKILL'));
    const e = env(Date.now);
    const procfs = createProcfsCollector(e);
    const sockets = createSocketsCollector(e);
    const started = Date.now();
    let scans = 0;
    while (Date.now() - started < 2000) {
      const [p, s] = await Promise.all([procfs.collect(request), sockets.collect(request)]);
      assert.equal(p.status, 'ok', JSON.stringify(p).slice(0, 200));
      if (p.status === 'ok') {
        assert.ok(p.value.processes!.some((x) => x.pid === process.pid));
        for (const x of p.value.processes!) {
          assert.ok(Number.isFinite(x.cpuSeconds) && x.cpuSeconds >= 0, `pid ${x.pid} cpu ${x.cpuSeconds}`);
          assert.ok(x.rssBytes === null || x.rssBytes >= 0);
          assert.ok(x.openFiles === null || x.openFiles >= 0);
        }
      }
      assert.notEqual(s.status, 'error', JSON.stringify(s).slice(0, 200));
      scans++;
    }
    assert.ok(scans >= 3, `only ${scans} scans in 2 s`);
  },
);

test('the clock jumping forwards and backwards: gaps recorded, no negative energy, alerts neither fire nor clear across a gap', async (t) => {
  const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
  const clock = manualClock(T0);
  let watts = 8;
  const settings = memorySettings(
    stackSettings((s) => {
      s.sampling.idleAfterMinutes = 1;
      s.alerts.idleServiceCpu.enabled = false;
      s.alerts.idlePower = { enabled: true, warning: 5, critical: 50, windowSeconds: 60, basis: 'package' };
    }),
  );
  const stack = stackCollector(
    clock.now,
    () => ({ systemWatts: watts, pressure: 'nominal', requests: [] }),
    T0,
  );
  const { core, store, samples, events } = await openScriptedCore({
    collectors: [stack],
    now: clock.now,
    settings,
    dataDir: tempDir(t),
  });
  const tick = async (advanceMs = 5000) => {
    clock.advance(advanceMs);
    return timedTick(() => core.tickOnce());
  };
  const idlePower = () => events.filter((e) => e.rule === 'idle-power');

  await timedTick(() => core.tickOnce());
  while (clock.now() < T0 + 100_000) await tick(); // idle since +60 s: 40 s of a 60 s breach
  assert.deepEqual(idlePower(), []);
  const forward = await tick(2 * 3_600_000); // laptop asleep for two hours
  assert.equal(forward.gap, true);
  assert.equal(forward.energy.systemWattHours, null);
  assert.deepEqual(idlePower(), [], 'the run before the jump does not count');
  while (clock.now() < forward.at + 55_000) await tick();
  assert.deepEqual(idlePower(), [], '55 s after the jump: still within the window');
  await tick();
  await tick();
  assert.deepEqual(
    idlePower().map((e) => [e.kind, e.at - forward.at]),
    [['fired', 60_000]],
  );

  // Power drops and the clock steps back ten minutes: no clear on the jump, only after a full window.
  watts = 1;
  const backward = await tick(-10 * 60_000);
  assert.equal(backward.gap, true);
  assert.equal(backward.intervalMs < 0, true);
  assert.equal(backward.energy.systemWattHours, null);
  assert.equal(idlePower().length, 1, 'no clear across the jump');
  while (clock.now() < backward.at + 55_000) await tick();
  assert.equal(idlePower().length, 1);
  await tick();
  await tick();
  assert.deepEqual(
    idlePower().map((e) => e.kind),
    ['fired', 'cleared'],
  );
  assert.ok(idlePower()[1]!.at - backward.at >= 60_000);

  // Energy: exactly the trapezoids of the intervals without a gap.
  let expected = 0;
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    if (!b.gap)
      expected += (((a.power.systemWatts ?? 0) + (b.power.systemWatts ?? 0)) / 2) * ((b.at - a.at) / 3.6e6);
  }
  const integrated = samples.reduce((sum, s) => sum + (s.energy.systemWattHours ?? 0), 0);
  assert.ok(Math.abs(integrated - expected) < 1e-9, `${integrated} vs ${expected}`);

  // The store kept every sample, in time order, and the history marks the gaps.
  await store.flush();
  const stored: number[] = [];
  for await (const s of store.samples({ from: T0 - 1, to: clock.now() + 3_600_000 })) stored.push(s.at);
  assert.deepEqual(
    stored,
    samples.map((s) => s.at).sort((a, b) => a - b),
  );
  const history = await core.api.getHistory({ from: T0, to: clock.now() + 60_000, points: 5000 });
  assert.ok(history.some((p) => p.gap));
  const report = await core.api.getReport({ from: T0, to: T0 + 3 * 3_600_000 });
  const nonGapSeconds = samples
    .filter((s) => !s.gap && s.at > T0)
    .reduce((n, s) => n + s.intervalMs / 1000, 0);
  assert.ok(
    Math.abs(report.coveredSeconds - nonGapSeconds) < 1e-6,
    `${report.coveredSeconds} vs ${nonGapSeconds}`,
  );
  await core.close();
});

/** A local server that accepts connections and never answers (or answers headers, then stalls). */
async function hangingServer(t: { after(fn: () => Promise<void>): void }, sendHeaders: boolean) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    if (sendHeaders) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"models":[');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ps`;
}

for (const sendHeaders of [false, true]) {
  const title = sendHeaders
    ? 'an Ollama probe that hangs after its headers: labelled within ~1 s'
    : 'an Ollama probe that never answers: labelled within ~1 s, and the sampler keeps its cadence';
  test(title, async (t) => {
    const url = await hangingServer(t, sendHeaders);
    const probe = createOllamaCollector(env(Date.now), url);
    const started = performance.now();
    const reading = await probe.collect(request);
    const took = performance.now() - started;
    assert.ok(took >= 900 && took < 2000, `the probe returned after ${Math.round(took)} ms`);
    assert.equal(reading.status, 'error');
    if (reading.status === 'error')
      assert.match(reading.message, /ollama: .*(within 1000 ms|aborted|timeout)/i);
    if (sendHeaders) return; // the cadence check below needs one kind of hang only

    // Real timers, 300 ms interval: each tick waits for the probe (~1 s), then the next starts at once.
    const settings = stackSettings((s) => (s.sampling.intervalSeconds = 0.3));
    const t0 = Date.now();
    const sampler = new Sampler({
      collectors: [
        stackCollector(Date.now, () => ({ systemWatts: 6, pressure: 'nominal', requests: [] }), t0),
        { definition: { id: 'ollama', tier: 'fast', provides: ['ollama'] }, instance: probe },
      ],
      settings: () => settings,
      platform: 'linux',
    });
    const emitted: { sample: Sample; wall: number }[] = [];
    sampler.start((sample) => emitted.push({ sample, wall: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, 3500));
    sampler.stop();
    assert.ok(emitted.length >= 3, `${emitted.length} ticks in 3.5 s`);
    for (let i = 1; i < emitted.length; i++) {
      const spacing = emitted[i]!.wall - emitted[i - 1]!.wall;
      assert.ok(spacing < 1600, `tick ${i} came ${spacing} ms after the previous one`);
    }
    for (const { sample } of emitted) {
      assert.equal(sample.collectors.find((c) => c.id === 'ollama')!.status, 'error');
      assert.equal(sample.services.find((s) => s.id === 'ollama')!.models, null, 'no model figures invented');
      assert.equal(sample.power.systemWatts, 6, 'the other collectors are unaffected');
    }
  });
}
