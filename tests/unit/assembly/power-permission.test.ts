import assert from 'node:assert/strict';
import { test } from 'node:test';
import { helperStopReason, type FeedState } from '../../../main/collectors/darwin/powermetrics-feed.js';
import type { RaplCounterSource } from '../../../main/collectors/linux/rapl.js';
import { createPowerPermission } from '../../../main/assembly/power-permission.js';
import type { SamplerCollector } from '../../../main/sampler/sampler.js';
import { makeSample } from '../store/sample-factory.js';

function raplCollector() {
  const used: unknown[] = [];
  const collector: SamplerCollector = {
    definition: { id: 'rapl', tier: 'fast' },
    instance: {
      collect: async () => ({ status: 'absent', reason: 'permission' }),
      useCounterSource: (source: unknown) => used.push(source),
    } as SamplerCollector['instance'],
  };
  return { collector, used };
}

const rootOnly = makeSample({
  collectors: [{ id: 'rapl', status: 'absent', reason: 'permission: energy_uj is root-only', durationMs: 1 }],
});

test('Linux: root-only RAPL counters need permission; a granted ask switches the collector to the root loop', async () => {
  const { collector, used } = raplCollector();
  const stand = {
    read: async () => ({ status: 'absent' as const, reason: 'warming-up' as const }),
  } as unknown as RaplCounterSource;
  let asks = 0;
  let stopped = 0;
  const power = createPowerPermission({
    collectors: [collector],
    latest: () => rootOnly,
    replaying: false,
    startRapl: async () => {
      asks++;
      return { ok: true, value: { source: stand as never, stop: async () => void stopped++ } };
    },
  });
  assert.deepEqual(
    { state: power.permission().state, canRequest: power.permission().canRequest },
    { state: 'needed', canRequest: true },
  );
  const granted = await power.request();
  assert.equal(granted.state, 'granted');
  assert.equal(granted.canRequest, false);
  assert.deepEqual(used, [stand]);
  await power.request();
  assert.equal(asks, 1, 'once granted, never asked again');
  await power.close();
  assert.equal(stopped, 1, 'the root loop ends with the app');
});

test('Linux: a refused password is reported and may be retried once more by the user, never by itself', async () => {
  const { collector, used } = raplCollector();
  let asks = 0;
  const power = createPowerPermission({
    collectors: [collector],
    latest: () => rootOnly,
    replaying: false,
    startRapl: async () => {
      asks++;
      return { ok: false, error: 'the password prompt was dismissed' };
    },
  });
  const denied = await power.request();
  assert.equal(denied.state, 'denied');
  assert.match(denied.message, /dismissed/);
  assert.equal(denied.canRequest, true);
  assert.equal(power.permission().state, 'denied', 'reading the state does not ask');
  assert.equal(asks, 1);
  assert.deepEqual(used, []);
});

test('readable counters, no elevated collector, or a replay need nothing', async () => {
  const { collector } = raplCollector();
  const readable = createPowerPermission({
    collectors: [collector],
    latest: () => makeSample(),
    replaying: false,
  });
  assert.equal(readable.permission().state, 'not-needed');
  assert.equal(readable.permission().canRequest, false);
  const replay = createPowerPermission({ collectors: [collector], latest: () => rootOnly, replaying: true });
  assert.equal((await replay.request()).state, 'not-needed');
  const none = createPowerPermission({ collectors: [], latest: () => rootOnly, replaying: false });
  assert.equal(none.permission().state, 'not-needed');
});

test('a machine with no power sensor is told so, not that it needs no administrator access', () => {
  const { collector } = raplCollector();
  const bare = makeSample();
  bare.power = { ...bare.power, systemWatts: null, packageWatts: null, cpuWatts: null };
  bare.absent['power.systemWatts'] =
    'rapl: not-present: no powercap interface; battery: not-present: no battery';
  const power = createPowerPermission({ collectors: [collector], latest: () => bare, replaying: false });
  const state = power.permission();
  assert.equal(state.state, 'unsupported');
  assert.match(state.message, /no power sensor/);
  assert.doesNotMatch(state.message, /administrator/);
  assert.equal(state.canRequest, false);
});

test('Linux: a password granted after close() (quit during the prompt) ends the root loop at once', async () => {
  const { collector, used } = raplCollector();
  let grant: () => void = () => {};
  let stopped = 0;
  const power = createPowerPermission({
    collectors: [collector],
    latest: () => rootOnly,
    replaying: false,
    startRapl: () =>
      new Promise((resolve) => {
        grant = () => resolve({ ok: true, value: { source: {} as never, stop: async () => void stopped++ } });
      }),
  });
  const asking = power.request();
  assert.equal(power.permission().canRequest, false, 'asking');
  await power.close();
  grant();
  await asking;
  assert.equal(stopped, 1, 'no root loop outlives close()');
  assert.deepEqual(used, [], 'the closed collector is not switched to it');
});

test('macOS: powermetrics that kept failing at start shows its first error line and can be retried', () => {
  const collector = {
    definition: { id: 'darwin-powermetrics', tier: 'fast' },
    instance: {
      collect: async () => ({ status: 'error', message: 'x' }),
      feedState: () => ({
        state: 'failed',
        message: helperStopReason(
          'powermetrics: unrecognized sampler: smc\nidlewatt-helper: powermetrics exited 3 times within 10 s of starting (status 1)\n',
        ),
      }),
    } as unknown as SamplerCollector['instance'],
  } as SamplerCollector;
  const power = createPowerPermission({ collectors: [collector], latest: () => null, replaying: false });
  assert.deepEqual(power.permission(), {
    state: 'denied',
    message: 'powermetrics could not run: unrecognized sampler: smc (stopped after 3 quick exits)',
    canRequest: true,
  });
});

test('macOS: while the password prompt is open the permission says it waits for it, and cannot be asked twice', async () => {
  let state: FeedState = { state: 'starting' };
  const collector: SamplerCollector = {
    definition: { id: 'darwin-powermetrics', tier: 'fast' },
    instance: {
      collect: async () => ({ status: 'absent', reason: 'warming-up' }),
      feedState: () => state,
      requestPermission: async () => state,
    } as unknown as SamplerCollector['instance'],
  };
  const permission = createPowerPermission({ collectors: [collector], latest: () => null, replaying: false });
  assert.deepEqual(permission.permission(), {
    state: 'needed',
    message: "Waiting for the administrator password: macOS's password prompt has not been answered yet.",
    canRequest: false,
  });
  state = { state: 'denied' };
  const refused = await permission.request();
  assert.equal(refused.state, 'denied');
  assert.match(refused.message, /it was not given/);
  assert.equal(refused.canRequest, true);
});
