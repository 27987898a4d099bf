import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../../helpers.js';

// The child counts the SIGINTs it gets; after the first it takes a while to "flush", like the app.
const CHILD = `
let count = 0;
process.on('SIGINT', () => {
  count++;
  if (count === 1) setTimeout(() => { require('fs').writeFileSync(process.argv[1], String(count)); process.exit(0); }, 400);
});
require('fs').writeFileSync(process.argv[1] + '.ready', '');
setInterval(() => {}, 1000);
`;

const PARENT = `
const { runForwardingSignals } = await import(process.argv[1]);
const run = runForwardingSignals(process.execPath, ['-e', process.argv[2], process.argv[3]]);
(await import('node:fs')).writeFileSync(process.argv[3] + '.pid', String(run.child.pid));
process.exitCode = await run.exited;
`;

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      readFileSync(path);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  assert.fail(`${path} never appeared`);
}

/** A failed test leaves neither the launcher nor the app running. */
function stopAll(parentPid: number, countFile: string): void {
  const pids = [parentPid];
  try {
    pids.push(Number(readFileSync(`${countFile}.pid`, 'utf8')));
  } catch {
    // never started
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const processGroup = (pid: number): number =>
  Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());

// Two SIGINTs sent close together may merge into one in the kernel, so counting alone cannot prove
// the app gets one: the app must sit outside the group the terminal signals.
test('Ctrl+C (SIGINT to the whole process group) reaches the app exactly once', async (t) => {
  const dir = tempDir(t);
  const countFile = join(dir, 'count');
  // The parent leads its own group, as `npm start` does in a terminal's foreground group.
  const parent = spawn(
    process.execPath,
    ['--input-type=module', '-e', PARENT, join(REPO_ROOT, 'build/child-signals.mjs'), CHILD, countFile],
    { detached: true, stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => parent.on('exit', (code) => resolve(code)));
  t.after(() => stopAll(parent.pid!, countFile));
  await waitFor(`${countFile}.ready`);
  const childPid = Number(readFileSync(`${countFile}.pid`, 'utf8'));
  assert.notEqual(processGroup(childPid), processGroup(parent.pid!), 'the app has its own process group');
  process.kill(-parent.pid!, 'SIGINT');
  assert.equal(await exited, 0);
  assert.equal(readFileSync(countFile, 'utf8'), '1');
});

test('a signal sent to the launcher alone (kill PID) is forwarded once', async (t) => {
  const dir = tempDir(t);
  const countFile = join(dir, 'count');
  const parent = spawn(
    process.execPath,
    ['--input-type=module', '-e', PARENT, join(REPO_ROOT, 'build/child-signals.mjs'), CHILD, countFile],
    { detached: true, stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => parent.on('exit', (code) => resolve(code)));
  t.after(() => stopAll(parent.pid!, countFile));
  await waitFor(`${countFile}.ready`);
  parent.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.equal(readFileSync(countFile, 'utf8'), '1');
});
