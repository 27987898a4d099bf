import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absent, failed, ok } from '../../../main/contract/index.js';
import type { Connection, Observation } from '../../../main/collectors/types.js';
import { makeSampler, manualClock, proc, scripted, testSettings } from './scripted.js';

const listening = { listening: [{ port: 8000, pid: 100 }], connections: [] as Connection[] };

test('CPU % comes from deltas of cumulative CPU seconds over the measured elapsed time', async () => {
  const clock = manualClock();
  // pid 100 (api) uses 1 s of CPU per 2 s → 50 %; pid 200 (worker) 0.5 s per 2 s → 25 %.
  const c = scripted('procs', (i) => ({
    processes: [proc(100, 10 + i * 1), proc(200, 5 + i * 0.5, { name: 'worker' }), proc(300, 1 + i * 0.2)],
    sockets: listening,
  }));
  const sampler = makeSampler([c], clock);
  const first = await sampler.tick();
  assert.equal(first.services[0]!.cpuPercent, null, 'no rate on first sight');
  assert.equal(first.services[0]!.status, 'running');
  clock.advance(2000);
  const second = await sampler.tick();
  assert.equal(second.services.find((s) => s.id === 'api')!.cpuPercent, 50);
  assert.equal(second.services.find((s) => s.id === 'worker')!.cpuPercent, 25);
  assert.deepEqual(second.services.find((s) => s.id === 'api')!.ports, [8000]);
  assert.deepEqual(
    second.topProcesses.map((p) => [p.pid, Math.round(p.cpuPercent! * 1000) / 1000]),
    [[300, 10]],
  );
});

test('a restarted process (same pid, new start key) yields no rate that tick, never a negative one', async () => {
  const clock = manualClock();
  const c = scripted('procs', (i) => ({
    processes: [proc(100, i < 2 ? 50 + i : 0.1 + (i - 2) * 0.5, { startKey: i < 2 ? 'a' : 'b' })],
    sockets: listening,
  }));
  const sampler = makeSampler([c], clock);
  await sampler.tick();
  clock.advance(1000);
  assert.equal((await sampler.tick()).services[0]!.cpuPercent, 100);
  clock.advance(1000);
  assert.equal((await sampler.tick()).services[0]!.cpuPercent, null, 'restart: no rate');
  clock.advance(1000);
  assert.equal((await sampler.tick()).services[0]!.cpuPercent, 50);
});

test('a clock jump is recorded as a gap and nothing is integrated across it', async () => {
  const clock = manualClock();
  const c = scripted('power', (i) => ({
    power: { source: 'hwmon', systemWatts: 10 },
    processes: [proc(100, i)],
    sockets: listening,
  }));
  const sampler = makeSampler([c], clock);
  await sampler.tick();
  clock.advance(5000);
  const normal = await sampler.tick();
  assert.equal(normal.gap, false);
  assert.ok(Math.abs(normal.energy.systemWattHours! - (10 * 5) / 3600) < 1e-12);
  clock.advance(60 * 60_000); // laptop slept for an hour
  const afterSleep = await sampler.tick();
  assert.equal(afterSleep.gap, true);
  assert.equal(afterSleep.energy.systemWattHours, null);
  assert.equal(afterSleep.services[0]!.cpuPercent, null, 'no CPU rate across a gap');
  clock.advance(-30_000); // clock set backwards
  const backwards = await sampler.tick();
  assert.equal(backwards.gap, true);
  assert.equal(backwards.energy.systemWattHours, null);
  sampler.markGap('suspend');
  clock.advance(5000);
  assert.equal((await sampler.tick()).gap, true, 'a gap marked by the platform (suspend/resume)');
});

