import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MonitorStatus, PowerPermission } from '../../../main/contract/index.js';
import {
  createElevationFlow,
  POWER_EXPLANATION,
  readElevationMemory,
  type ElevationMemory,
} from '../../../main/shell/elevation-flow.js';

const NEEDED: PowerPermission = {
  state: 'needed',
  message: 'Power readings need an administrator password once per run (macOS powermetrics).',
  canRequest: true,
};

function status(permission: PowerPermission = NEEDED): MonitorStatus {
  return {
    version: '0.1.0',
    platform: 'darwin',
    startedAt: 0,
    mode: 'app',
    historyLength: 0,
    dataDir: null,
    permission,
    notices: [],
    self: null,
  };
}

function setup(
  options: {
    platform?: NodeJS.Platform;
    mode?: MonitorStatus['mode'];
    memory?: unknown;
    answers?: (PowerPermission | Error)[];
  } = {},
) {
  let memory: unknown = options.memory ?? {};
  const answers = [...(options.answers ?? [])];
  const lines: string[] = [];
  let requests = 0;
  const flow = createElevationFlow({
    platform: options.platform ?? 'darwin',
    mode: options.mode ?? 'app',
    memory: { read: () => memory, write: (next: ElevationMemory) => (memory = next) },
    request: async () => {
      requests++;
      const answer = answers.shift() ?? { state: 'granted', message: 'granted', canRequest: false };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    log: (line) => lines.push(line),
  });
  return { flow, lines, memory: () => memory, requests: () => requests };
}

test('first launch on macOS: nothing asks; the popover opens on the first-run panel', async () => {
  const { flow, memory, requests } = setup();
  assert.deepEqual(await flow.atLaunch(), { kind: 'explain' });
  assert.equal(requests(), 0, 'no password prompt before the user chose');
  assert.deepEqual(flow.decorate(status()).permission.explain, POWER_EXPLANATION);
  assert.deepEqual(POWER_EXPLANATION.allowLabel, 'Allow once');
  assert.deepEqual(POWER_EXPLANATION.declineLabel, 'Not now');
  assert.deepEqual(memory(), { explained: true, askAtLaunch: false });
});

test('"Allow once" asks once and, when granted, asks at the next launches without the panel', async () => {
  const first = setup();
  await first.flow.atLaunch();
  const permission = await first.flow.request();
  assert.equal(permission.state, 'granted');
  assert.equal(first.flow.decorate(status()).permission.explain, undefined, 'the panel is gone');
  assert.deepEqual(first.memory(), { explained: true, askAtLaunch: true });

  const next = setup({ memory: first.memory() });
  const launch = await next.flow.atLaunch();
  assert.equal(launch.kind, 'asked');
  assert.equal(next.requests(), 1);
});

test('"Not now" (never calling request) leaves later launches quiet; the banner still offers it', async () => {
  const first = setup();
  await first.flow.atLaunch();
  const next = setup({ memory: first.memory() });
  assert.deepEqual(await next.flow.atLaunch(), { kind: 'quiet' });
  assert.equal(next.requests(), 0);
  assert.equal(next.flow.decorate(status()).permission.explain, undefined);
});

test("outcomes other than granted keep the core's own words: cancelled, helper failed, missing", async () => {
  const cancelled: PowerPermission = {
    state: 'denied',
    message: 'Power readings need an administrator password once per run; it was not given.',
    canRequest: true,
  };
  const helperFailed: PowerPermission = {
    state: 'denied',
    message: 'powermetrics could not run: the helper exited 3 (FIFO is not a pipe)',
    canRequest: true,
  };
  const { flow, lines } = setup({
    memory: { explained: true, askAtLaunch: false },
    answers: [cancelled, helperFailed],
  });
  assert.deepEqual(await flow.request(), cancelled);
  assert.deepEqual(await flow.request(), helperFailed);
  assert.deepEqual(lines, [`IdleWatt: ${cancelled.message}`, `IdleWatt: ${helperFailed.message}`]);
});

test('a prompt that throws is reported as failed, with the reason, and may be asked again', async () => {
  const { flow } = setup({ answers: [new Error('osascript timed out')] });
  const permission = await flow.request();
  assert.equal(permission.state, 'denied');
  assert.equal(permission.canRequest, true);
  assert.match(permission.message, /the password prompt failed \(osascript timed out\)/);
});

test('a prompt still unanswered after the wait is reported as waiting and changes nothing remembered', async () => {
  const waiting: PowerPermission = {
    state: 'needed',
    message: "Waiting for the administrator password: macOS's password prompt has not been answered yet.",
    canRequest: false,
  };
  const { flow, lines, memory } = setup({
    memory: { explained: true, askAtLaunch: true },
    answers: [waiting],
  });
  assert.deepEqual(await flow.request(), waiting);
  assert.deepEqual(lines, [`IdleWatt: ${waiting.message}`]);
  assert.deepEqual(memory(), { explained: true, askAtLaunch: true });
});

test('a prompt cancelled at launch stops asking at launch', async () => {
  const { flow, memory } = setup({
    memory: { explained: true, askAtLaunch: true },
    answers: [{ state: 'denied', message: 'cancelled', canRequest: true }],
  });
  const launch = await flow.atLaunch();
  assert.equal(launch.kind, 'asked');
  assert.deepEqual(memory(), { explained: true, askAtLaunch: false });
});

test('replay mode and other platforms never explain and never ask at launch', async () => {
  for (const options of [{ mode: 'replay' as const }, { platform: 'linux' as const }]) {
    const { flow, requests } = setup(options);
    assert.deepEqual(await flow.atLaunch(), { kind: 'quiet' });
    assert.equal(requests(), 0);
    assert.equal(flow.decorate(status()).permission.explain, undefined);
  }
});

test('the older stored shape is read: "Continue" meant ask at launch, "Not now" did not', () => {
  assert.deepEqual(readElevationMemory({ explained: true, declinedAtLaunch: false }), {
    explained: true,
    askAtLaunch: true,
  });
  assert.deepEqual(readElevationMemory({ explained: true, declinedAtLaunch: true }), {
    explained: true,
    askAtLaunch: false,
  });
  assert.deepEqual(readElevationMemory('garbage'), { explained: false, askAtLaunch: false });
});
