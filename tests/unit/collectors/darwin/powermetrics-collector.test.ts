import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ElevationResult, Elevator } from '../../../../main/collectors/darwin/elevator.js';
import {
  ElevatedPowermetricsFeed,
  helperStopReason,
  startEpochOf,
} from '../../../../main/collectors/darwin/powermetrics-feed.js';
import { createPowermetricsCollector, elevatorFor } from '../../../../main/collectors/darwin/powermetrics.js';
import { nonInteractiveElevator, osascriptElevator } from '../../../../main/collectors/darwin/elevator.js';
import { buildElevationCommand } from '../../../../main/collectors/darwin/elevation.js';
import { APP_START_SHELL, ELEVATION_SCRIPT } from '../../../../main/collectors/darwin/elevation-script.js';
import { runCommand } from '../../../../main/collectors/exec.js';
import type { CollectorEnv, CollectRequest } from '../../../../main/collectors/types.js';
import { FIXTURES, tempDir } from '../../../helpers.js';

const request: CollectRequest = { slow: false, watchPids: new Set(), servicePorts: new Set() };
const M4MAX = readFileSync(
  join(FIXTURES, 'powermetrics', 'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist'),
);
const GPU_MULTI = readFileSync(
  join(FIXTURES, 'powermetrics', 'm4pro-mac16_8-macos15_5-plist-gpu_power_multiple_samples.xml'),
);

function env(now = () => Date.now()): CollectorEnv {
  return { sysRoot: '/', procRoot: '/proc', exec: runCommand, now, fetch: globalThis.fetch };
}

/** A feed that hands over whatever the test pushes. */
function manualFeed() {
  let sink: ((chunk: Buffer | string) => void) | null = null;
  return {
    push: (bytes: Buffer | string) => sink?.(bytes),
    feed: {
      start: (s: (chunk: Buffer | string) => void) => {
        sink = s;
      },
      poll: () => undefined,
      status: () => ({ state: 'running' as const }),
      requestPermission: async () => ({ state: 'running' as const }),
      close: async () => undefined,
    },
  };
}

test('a sample maps to power, thermal and tasks (DEAD_TASKS left out); nothing new soon after repeats, then goes absent', async () => {
  let now = 1_000_000;
  const manual = manualFeed();
  const collector = createPowermetricsCollector(
    env(() => now),
    { feed: manual.feed, intervalMs: 1000 },
  );
  const warming = await collector.collect(request);
  assert.equal(warming.status, 'absent');
  manual.push(Buffer.concat([M4MAX, Buffer.from([0])]));
  const reading = await collector.collect(request);
  assert.equal(reading.status, 'ok');
  if (reading.status !== 'ok') return;
  assert.deepEqual(reading.value.power, {
    source: 'powermetrics',
    cpuWatts: 2.978,
    gpuWatts: 0.27,
    aneWatts: 0,
    packageWatts: 3.248,
  });
  assert.deepEqual(reading.value.thermal, {
    source: 'powermetrics',
    pressure: 'nominal',
    osLevel: 'nominal',
  });
  assert.equal(reading.value.tasks!.length, 104);
  assert.ok(reading.value.tasks!.every((t) => t.pid >= 0));
  assert.deepEqual(
    reading.value.tasks!.find((t) => t.pid === 409),
    { pid: 409, name: 'WindowServer', cpuMsPerSecond: 81.7725 },
  );
  now += 2000;
  const repeated = await collector.collect(request);
  assert.equal(repeated.status, 'ok', 'within two intervals the last sample stands');
  now += 10_000;
  const stale = await collector.collect(request);
  assert.equal(stale.status, 'absent');
  if (stale.status === 'absent') assert.equal(stale.reason, 'no-data');
});