test('per-service estimated watts plus the rest reconcile with the system figure when it is measured', async () => {
  const clock = manualClock();
  const c = scripted('power', (i) => ({
    power: { source: 'rapl', packageWatts: 12, cpuWatts: 9 },
    battery: { source: 'power-supply', state: 'discharging', dischargeWatts: 20 },
    processes: [proc(100, i * 0.6), proc(200, i * 0.3, { name: 'worker' }), proc(300, i * 0.1)],
    sockets: listening,
  }));
  const sampler = makeSampler([c], clock);
  await sampler.tick();
  clock.advance(1000);
  const s = await sampler.tick();
  const api = s.services.find((x) => x.id === 'api')!.estimatedWatts!;
  const worker = s.services.find((x) => x.id === 'worker')!.estimatedWatts!;
  assert.ok(Math.abs(api - 9 * 0.6) < 1e-9, `api ${api}`);
  assert.ok(Math.abs(worker - 9 * 0.3) < 1e-9, `worker ${worker}`);
  assert.equal(s.sources['services.api.estimatedWatts']?.kind, 'estimated');
  assert.equal(s.power.systemWatts, 20, 'battery discharge, not the RAPL package, is the system figure');
  assert.equal(s.power.packageWatts, 12);
  assert.deepEqual(s.sources['power.systemWatts'], { source: 'power-supply-discharge', kind: 'measured' });
  assert.equal(s.attribution.basis, 'system');
  assert.ok(s.attribution.restWatts! >= 0);
  assert.ok(Math.abs(api + worker + s.attribution.restWatts! - 20) < 1e-9);
});

test('with only a package figure the estimates split the package, say so, and system stays unknown', async () => {
  const clock = manualClock();
  const c = scripted('power', (i) => ({
    power: { source: 'rapl', packageWatts: 12, cpuWatts: 9 },
    processes: [proc(100, i * 0.6), proc(200, i * 0.3, { name: 'worker' }), proc(300, i * 0.1)],
    sockets: listening,
  }));
  const sampler = makeSampler([c], clock);
  await sampler.tick();
  clock.advance(1000);
  const s = await sampler.tick();
  assert.equal(s.power.systemWatts, null, 'a package reading is never promoted to system');
  assert.match(s.absent['power.systemWatts']!, /whole-machine/);
  assert.equal(s.attribution.basis, 'package');
  const services = s.services.reduce((sum, x) => sum + (x.estimatedWatts ?? 0), 0);
  assert.ok(Math.abs(services + s.attribution.restWatts! - 12) < 1e-9);
  assert.equal(s.energy.systemWattHours, null);
});

test('activity comes from requests: a TIME_WAIT-only connection makes the service active; CPU does not', async () => {
  const clock = manualClock();
  const conns: Connection[][] = [
    [],
    [], // tick 1: busy CPU, no requests
    [{ localPort: 8000, remoteAddress: '127.0.0.1', remotePort: 50111, state: 'TIME_WAIT', pid: null }],
    [{ localPort: 8000, remoteAddress: '127.0.0.1', remotePort: 50111, state: 'TIME_WAIT', pid: null }],
  ];
  const c = scripted('procs', (i) => ({
    processes: [proc(100, i * 5)],
    sockets: { listening: [{ port: 8000, pid: 100 }], connections: conns[Math.min(i, 3)]! },
  }));
  const sampler = makeSampler([c], clock);
  await sampler.tick();
  clock.advance(5000);
  const busy = await sampler.tick();
  assert.equal(busy.services[0]!.cpuPercent, 100);
  assert.equal(busy.services[0]!.active, false, 'CPU never counts as activity');
  clock.advance(5000);
  const request = await sampler.tick();
  assert.equal(request.services[0]!.active, true);
  assert.equal(request.services[0]!.lastActiveAt, clock.now());
  assert.equal(request.services[0]!.connections, 0, 'a TIME_WAIT leftover is no open connection');
  assert.deepEqual(request.services[0]!.activity?.connectionsOpened, { user: 1, internal: 0 });
  clock.advance(5000);
  const same = await sampler.tick();
  assert.equal(same.services[0]!.active, false, 'the same endpoint is not a new request');
});

test('idle and active watt-hours split over a scripted day', async () => {
  const clock = manualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
  const settings = testSettings((s) => {
    s.sampling.idleAfterMinutes = 5;
    s.sampling.intervalSeconds = 60;
  });
  // 8 W all day; one request at 09:00 and one at 13:00 → active 09:00–09:05 and 13:00–13:05.
  const requestTimes = new Set([9 * 60, 13 * 60]);
  let minute = 0;
  const c = scripted('power', () => ({
    power: { source: 'ioreg-telemetry', systemWatts: 8 },
    processes: [proc(100, minute)],
    sockets: {
      listening: [{ port: 8000, pid: 100 }],
      connections: requestTimes.has(minute)
        ? [
            {
              localPort: 8000,
              remoteAddress: '10.0.0.2',
              remotePort: 40000 + minute,
              state: 'ESTABLISHED' as const,
              pid: 100,
            },
          ]
        : [],
    },
  }));
  const sampler = makeSampler([c], clock, settings);
  let idleWh = 0;
  let activeWh = 0;
  for (minute = 0; minute <= 24 * 60; minute++) {
    clock.set(Date.UTC(2026, 0, 1, 0, 0, 0) + minute * 60_000);
    const s = await sampler.tick();
    const wh = s.energy.systemWattHours ?? 0;
    if (s.idle.stackIdle) idleWh += wh;
    else activeWh += wh;
  }
  // Active intervals: the first 5 minutes after start (not yet idle) and 2 × 5 minutes after requests.
  // Each is labelled by its end tick: minutes 1–4, 9:00–9:04, 13:00–13:04 → 4 + 5 + 5 = 14 minutes.
  assert.ok(Math.abs(activeWh - (8 * 14) / 60) < 1e-9, `active ${activeWh}`);
  assert.ok(Math.abs(idleWh - 8 * 24 + (8 * 14) / 60) < 1e-9, `idle ${idleWh}`);
});

