import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildRaplLoopScript,
  elevatedCommand,
  parseRaplLoopLine,
  RaplFifoReader,
  startRaplElevation,
  sudoPromptRunner,
} from '../../../../main/collectors/linux/rapl-elevation.js';
import { createRaplCollector } from '../../../../main/collectors/linux/rapl.js';
import { runCommand } from '../../../../main/collectors/exec.js';
import { REPO_ROOT, tempDir } from '../../../helpers.js';
import { linuxEnv, request, writeTree } from './linux-env.js';
import { startSymlinkSwapper } from '../symlink-swapper.js';

const NAME = 'idlewatt-rapl-Ab12Cd34Ef56Gh78';
const uid = process.getuid?.() ?? 0;

/** A parent for root's run directory: owned by this user, writable by nobody else. */
function runParent(t: { after(fn: () => void): void }): string {
  const parent = tempDir(t, 'idlewatt-run-');
  chmodSync(parent, 0o755);
  return parent;
}

/** Runs the script as the prompt would (unelevated here); resolves with exit code and the two pids. */
function startLoop(script: string): Promise<{ code: number | null; pids: number[] }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, pids: out.trim().split(/\s+/).filter(Boolean).map(Number) }));
  });
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function raplSys(t: { after(fn: () => void): void }): string {
  const root = tempDir(t, 'idlewatt-rapl-sys-');
  writeTree(root, {
    'class/powercap/intel-rapl:0/name': 'package-0\n',
    'class/powercap/intel-rapl:0/energy_uj': '1000\n',
    'class/powercap/intel-rapl:0/max_energy_range_uj': '262143328850\n',
    'class/powercap/intel-rapl:0:0/name': 'core\n',
    'class/powercap/intel-rapl:0:0/energy_uj': '400\n',
    'class/powercap/intel-rapl:0:0/max_energy_range_uj': '262143328850\n',
  });
  return root;
}

