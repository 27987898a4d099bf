import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import type { ElevationResult } from '../../../../main/collectors/darwin/elevator.js';
import { ElevatedPowermetricsFeed } from '../../../../main/collectors/darwin/powermetrics-feed.js';
import { runCommand } from '../../../../main/collectors/exec.js';
import { tempDir } from '../../../helpers.js';

const fifoSkip =
  spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0
    ? false
    : 'mkfifo is not available on this machine';
if (fifoSkip) console.log(`elevated feed tests skipped: ${fifoSkip}`);

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(
  'close() while the launch is still preparing never shows the prompt and leaves nothing behind',
  { skip: fifoSkip },
  async (t) => {
    const root = tempDir(t);
    let prompts = 0;
    let releaseSamplers: (samplers: string[]) => void = () => undefined;
    let samplersAsked = false;
    const feed = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async (): Promise<ElevationResult> => {
        prompts++;
        return { outcome: 'exited', code: 0 };
      },
      appPid: process.pid,
      intervalMs: 1000,
      samplers: () => {
        samplersAsked = true;
        return new Promise((resolve) => (releaseSamplers = resolve));
      },
      processDetail: false,
      runParent: root,
    });
    const chunks: unknown[] = [];
    feed.start((chunk) => chunks.push(chunk));
    await waitFor(() => samplersAsked);
    await feed.close();
    releaseSamplers(['cpu_power']);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(prompts, 0, 'no password prompt after close()');
    assert.deepEqual(feed.status(), { state: 'closed' });
    assert.deepEqual(readdirSync(root), [], 'the private directory is gone');
    const closedFirst = new ElevatedPowermetricsFeed({
      exec: runCommand,
      elevate: async (): Promise<ElevationResult> => {
        prompts++;
        return { outcome: 'exited', code: 0 };
      },
      appPid: process.pid,
      intervalMs: 1000,
      samplers: async () => ['cpu_power'],
      processDetail: false,
      runParent: root,
    });
    await closedFirst.close();
    closedFirst.start(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(prompts, 0, 'a feed closed before start() never prompts');
    assert.deepEqual(readdirSync(root), []);
  },
);

test('close() during the private directory creation removes it too', { skip: fifoSkip }, async (t) => {
  const root = tempDir(t);
  let prompts = 0;
  const feed = new ElevatedPowermetricsFeed({
    exec: runCommand,
    elevate: async (): Promise<ElevationResult> => {
      prompts++;
      return { outcome: 'exited', code: 0 };
    },
    appPid: process.pid,
    intervalMs: 1000,
    samplers: async () => ['cpu_power'],
    processDetail: false,
    runParent: root,
  });
  feed.start(() => undefined);
  await feed.close(); // mkdtemp is still pending
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(prompts, 0);
  assert.deepEqual(readdirSync(root), []);
});

test(
  'a failure before or at the prompt is a failed state, not an unhandled rejection',
  { skip: fifoSkip },
  async (t) => {
    const cases = [
      {
        label: 'samplers rejects',
        samplers: () => Promise.reject(new Error('sysctl exploded')),
        elevate: async (): Promise<ElevationResult> => ({ outcome: 'exited', code: 0 }),
        message: 'sysctl exploded',
      },
      {
        label: 'the elevator rejects',
        samplers: async () => ['cpu_power'],
        elevate: () => Promise.reject(new Error('osascript crashed')),
        message: 'osascript crashed',
      },
      {
        label: 'the temp root is missing',
        samplers: async () => ['cpu_power'],
        elevate: async (): Promise<ElevationResult> => ({ outcome: 'exited', code: 0 }),
        message: /ENOENT/,
        runParent: '/nonexistent-idlewatt-root',
      },
    ];
    for (const c of cases) {
      const root = tempDir(t);
      const feed = new ElevatedPowermetricsFeed({
        exec: runCommand,
        elevate: c.elevate,
        appPid: process.pid,
        intervalMs: 1000,
        samplers: c.samplers,
        processDetail: false,
        runParent: c.runParent ?? root,
      });
      feed.start(() => undefined);
      await waitFor(() => feed.status().state !== 'starting' && feed.status().state !== 'idle');
      const state = feed.status();
      assert.equal(state.state, 'failed', c.label);
      if (state.state === 'failed') {
        if (typeof c.message === 'string') assert.equal(state.message, c.message, c.label);
        else assert.match(state.message, c.message, c.label);
      }
      assert.deepEqual(readdirSync(root), [], `${c.label}: nothing left behind`);
      await feed.close();
    }
  },
);
