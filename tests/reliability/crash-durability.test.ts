/**
 * SIGKILL at random moments: every sample the API streamed before a kill is in the history after
 * restart, except at most the one being written when the kill came (a torn last line).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { test } from 'node:test';
import { openHistoryStore } from '../../main/store/history-store.js';
import { tempDir } from '../helpers.js';
import { CLI, startMonitor, type RunningMonitor } from '../integration/monitor-process.js';

const KILLS = 5;
const skip = !existsSync(CLI)
  ? 'the CLI is not built (node build/build.mjs)'
  : process.platform !== 'linux'
    ? 'samples this machine’s /proc (Linux only)'
    : false;
if (skip) console.log(`crash durability test skipped: ${skip}`);

/** Collects the `at` of every sample the event stream delivers. */
function streamSamples(monitor: RunningMonitor, into: number[]): () => void {
  const req = request(`${monitor.base}/api/stream`, {
    headers: { Authorization: `Bearer ${monitor.token}` },
  });
  let buffered = '';
  req.on('response', (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!/^event: sample$/m.test(block)) continue;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data) into.push(JSON.parse(data).at);
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return () => req.destroy();
}

test(
  'repeated SIGKILLs: the samples streamed before each kill are all in history after restart, minus at most one',
  { skip, timeout: 180_000 },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-crash-');
    const streamed: number[][] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const monitor = await startMonitor(dataDir, ['--interval', '0.2']);
      t.after(() => monitor.child.kill('SIGKILL'));
      const seen: number[] = [];
      const stop = streamSamples(monitor, seen);
      const until = Date.now() + 1500 + Math.random() * 1500;
      while (Date.now() < until || seen.length < 3) await new Promise((r) => setTimeout(r, 20));
      const before = [...seen];
      monitor.child.kill('SIGKILL');
      stop();
      await new Promise<void>((resolve) => {
        if (monitor.child.exitCode !== null || monitor.child.signalCode !== null) resolve();
        else monitor.child.once('exit', () => resolve());
      });
      streamed.push(before);
    }
    const store = await openHistoryStore({ dataDir, rawDays: 7, rollupDays: 90, readOnly: true });
    const stored = new Set<number>();
    for await (const sample of store.samples({ from: 0, to: Date.now() + 60_000 })) stored.add(sample.at);
    await store.close();
    let total = 0;
    for (const [index, run] of streamed.entries()) {
      const missing = run.filter((at) => !stored.has(at));
      total += run.length;
      assert.ok(
        missing.length <= 1,
        `run ${index + 1}: ${missing.length} of ${run.length} streamed samples missing after the kill`,
      );
    }
    assert.ok(total >= KILLS * 3, `${total} samples streamed`);
  },
);