function gone(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

test('the builder rejects hostile or malformed values', () => {
  const good = { appPid: 4242, appUid: 1000, intervalSeconds: 2, runDir: `/run/${NAME}` };
  assert.equal(buildRaplLoopScript(good).ok, true);
  const rejected: [string, object][] = [
    ['pid with shell', { appPid: '1; rm -rf /' }],
    ['pid 0', { appPid: 0 }],
    ['pid 1', { appPid: 1 }],
    ['fractional pid', { appPid: 12.5 }],
    ['huge pid', { appPid: 2 ** 40 }],
    ['negative uid', { appUid: -1 }],
    ['interval 0', { intervalSeconds: 0 }],
    ['interval 61', { intervalSeconds: 61 }],
    ['fractional interval', { intervalSeconds: 1.5 }],
    ['NaN interval', { intervalSeconds: Number.NaN }],
    ['quote in run dir', { runDir: `/run/x'$(reboot)'/${NAME}` }],
    ['relative run dir', { runDir: NAME }],
    ['dot-dot run dir', { runDir: `/run/../etc/${NAME}` }],
    ['newline in run dir', { runDir: `/run/a\nb/${NAME}` }],
    ['another name', { runDir: '/etc/cron.d' }],
    ['no parent', { runDir: `/${NAME}` }],
    ['sysRoot with spaces', { sysRoot: '/sys /etc' }],
    ['procRoot with backticks', { procRoot: '/proc`id`' }],
  ];
  for (const [label, change] of rejected) {
    const built = buildRaplLoopScript({ ...good, ...change } as typeof good);
    assert.equal(built.ok, false, label);
  }
});

test('values land in the script single-quoted, and the command survives a double-quoting shell', () => {
  const runDir = `/run/${NAME}`;
  const built = buildRaplLoopScript({ appPid: 4242, appUid: 1000, intervalSeconds: 3, runDir });
  assert.ok(built.ok);
  if (!built.ok) return;
  assert.match(built.value, /^APP_PID='4242'$/m);
  assert.match(built.value, /^app_uid='1000'$/m);
  assert.match(built.value, /^INTERVAL='3'$/m);
  assert.ok(built.value.includes(`run_dir='${runDir}'`));
  const command = elevatedCommand(built.value);
  assert.match(command, /^echo [A-Za-z0-9+/=]+ \| base64 -d \| \/bin\/sh$/);
  const decoded = spawnSync('/bin/sh', ['-c', command.replace('| /bin/sh', '')], { encoding: 'utf8' });
  assert.equal(decoded.stdout, built.value);
  const syntax = spawnSync('/bin/sh', ['-n', '-c', built.value]);
  assert.equal(syntax.status, 0, 'the script parses');
});

test('loop lines parse; anything else is ignored', () => {
  assert.deepEqual(parseRaplLoopLine('idlewatt-rapl 1 1234.56 intel-rapl:0=1000 intel-rapl:0:0=400'), {
    atMs: 1234560,
    energyUj: { 'intel-rapl:0': 1000, 'intel-rapl:0:0': 400 },
  });
  assert.deepEqual(parseRaplLoopLine('idlewatt-rapl 1 10.00 intel-rapl:0=abc ../../x=1'), {
    atMs: 10000,
    energyUj: {},
  });
  assert.equal(parseRaplLoopLine('hello'), null);
  assert.equal(parseRaplLoopLine('idlewatt-rapl 1 soon'), null);
});

test('the real loop (unelevated) makes its run directory, copies counters, and both root processes end within 3 s of the app being SIGKILLed', async (t) => {
  const sysRoot = raplSys(t);
  const parent = runParent(t);
  const runDir = join(parent, NAME);
  const helperDir = tempDir(t, 'idlewatt-fake-app-');
  const helper = join(helperDir, 'fake-app.mjs');
  writeFileSync(
    helper,
    `import { spawn } from 'node:child_process';
const { buildRaplLoopScript } = await import(${JSON.stringify(join(REPO_ROOT, 'main/collectors/linux/rapl-elevation.ts'))});
const [sysRoot, runDir, uid] = process.argv.slice(2);
const built = buildRaplLoopScript({ appPid: process.pid, appUid: Number(uid), intervalSeconds: 1, runDir, sysRoot });
if (!built.ok) { console.error(built.error); process.exit(3); }
const loop = spawn('/bin/sh', ['-c', built.value], { stdio: ['ignore', 'pipe', 'ignore'] });
loop.stdout.pipe(process.stdout);
setInterval(() => {}, 1000);
`,
  );
  const app = spawn(process.execPath, ['--import', 'tsx', helper, sysRoot, runDir, String(uid)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => app.kill('SIGKILL'));
  const pids = await new Promise<number[]>((resolve, reject) => {
    app.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim().split(/\s+/).map(Number)));
    app.once('exit', (code) => reject(new Error(`fake app exited ${code}`)));
  });
  assert.equal(pids.length, 2, 'writer and watchdog pids');
  t.after(() => {
    for (const pid of pids) if (!gone(pid)) process.kill(pid, 'SIGKILL');
  });
  const reader = RaplFifoReader.open(join(runDir, 'counters'), { now: Date.now, intervalSeconds: 1, uid });
  t.after(() => reader.close());
  assert.ok(await reader.waitForFirstLine(10_000), 'a counter line arrived');
  const counters = await reader.read();
  assert.equal(counters.status, 'ok');
  assert.deepEqual(counters.status === 'ok' && counters.value.energyUj, {
    'intel-rapl:0': 1000,
    'intel-rapl:0:0': 400,
  });
  assert.ok(
    pids.every((pid) => !gone(pid)),
    'the loop runs while its app lives',
  );

  app.kill('SIGKILL');
  const killedAt = Date.now();
  await waitUntil(() => pids.every(gone), 5000);
  const took = Date.now() - killedAt;
  assert.ok(pids.every(gone), 'writer and watchdog ended');
  assert.ok(took < 3000, `the watchdog took ${took} ms`);
  assert.ok(await waitUntil(() => !existsSync(runDir), 1000), 'the run directory is removed');
});

test('startRaplElevation end to end (the "elevated" runner is a plain shell here) feeds the RAPL collector', async (t) => {
  const sysRoot = raplSys(t);
  const parent = runParent(t);
  let pids: number[] = [];
  const started = await startRaplElevation({
    appPid: process.pid,
    intervalSeconds: 1,
    exec: runCommand,
    now: Date.now,
    sysRoot,
    runParent: parent,
    startTimeoutMs: 10_000,
    runElevated: async (command) => {
      const result = await startLoop(command);
      pids = result.pids;
      return result.code === 0
        ? { ok: true }
        : { ok: false, message: `exit ${result.code}`, code: result.code ?? 1 };
    },
  });
  t.after(() => {
    for (const pid of pids) if (!gone(pid)) process.kill(pid, 'SIGKILL');
  });
  assert.equal(started.ok, true, started.ok ? '' : started.error);
  if (!started.ok) return;
  t.after(() => started.value.stop());
  const rapl = createRaplCollector(linuxEnv({ sysRoot, now: Date.now }), {
    counterSource: started.value.source,
  });
  assert.equal((await rapl.collect(request())).status, 'absent', 'first snapshot warms up');
  writeFileSync(join(sysRoot, 'class/powercap/intel-rapl:0/energy_uj'), '3001000\n');
  await new Promise((r) => setTimeout(r, 2300));
  const reading = await rapl.collect(request());
  assert.equal(reading.status, 'ok', JSON.stringify(reading));
  const watts = reading.status === 'ok' ? reading.value.power?.packageWatts : undefined;
  assert.ok(watts !== undefined && watts > 0.5 && watts < 3.5, `package watts ${watts}`);

  await started.value.stop();
  // The writer keeps a read end for its first 5 s; after that the next write fails and both end.
  assert.ok(await waitUntil(() => pids.every(gone), 10_000), 'closing the FIFO ends the root processes');
  assert.deepEqual(readdirSync(parent), [], 'and the run directory is gone');
});

