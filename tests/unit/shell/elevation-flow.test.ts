import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  runElevationFlow,
  type ElevationMemory,
  type ElevationOutcome,
} from '../../../main/shell/elevation-flow.js';

function setup(options: {
  platform?: NodeJS.Platform;
  memory?: ElevationMemory;
  choice?: 'continue' | 'not-now' | Error;
  outcome?: ElevationOutcome | Error;
}) {
  let memory: ElevationMemory = options.memory ?? { explained: false, declinedAtLaunch: false };
  const counts = { explained: 0, requested: 0 };
  const run = () =>
    runElevationFlow({
      platform: options.platform ?? 'darwin',
      memory: { read: () => memory, write: (next) => (memory = next) },
      explain: async () => {
        counts.explained++;
        if (options.choice instanceof Error) throw options.choice;
        return options.choice ?? 'continue';
      },
      requestElevation: async () => {
        counts.requested++;
        if (options.outcome instanceof Error) throw options.outcome;
        return options.outcome ?? 'granted';
      },
    });
  return { run, counts, memory: () => memory };
}

test('first launch on macOS: explain, then ask once; granted turns power readings on', async () => {
  const flow = setup({});
  const permission = await flow.run();
  assert.deepEqual(flow.counts, { explained: 1, requested: 1 });
  assert.equal(permission?.state, 'granted');
  assert.equal(permission?.canRequest, false);
  assert.deepEqual(flow.memory(), { explained: true, declinedAtLaunch: false });
  await flow.run();
  assert.deepEqual(flow.counts, { explained: 1, requested: 2 }, 'later launches ask without the explanation');
});

test('"Not now" never opens the password prompt and leaves the request to the popover', async () => {
  const flow = setup({ choice: 'not-now' });
  const permission = await flow.run();
  assert.deepEqual(flow.counts, { explained: 1, requested: 0 });
  assert.deepEqual(permission, {
    state: 'needed',
    message: 'Power readings need an administrator password once per run.',
    canRequest: true,
  });
  await flow.run();
  assert.deepEqual(flow.counts, { explained: 1, requested: 0 }, 'the choice is remembered');
});

test('a cancelled or failing prompt is a labelled denial, never a crash', async () => {
  const cancelled = await setup({ outcome: 'denied' }).run();
  assert.equal(cancelled?.state, 'denied');
  assert.equal(cancelled?.canRequest, true);
  const failed = await setup({ outcome: new Error('sudo-prompt: osascript missing') }).run();
  assert.equal(failed?.state, 'denied');
  assert.match(failed!.message, /osascript missing/);
  const unsupported = await setup({ outcome: 'unsupported' }).run();
  assert.equal(unsupported?.state, 'unsupported');
  const dialogFailed = setup({ choice: new Error('no window server') });
  assert.equal((await dialogFailed.run())?.state, 'needed');
  assert.equal(dialogFailed.counts.requested, 0);
});

test('Linux launches never ask (RAPL elevation is offered from the popover)', async () => {
  const flow = setup({ platform: 'linux' });
  assert.equal(await flow.run(), null);
  assert.deepEqual(flow.counts, { explained: 0, requested: 0 });
});