test('a failing, absent or throwing collector fails alone; its health is in the sample', async () => {
  const clock = manualClock();
  const good = scripted('procs', () => ({ processes: [proc(100, 1)], sockets: listening }));
  const missing = scripted('rapl', () => absent('permission', 'energy_uj is root-only'));
  const broken = scripted('hwmon', () => failed('garbage in temp1_input'));
  const thrower = scripted('bad', () => {
    throw new Error('boom');
  });
  const s = await makeSampler([good, missing, broken, thrower], clock).tick();
  assert.deepEqual(
    s.collectors.map((h) => [h.id, h.status]),
    [
      ['procs', 'ok'],
      ['rapl', 'absent'],
      ['hwmon', 'error'],
      ['bad', 'error'],
    ],
  );
  assert.equal(s.collectors[1]!.reason, 'permission: energy_uj is root-only');
  assert.match(s.collectors[3]!.reason!, /threw: boom/);
  assert.equal(s.power.systemWatts, null);
  assert.match(s.absent['power.systemWatts']!, /rapl: permission/);
  assert.equal(s.services[0]!.status, 'running');
});

test('slow-tier collectors run on the slow cadence and their last observation is reused between', async () => {
  const clock = manualClock();
  const fast = scripted('procs', (i) => ({ processes: [proc(100, i)] }));
  const slowSockets = scripted('lsof', () => ({ sockets: listening }) satisfies Observation, 'slow');
  const sampler = makeSampler([fast, slowSockets], clock);
  for (let i = 0; i < 7; i++) {
    await sampler.tick();
    clock.advance(5000);
  }
  assert.equal(fast.calls, 7);
  assert.equal(slowSockets.calls, 2, 'slow tier at 0 s and 30 s only');
});

test('a stopped service is reported stopped with no figures', async () => {
  const clock = manualClock();
  const c = scripted('procs', () => ({
    processes: [proc(300, 1)],
    sockets: { listening: [], connections: [] },
  }));
  const s = await makeSampler([c], clock).tick();
  assert.deepEqual(
    s.services.map((x) => [x.id, x.status, x.cpuPercent, x.rssBytes, x.estimatedWatts]),
    [
      ['api', 'stopped', null, null, null],
      ['worker', 'stopped', null, null, null],
    ],
  );
});

test('a tick without a socket reading keeps the request baseline: open connections are not new requests after it', async () => {
  const clock = manualClock();
  const keepAlive: Connection = {
    localPort: 8000,
    remoteAddress: '127.0.0.1',
    remotePort: 50200,
    state: 'ESTABLISHED',
    pid: 100,
  };
  const procs = scripted('procs', (i) => ({ processes: [proc(100, i)] }));
  const sockets = scripted('sockets', (i) =>
    i === 1
      ? failed('netstat timed out')
      : { sockets: { listening: [{ port: 8000, pid: 100 }], connections: [keepAlive] } },
  );
  const sampler = makeSampler([procs, sockets], clock);
  await sampler.tick();
  clock.advance(5000);
  const failedTick = await sampler.tick();
  assert.equal(failedTick.services[0]!.active, false);
  assert.equal(failedTick.services[0]!.connections, null, 'no socket reading: count unknown, not 0');
  clock.advance(5000);
  const after = await sampler.tick();
  assert.equal(after.services[0]!.active, false, 'the same keep-alive connection is not a request');
  assert.equal(after.services[0]!.lastActiveAt, null);
  assert.equal(after.services[0]!.connections, 1);
});