test('a refused password prompt is a labelled failure and leaves nothing behind', async (t) => {
  const parent = runParent(t);
  const result = await startRaplElevation({
    appPid: process.pid,
    intervalSeconds: 1,
    exec: runCommand,
    now: Date.now,
    runParent: parent,
    startTimeoutMs: 5000,
    runElevated: async () => ({ ok: false, message: 'User did not grant permission.' }),
  });
  assert.deepEqual(result, { ok: false, error: 'User did not grant permission.' });
  assert.deepEqual(readdirSync(parent), []);
});

test('the root processes end when the app dies even while the writer is blocked on a FIFO filled by someone else', async (t) => {
  const sysRoot = raplSys(t);
  const parent = runParent(t);
  const runDir = join(parent, NAME);
  const app = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => app.kill('SIGKILL'));
  const built = buildRaplLoopScript({ appPid: app.pid!, appUid: uid, intervalSeconds: 1, runDir, sysRoot });
  assert.ok(built.ok, built.ok ? '' : built.error);
  if (!built.ok) return;
  const { code, pids } = await startLoop(built.value);
  assert.equal(code, 0);
  t.after(() => {
    for (const pid of pids) if (!gone(pid)) process.kill(pid, 'SIGKILL');
  });
  // A same-user process holds a reader that never reads and fills the pipe.
  const fifo = join(runDir, 'counters');
  const stuckReader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  t.after(() => closeSync(stuckReader));
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const filler = Buffer.alloc(4096, 'x');
  for (;;) {
    try {
      writeSync(writer, filler);
    } catch {
      break; // EAGAIN: the pipe is full
    }
  }
  closeSync(writer);
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(
    pids.every((pid) => !gone(pid)),
    'the writer is blocked, the watchdog waits',
  );

  app.kill('SIGKILL');
  const killedAt = Date.now();
  await waitUntil(() => pids.every(gone), 5000);
  assert.ok(pids.every(gone), 'both ended instead of waiting forever on the full FIFO');
  assert.ok(Date.now() - killedAt < 3000, `they took ${Date.now() - killedAt} ms`);
});

test('a password prompt that throws is a labelled failure at once, not a timeout', async (t) => {
  const parent = runParent(t);
  const startedAt = Date.now();
  const result = await startRaplElevation({
    appPid: process.pid,
    intervalSeconds: 1,
    exec: runCommand,
    now: Date.now,
    runParent: parent,
    startTimeoutMs: 10_000,
    runElevated: () => Promise.reject(new Error('pkexec crashed')),
  });
  assert.deepEqual(result, { ok: false, error: 'the password prompt failed: pkexec crashed' });
  assert.ok(Date.now() - startedAt < 3000, 'no wait for the start timeout');
  assert.deepEqual(readdirSync(parent), []);
});

test('sudo-prompt is never started from a working directory its cd line would expand', async (t) => {
  const hostile = join(tempDir(t, 'idlewatt-cwd-'), 'repo$(touch pwned)');
  mkdirSync(hostile);
  const before = process.cwd();
  process.chdir(hostile);
  try {
    const result = await sudoPromptRunner('true');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, /working directory name contains \$/);
  } finally {
    process.chdir(before);
  }
  assert.equal(existsSync(join(hostile, 'pwned')), false);
});

test('a run directory path flipping between a dangling symlink and a linked directory never makes root create a file', async (t) => {
  const sysRoot = raplSys(t);
  const parent = runParent(t);
  const runDir = join(parent, NAME);
  const scratch = tempDir(t, 'idlewatt-rapl-scratch-');
  const created = join(scratch, 'created-by-root');
  const linkedDir = join(scratch, 'linked');
  mkdirSync(linkedDir);
  const app = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => app.kill('SIGKILL'));
  const built = buildRaplLoopScript({ appPid: app.pid!, appUid: uid, intervalSeconds: 1, runDir, sysRoot });
  assert.ok(built.ok, built.ok ? '' : built.error);
  if (!built.ok) return;
  const swapper = startSymlinkSwapper(t, created, linkedDir, runDir);
  assert.ok(
    await waitUntil(() => {
      try {
        return lstatSync(runDir).isSymbolicLink();
      } catch {
        return false;
      }
    }, 20_000),
    'the swapper runs',
  );
  const codes = new Set<number | null>();
  for (let i = 0; i < 150; i++) {
    const { code, pids } = await startLoop(built.value);
    codes.add(code);
    for (const pid of pids) if (!gone(pid)) process.kill(pid, 'SIGKILL');
  }
  swapper.kill('SIGKILL');
  assert.deepEqual([...codes], [73], 'every start refused the path');
  assert.equal(existsSync(created), false, 'nothing created through the dangling link');
  assert.deepEqual(readdirSync(linkedDir), [], 'nothing created in the linked directory');
});