test('several samples between ticks are averaged by elapsed time', async () => {
  const manual = manualFeed();
  const collector = createPowermetricsCollector(env(), { feed: manual.feed });
  await collector.collect(request);
  manual.push(Buffer.concat([GPU_MULTI, Buffer.from([0])]));
  const reading = await collector.collect(request);
  assert.equal(reading.status, 'ok');
  if (reading.status !== 'ok') return;
  // gpu_energy 9+107+786+147+127 mJ over 25.05 s (all five samples, ~5 s each)
  const elapsed = 5.004758375 + 5.014447083 + 5.010073541 + 5.014230916 + 5.0091785;
  const expected = [0.004, 0.021, 0.157, 0.029, 0.025];
  const durations = [5.004758375, 5.014447083, 5.010073541, 5.014230916, 5.0091785];
  const mean = expected.reduce((sum, w, i) => sum + w * durations[i]!, 0) / elapsed;
  assert.equal(reading.value.power!.gpuWatts, Math.round(mean * 1000) / 1000);
});

function standInPowermetrics(dir: string): string {
  const path = join(dir, 'fake-powermetrics');
  const doc = join(
    FIXTURES,
    'powermetrics',
    'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist',
  );
  writeFileSync(path, `#!/bin/sh\nwhile :; do cat '${doc}'; printf '\\000'; sleep 0.3; done\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Runs the helper command unelevated: what osascript would do after the user said yes. */
const runUnelevated: Elevator = (command) =>
  new Promise<ElevationResult>((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (code) => resolve({ outcome: 'exited', code, stdout: stdout.trim() }));
  });

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0;
if (!hasMkfifo) console.log('elevated feed test skipped: mkfifo is not available on this machine');

test(
  'the elevated feed reads the FIFO the helper made in its own run directory; after close() the helper ends and removes it',
  { skip: hasMkfifo ? false : 'mkfifo is not available on this machine', timeout: 30_000 },
  async (t) => {
    const root = tempDir(t);
    let prompts = 0;
    let helperPid: number | null = null;
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async (command) => {
        prompts++;
        const result = await runUnelevated(command);
        if (result.outcome === 'exited') helperPid = Number(result.stdout);
        return result;
      },
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power', 'gpu_power', 'thermal', 'tasks'],
      processDetail: false,
      runParent: root,
      powermetricsPath: standInPowermetrics(tempDir(t)),
    });
    t.after(() => {
      if (helperPid && alive(helperPid)) process.kill(helperPid, 'SIGKILL');
    });
    const collector = createPowermetricsCollector(env(), { feed });
    let reading = await collector.collect(request);
    for (let i = 0; i < 100 && reading.status !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      reading = await collector.collect(request);
    }
    assert.equal(reading.status, 'ok');
    assert.equal(feed.status().state, 'running');
    if (reading.status === 'ok') {
      assert.deepEqual(
        reading.value.powermetricsHelper,
        { parentPid: helperPid },
        'the loop that runs powermetrics',
      );
    }
    const [dir] = readdirSync(root).filter((n) => n.startsWith('idlewatt-pm-'));
    assert.ok(dir);
    assert.ok(helperPid && alive(helperPid), 'the helper runs detached; the prompt has returned');
    await collector.close!();
    const closedAt = Date.now();
    while (existsSync(join(root, dir)) && Date.now() - closedAt < 15_000)
      await new Promise((r) => setTimeout(r, 100));
    assert.equal(existsSync(join(root, dir)), false, 'the helper removed its run directory');
    while (alive(helperPid!) && Date.now() - closedAt < 15_000) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(helperPid!), false, 'with no reader left the helper ended');
    assert.equal(prompts, 1);
  },
);

/** Running and not a zombie (an orphan may wait a moment to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return process.platform !== 'linux';
  }
}

const fifoSkip = hasMkfifo ? false : 'mkfifo is not available on this machine';

test(
  'a cancelled prompt reports permission, never re-prompts on its own, and requestPermission asks once',
  { skip: fifoSkip },
  async (t) => {
    const root = tempDir(t);
    let prompts = 0;
    const answers: ElevationResult[] = [{ outcome: 'denied' }, { outcome: 'denied' }];
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async () => {
        prompts++;
        return answers.shift() ?? { outcome: 'denied' };
      },
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power'],
      processDetail: false,
      runParent: root,
    });
    const collector = createPowermetricsCollector(env(), { feed });
    await collector.collect(request);
    await waitFor(() => feed.status().state === 'denied');
    for (let i = 0; i < 5; i++) {
      const reading = await collector.collect(request);
      assert.equal(reading.status, 'absent');
      if (reading.status === 'absent') assert.equal(reading.reason, 'permission');
    }
    assert.equal(prompts, 1, 'ticks never prompt again');
    // Two clicks while the prompt is up: both wait for its answer, which the retry reports.
    const retried = await Promise.all([collector.requestPermission(), collector.requestPermission()]);
    assert.deepEqual(retried, [{ state: 'denied' }, { state: 'denied' }]);
    assert.equal(prompts, 2, 'one retry, one prompt');
    assert.deepEqual(readdirSync(root), [], 'nothing left behind');
    await collector.close!();
  },
);

test(
  'a helper that exits with a reason is an error reading with that reason',
  { skip: fifoSkip },
  async (t) => {
    const root = tempDir(t);
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async () => ({ outcome: 'exited', code: 69 }),
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power'],
      processDetail: false,
      runParent: root,
    });
    const collector = createPowermetricsCollector(env(), { feed });
    await collector.collect(request);
    await waitFor(() => feed.status().state === 'failed');
    const reading = await collector.collect(request);
    assert.equal(reading.status, 'error');
    if (reading.status === 'error') assert.match(reading.message, /powermetrics is not installed/);
    assert.deepEqual(readdirSync(root), []);
    await collector.close!();
  },
);

test('a helper that could not make its run directory safely is an error reading with the reason', async (t) => {
  const feed = new ElevatedPowermetricsFeed({
    exec: runCommand,
    elevate: async () => ({ outcome: 'exited', code: 73 }),
    appPid: process.pid,
    intervalMs: 1000,
    samplers: async () => ['cpu_power'],
    processDetail: false,
    runParent: tempDir(t),
  });
  const collector = createPowermetricsCollector(env(), { feed });
  await collector.collect(request);
  await waitFor(() => feed.status().state === 'failed');
  const reading = await collector.collect(request);
  assert.equal(reading.status, 'error');
  if (reading.status === 'error') assert.match(reading.message, /run directory and FIFO safely/);
  await collector.close!();
});

test('with deferred elevation the first ticks do not prompt; requestPermission asks once and waits for the answer', async () => {
  let started = 0;
  let state: 'idle' | 'starting' | 'running' = 'idle';
  let sink: ((chunk: Buffer | string) => void) | null = null;
  const feed = {
    start: (s: (chunk: Buffer | string) => void) => {
      started++;
      sink = s;
      state = 'starting';
      setTimeout(() => (state = 'running'), 300); // the person types the password
    },
    poll: () => undefined,
    status: () => ({ state }),
    requestPermission: async () => ({ state }),
    close: async () => undefined,
  };
  const collector = createPowermetricsCollector({ ...env(), deferElevation: true }, { feed });
  for (let i = 0; i < 3; i++) {
    const reading = await collector.collect(request);
    assert.equal(reading.status, 'absent');
    if (reading.status === 'absent') assert.equal(reading.reason, 'permission');
  }
  assert.equal(started, 0, 'no prompt before the explanation');
  const answer = await collector.requestPermission();
  assert.equal(answer.state, 'running');
  assert.equal(started, 1);
  sink!(Buffer.concat([M4MAX, Buffer.from([0])]));
  const reading = await collector.collect(request);
  assert.equal(reading.status, 'ok');
});

test('a retry after a cancelled prompt waits for the new answer instead of returning "starting"', async () => {
  let state: 'starting' | 'running' | 'denied' = 'denied';
  let asked = 0;
  const feed = {
    start: () => undefined,
    poll: () => undefined,
    status: () => ({ state }),
    requestPermission: async () => {
      asked++;
      state = 'starting';
      setTimeout(() => (state = 'running'), 300); // the person types the password this time
      return { state };
    },
    close: async () => undefined,
  };
  const collector = createPowermetricsCollector(env(), { feed });
  await collector.collect(request);
  assert.equal(collector.feedState().state, 'denied', 'the first prompt was cancelled');
  const answer = await collector.requestPermission();
  assert.equal(answer.state, 'running');
  assert.equal(asked, 1);
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('monitor --once never prompts: the non-interactive elevator, and a refusal says the run never asks', async (t) => {
  assert.equal(elevatorFor({ elevation: 'non-interactive' }), nonInteractiveElevator);
  assert.equal(elevatorFor({}), osascriptElevator);
  const feed = new ElevatedPowermetricsFeed({
    exec: runCommand,
    elevate: async () => ({ outcome: 'denied' }),
    appPid: process.pid,
    intervalMs: 1000,
    samplers: async () => ['cpu_power'],
    processDetail: false,
    runParent: tempDir(t),
  });
  const collector = createPowermetricsCollector({ ...env(), elevation: 'non-interactive' }, { feed });
  await collector.collect(request);
  await waitFor(() => feed.status().state === 'denied');
  const reading = await collector.collect(request);
  assert.equal(reading.status, 'absent');
  if (reading.status === 'absent') assert.match(reading.detail!, /never asks/);
  await collector.close?.();
});

test('powermetrics samples at the power tick (-i) and asks only for what is used', async () => {
  const built = buildElevationCommand({
    appPid: 4242,
    appUid: 501,
    runDir: '/var/run/idlewatt-pm-AbCdEfGh12345678',
    intervalMs: 5000,
    samplers: ['cpu_power', 'gpu_power', 'thermal', 'tasks'],
    processDetail: true,
  });
  assert.ok(built.ok);
  if (built.ok) assert.equal(built.args[3], '5000', 'the interval argument');
  assert.match(ELEVATION_SCRIPT, /-i "\$interval_ms" --show-process-gpu >&3/);
  assert.doesNotMatch(ELEVATION_SCRIPT, /show-process-energy/, 'energy impact is not used');
  const collector = createPowermetricsCollector(
    { ...env(), powerIntervalMs: 5000 },
    { feed: manualFeed().feed },
  );
  assert.ok(collector);
});

test(
  'powermetrics that keeps failing at start: after three quick exits the helper stops, and the reading says its first stderr line',
  { skip: fifoSkip, timeout: 40_000 },
  async (t) => {
    const root = tempDir(t);
    const failing = join(tempDir(t), 'failing-powermetrics');
    writeFileSync(failing, `#!/bin/sh\necho "powermetrics: unrecognized sampler: $2" >&2\nexit 1\n`);
    chmodSync(failing, 0o755);
    let helperPid: number | null = null;
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async (command) => {
        const result = await runUnelevated(command);
        if (result.outcome === 'exited') helperPid = Number(result.stdout);
        return result;
      },
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power'],
      processDetail: false,
      runParent: root,
      powermetricsPath: failing,
      helperCheckMs: 200,
    });
    t.after(() => {
      if (helperPid && alive(helperPid)) process.kill(helperPid, 'SIGKILL');
    });
    const collector = createPowermetricsCollector(env(), { feed });
    const first = await collector.collect(request);
    assert.equal(first.status, 'absent', 'warming up while powermetrics starts');
    await waitFor(() => feed.status().state === 'failed', 30_000);
    const reading = await collector.collect(request);
    assert.equal(reading.status, 'error');
    if (reading.status === 'error') {
      assert.equal(
        reading.message,
        'powermetrics: unrecognized sampler: cpu_power (stopped after 3 quick exits)',
      );
    }
    const [dir] = readdirSync(root);
    await waitFor(() => dir === undefined || !existsSync(join(root, dir)), 20_000);
    assert.deepEqual(readdirSync(root), [], 'the helper removed its run directory after giving up');
    await collector.close!();
  },
);