/** A collector whose every collect waits until the test releases it; counts overlapping collects. */
function gated() {
  const pending: (() => void)[] = [];
  const state = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const collector = {
    definition: { id: 'gated', tier: 'fast' as const },
    instance: {
      collect: async () => {
        state.calls++;
        state.inFlight++;
        state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
        await new Promise<void>((resolve) => pending.push(resolve));
        state.inFlight--;
        return ok({ processes: [proc(100, state.calls)] } satisfies Observation, 0);
      },
    },
  };
  const release = () => pending.splice(0).forEach((resolve) => resolve());
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { collector, state, release, settle };
}

test('a UI starting to watch during a tick does not start a second, overlapping tick', async () => {
  const { collector, state, release, settle } = gated();
  const settings = testSettings((s) => {
    s.sampling.intervalSeconds = 3600;
    s.sampling.processIntervalSeconds = 3600;
  });
  const sampler = makeSampler([collector], manualClock(), settings);
  const samples: number[] = [];
  sampler.start((s) => samples.push(s.at));
  await settle();
  assert.equal(state.calls, 1, 'the first tick is in flight');
  sampler.setWatched(true);
  await settle();
  release();
  await settle();
  sampler.stop();
  release();
  assert.equal(state.maxInFlight, 1, 'never two collects at once');
  assert.equal(samples.length, 1);
});

test('a tick still in flight when the sampler stops is not emitted', async () => {
  const { collector, state, release, settle } = gated();
  const sampler = makeSampler([collector], manualClock());
  const samples: number[] = [];
  sampler.start((s) => samples.push(s.at));
  await settle();
  assert.equal(state.calls, 1);
  sampler.stop();
  release();
  await settle();
  assert.deepEqual(samples, [], 'consumers may be closed once stop() returned');
  assert.equal(state.calls, 1, 'and no further tick is scheduled');
});

test('a tick without a process reading keeps services running with unknown figures, and the CPU baseline', async () => {
  const clock = manualClock();
  const c = scripted('procs', (i) =>
    i === 1
      ? failed('procfs: EIO reading /proc')
      : {
          processes: [proc(100, i * 0.5)],
          sockets: { listening: [{ port: 8000, pid: 100 }], connections: [] },
        },
  );
  const sampler = makeSampler([c], clock);
  await sampler.tick();
  clock.advance(1000);
  const blind = await sampler.tick();
  const api = blind.services.find((s) => s.id === 'api')!;
  assert.equal(api.status, 'running', 'one failed reading does not stop a service');
  assert.deepEqual(api.pids, [100]);
  assert.equal(api.cpuPercent, null);
  assert.equal(api.rssBytes, null);
  assert.match(blind.absent.processes!, /procs: procfs: EIO/);
  clock.advance(1000);
  const back = await sampler.tick();
  assert.equal(back.services.find((s) => s.id === 'api')!.cpuPercent, 50, 'rate over both intervals');
});

test('the platform thermal state fills in pressure only where no collector reports it', async () => {
  const clock = manualClock();
  let withPressure = false;
  const c = scripted('thermal', () => ({
    processes: [proc(100, 1)],
    ...(withPressure ? { thermal: { source: 'powermetrics', pressure: 'nominal' as const } } : {}),
  }));
  const sampler = makeSampler([c], clock);
  sampler.setPlatformThermalPressure('serious');
  const fromPlatform = await sampler.tick();
  assert.equal(fromPlatform.thermal.pressure, 'serious');
  assert.deepEqual(fromPlatform.sources['thermal.pressure'], { source: 'platform', kind: 'measured' });
  assert.equal(fromPlatform.absent['thermal.pressure'], undefined);
  withPressure = true;
  clock.advance(5000);
  const measured = await sampler.tick();
  assert.equal(measured.thermal.pressure, 'nominal', 'a collector that measures it wins');
  assert.equal(measured.sources['thermal.pressure']!.source, 'powermetrics');
});

test('a stack whose services only poll each other stays idle; a user’s request wakes it; Ollama counts inferences; launchers are part of a service', async () => {
  const clock = manualClock();
  const settings = testSettings((s) => {
    s.sampling.idleAfterMinutes = 0.1;
    s.services = [
      { id: 'next', name: 'Next.js', ports: [3000], processNames: [] },
      { id: 'console', name: 'Management Console', ports: [8766], processNames: [] },
      { id: 'ollama', name: 'Ollama', ports: [11434], processNames: [], probe: 'ollama' },
    ];
  });
  const session = { sid: 80 };
  const processes = [
    proc(80, 0, { name: 'bash', pgid: 80, ...session, rssBytes: 5e6 }),
    proc(90, 0, { name: 'node', command: 'node next dev', ppid: 80, pgid: 90, ...session, rssBytes: 63.5e6 }),
    proc(100, 0, { name: 'next-server', ppid: 90, pgid: 90, ...session, rssBytes: 256e6 }),
    proc(200, 0, { name: 'python3', ppid: 80, pgid: 200, ...session }),
    proc(300, 0, { name: 'ollama', pgid: 300, sid: 300 }),
  ];
  const poll = (bytes: number): Connection[] => [
    {
      localAddress: '127.0.0.1',
      localPort: 3000,
      remoteAddress: '127.0.0.1',
      remotePort: 41000,
      state: 'ESTABLISHED',
      pid: 100,
      bytesReceived: bytes,
      bytesSent: bytes * 10,
    },
    {
      localAddress: '127.0.0.1',
      localPort: 41000,
      remoteAddress: '127.0.0.1',
      remotePort: 3000,
      state: 'ESTABLISHED',
      pid: 200,
      bytesReceived: bytes * 10,
      bytesSent: bytes,
    },
  ];
  const curl: Connection = {
    localAddress: '127.0.0.1',
    localPort: 42000,
    remoteAddress: '127.0.0.1',
    remotePort: 3000,
    state: 'TIME_WAIT',
    pid: null,
  };
  const ticks: { connections: Connection[]; expiresAt: number }[] = [
    { connections: [], expiresAt: 1000 },
    { connections: poll(100), expiresAt: 1000 },
    { connections: poll(200), expiresAt: 1000 },
    { connections: [...poll(300), curl], expiresAt: 60_000 },
  ];
  const c = scripted('stack', (i) => {
    const tick = ticks[Math.min(i, ticks.length - 1)]!;
    return {
      processes,
      sockets: {
        source: 'sock-diag',
        listening: [
          { port: 3000, pid: 100 },
          { port: 8766, pid: 200 },
          { port: 11434, pid: 300 },
        ],
        connections: tick.connections,
      },
      ollama: [{ name: 'llama3', sizeBytes: 1, sizeVramBytes: 0, expiresAt: tick.expiresAt }],
    };
  });
  const sampler = makeSampler([c], clock, settings);
  const byId = (s: Awaited<ReturnType<typeof sampler.tick>>, id: string) =>
    s.services.find((x) => x.id === id)!;
  const first = await sampler.tick();
  const next = byId(first, 'next');
  assert.deepEqual(
    [...next.pids].sort((a, b) => a - b),
    [90, 100],
    'next dev launched next-server; the shell is not part of it',
  );
  assert.equal(next.rssBytes, 63.5e6 + 256e6);
  clock.advance(5000);
  await sampler.tick();
  clock.advance(5000);
  const polled = await sampler.tick();
  assert.equal(polled.idle.stackIdle, true, 'the console polling Next.js keeps nothing awake');
  assert.equal(polled.idle.lastActivityAt, null);
  assert.equal(byId(polled, 'next').active, false);
  assert.deepEqual(byId(polled, 'next').activity!.requestCount5m, { user: 0, internal: 2 });
  assert.equal(byId(polled, 'next').activity!.bytesIn, 100);
  assert.deepEqual(
    byId(polled, 'next').activity!.internalClients.map((x) => [x.name, x.requests5m, x.everySeconds]),
    [['Management Console', 2, 5]],
  );
  assert.equal(byId(polled, 'ollama').activity!.inferenceCount5m, 0);
  clock.advance(5000);
  const used = await sampler.tick();
  assert.equal(used.idle.stackIdle, false, 'a user’s request wakes the stack');
  assert.equal(used.idle.lastActivityAt, clock.now());
  assert.equal(byId(used, 'next').lastActiveAt, byId(used, 'next').activity!.lastUserRequestAt);
  assert.deepEqual(byId(used, 'next').activity!.requestCount5m, { user: 1, internal: 3 });
  assert.equal(byId(used, 'ollama').activity!.inferenceCount5m, 1, 'the model’s expiry moved forward');
  assert.equal(byId(used, 'next').activity!.inferenceCount5m, null, 'only Ollama has inferences');
  assert.equal(used.sources['services.activity.requestCount5m']?.kind, 'estimated');
});