test('the stop reason is the first line powermetrics printed, else the helper’s own line', () => {
  assert.equal(
    helperStopReason(
      'powermetrics: unrecognized sampler: smc\nusage: …\nidlewatt-helper: powermetrics exited 3 times within 10 s of starting (status 1)\n',
    ),
    'unrecognized sampler: smc (stopped after 3 quick exits)',
  );
  assert.equal(
    helperStopReason('idlewatt-helper: powermetrics exited 3 times within 10 s of starting (status 139)\n'),
    'exited 3 times within 10 s of starting (status 139); stopped after 3 quick exits',
  );
  assert.equal(helperStopReason(''), 'the powermetrics helper stopped');
  assert.equal(helperStopReason('\n  kernel said no\n'), 'the powermetrics helper stopped: kernel said no');
});

test(
  "the helper's watchdog reads a start time from ps etime in every layout, and refuses a pid whose process started at another time",
  { skip: fifoSkip, timeout: 30_000 },
  async (t) => {
    const bin = tempDir(t);
    const fakePs = join(bin, 'ps');
    const startedAt = (etime: string, appStart: number) => {
      writeFileSync(fakePs, `#!/bin/sh\nprintf '%s\\n' '${etime}'\n`);
      chmodSync(fakePs, 0o755);
      const script = `app_pid=${process.pid}; app_start=${appStart}\n${APP_START_SHELL}\ns=$(started_at) || s=none; echo "$s"; echo "now $(date +%s)"; app_is_ours && echo ours || echo other`;
      const out = spawnSync('/bin/sh', ['-c', script], {
        env: { PATH: `${bin}:/usr/bin:/bin` },
        encoding: 'utf8',
      });
      const [start, now, verdict] = out.stdout.trim().split('\n');
      return { elapsed: Number(now!.slice(4)) - Number(start), verdict, raw: out.stdout };
    };
    assert.equal(startedAt('1-02:03:04', 0).elapsed, 93784);
    assert.equal(startedAt('   05:07', 0).elapsed, 307);
    assert.equal(startedAt('08:09:00', 0).elapsed, 8 * 3600 + 9 * 60);
    assert.equal(startedAt('00:00', 0).verdict, 'ours', 'start unknown (0): the pid alone decides');
    const now = Math.floor(Date.now() / 1000);
    assert.equal(startedAt('01:40', now - 100).verdict, 'ours');
    assert.equal(startedAt('01:40', now - 1000).verdict, 'other', 'the pid now belongs to a later process');
    assert.equal(startedAt('soon', now).verdict, 'other', 'an unreadable start is not the app');

    // The real helper, with the real ps: a start time that is not this process's starts nothing.
    const root = tempDir(t);
    const built = buildElevationCommand({
      appPid: process.pid,
      appUid: process.getuid!(),
      runDir: join(root, 'idlewatt-pm-AbCdEfGh12345678'),
      intervalMs: 1000,
      samplers: ['cpu_power'],
      processDetail: false,
      powermetricsPath: standInPowermetrics(tempDir(t)),
      appStartEpoch: now - 5000,
    });
    assert.ok(built.ok);
    if (!built.ok) return;
    const result = await runUnelevated(built.command);
    assert.deepEqual(result, { outcome: 'exited', code: 0, stdout: '' }, 'no helper started');
    assert.deepEqual(readdirSync(root), [], 'no run directory made');
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: runUnelevated,
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power'],
      processDetail: false,
      runParent: root,
      powermetricsPath: standInPowermetrics(tempDir(t)),
      appStartEpoch: async () => now - 5000,
    });
    feed.start(() => undefined);
    await waitFor(() => feed.status().state === 'failed');
    assert.deepEqual(feed.status(), {
      state: 'failed',
      message: 'the powermetrics helper did not start: it did not recognise this app’s process',
    });
    const ours = await startEpochOf({ exec: runCommand, appPid: process.pid });
    const expected = Math.floor(Date.now() / 1000 - process.uptime());
    assert.ok(Math.abs(ours - expected) <= 2, `start from ps etime ${ours} vs ${expected}`);
  },
);
