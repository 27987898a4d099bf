import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
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

function privateFifo(t: { after(fn: () => void): void }): { dir: string; fifo: string } {
  const dir = tempDir(t, 'idlewatt-rapl-fifo-');
  chmodSync(dir, 0o700);
  const fifo = join(dir, 'counters');
  const made = spawnSync('mkfifo', ['-m', '600', fifo]);
  assert.equal(made.status, 0, 'mkfifo');
  return { dir, fifo };
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

test('the builder rejects hostile or malformed values', (t) => {
  const { fifo, dir } = privateFifo(t);
  const good = { appPid: 4242, intervalSeconds: 2, fifoPath: fifo };
  assert.equal(buildRaplLoopScript(good).ok, true);
  const rejected: [string, object][] = [
    ['pid with shell', { appPid: '1; rm -rf /' }],
    ['pid 0', { appPid: 0 }],
    ['pid 1', { appPid: 1 }],
    ['fractional pid', { appPid: 12.5 }],
    ['huge pid', { appPid: 2 ** 40 }],
    ['interval 0', { intervalSeconds: 0 }],
    ['interval 61', { intervalSeconds: 61 }],
    ['fractional interval', { intervalSeconds: 1.5 }],
    ['NaN interval', { intervalSeconds: Number.NaN }],
    ['quote in fifo', { fifoPath: `${dir}/x'$(reboot)'` }],
    ['relative fifo', { fifoPath: 'counters' }],
    ['dot-dot fifo', { fifoPath: `${dir}/../../etc/passwd` }],
    ['newline in fifo', { fifoPath: `${dir}/a\nb` }],
    ['fifo in a shared dir', { fifoPath: '/tmp/counters' }],
    ['fifo in a missing dir', { fifoPath: `${dir}/nope/counters` }],
    ['sysRoot with spaces', { sysRoot: '/sys /etc' }],
    ['procRoot with backticks', { procRoot: '/proc`id`' }],
  ];
  for (const [label, change] of rejected) {
    const built = buildRaplLoopScript({ ...good, ...change } as typeof good);
    assert.equal(built.ok, false, label);
  }
  const loose = tempDir(t, 'idlewatt-rapl-loose-');
  chmodSync(loose, 0o755);
  const looseBuilt = buildRaplLoopScript({ ...good, fifoPath: join(loose, 'counters') });
  assert.deepEqual(looseBuilt, { ok: false, error: `${loose} must have mode 0700` });
});

test('values land in the script single-quoted, and the command survives a double-quoting shell', (t) => {
  const { fifo } = privateFifo(t);
  const built = buildRaplLoopScript({ appPid: 4242, intervalSeconds: 3, fifoPath: fifo });
  assert.ok(built.ok);
  if (!built.ok) return;
  assert.match(built.value, /^APP_PID='4242'$/m);
  assert.match(built.value, /^INTERVAL='3'$/m);
  assert.ok(built.value.includes(`FIFO='${fifo}'`));
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

test('the real loop (unelevated) copies counters into the FIFO and exits within 3 s of its app being SIGKILLed', async (t) => {
  const sysRoot = raplSys(t);
  const { fifo } = privateFifo(t);
  const helperDir = tempDir(t, 'idlewatt-fake-app-');
  const helper = join(helperDir, 'fake-app.mjs');
  writeFileSync(
    helper,
    `import { spawn } from 'node:child_process';
const { buildRaplLoopScript } = await import(${JSON.stringify(join(REPO_ROOT, 'main/collectors/linux/rapl-elevation.ts'))});
const [sysRoot, fifoPath] = process.argv.slice(2);
const built = buildRaplLoopScript({ appPid: process.pid, intervalSeconds: 1, fifoPath, sysRoot });
if (!built.ok) { console.error(built.error); process.exit(3); }
const loop = spawn('/bin/sh', ['-c', built.value], { stdio: 'ignore' });
console.log(loop.pid);
setInterval(() => {}, 1000);
`,
  );
  const reader = RaplFifoReader.open(fifo, { now: Date.now, intervalSeconds: 1 });
  t.after(() => reader.close());
  const app = spawn(process.execPath, ['--import', 'tsx', helper, sysRoot, fifo], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => app.kill('SIGKILL'));
  const loopPid = await new Promise<number>((resolve, reject) => {
    app.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    app.once('exit', (code) => reject(new Error(`fake app exited ${code}`)));
  });
  t.after(() => {
    if (!gone(loopPid)) process.kill(loopPid, 'SIGKILL');
  });
  assert.ok(await reader.waitForFirstLine(10_000), 'a counter line arrived');
  const counters = await reader.read();
  assert.equal(counters.status, 'ok');
  assert.deepEqual(counters.status === 'ok' && counters.value.energyUj, {
    'intel-rapl:0': 1000,
    'intel-rapl:0:0': 400,
  });
  assert.equal(gone(loopPid), false, 'the loop runs while its app lives');

  app.kill('SIGKILL');
  const killedAt = Date.now();
  while (!gone(loopPid) && Date.now() - killedAt < 5000) await new Promise((r) => setTimeout(r, 50));
  const took = Date.now() - killedAt;
  assert.ok(gone(loopPid), 'the loop ended');
  assert.ok(took < 3000, `the watchdog took ${took} ms`);
});

test('startRaplElevation end to end (the "elevated" runner is a plain shell here) feeds the RAPL collector', async (t) => {
  const sysRoot = raplSys(t);
  const base = tempDir(t, 'idlewatt-runtime-');
  let loop: ReturnType<typeof spawn> | null = null;
  const started = await startRaplElevation({
    appPid: process.pid,
    intervalSeconds: 1,
    exec: runCommand,
    now: Date.now,
    sysRoot,
    baseDir: base,
    startTimeoutMs: 10_000,
    runElevated: (command) =>
      new Promise((resolve) => {
        loop = spawn('/bin/sh', ['-c', command], { stdio: 'ignore' });
        loop.once('exit', () => resolve({ ok: true }));
      }),
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

  const exited = new Promise<void>((resolve) => loop!.once('exit', () => resolve()));
  const stoppedAt = Date.now();
  await started.value.stop();
  await exited;
  assert.ok(Date.now() - stoppedAt < 3000, 'removing the FIFO ends the loop');
});

test('a refused password prompt is a labelled failure and leaves no private directory', async (t) => {
  const base = tempDir(t, 'idlewatt-runtime-');
  mkdirSync(base, { recursive: true });
  const result = await startRaplElevation({
    appPid: process.pid,
    intervalSeconds: 1,
    exec: runCommand,
    now: Date.now,
    baseDir: base,
    startTimeoutMs: 5000,
    runElevated: async () => ({ ok: false, message: 'User did not grant permission.' }),
  });
  assert.deepEqual(result, { ok: false, error: 'User did not grant permission.' });
  assert.deepEqual(spawnSync('ls', ['-A', base], { encoding: 'utf8' }).stdout, '');
});

test('the loop ends when its app dies even while a write is blocked on a full FIFO', async (t) => {
  const sysRoot = raplSys(t);
  const { fifo } = privateFifo(t);
  // The app holds the FIFO open read-write, as RaplFifoReader does, and never reads (it hangs, then dies).
  const app = spawn('/bin/sh', ['-c', 'exec 5<>"$0"; exec sleep 60', fifo], { stdio: 'ignore' });
  t.after(() => app.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 200));
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
  const built = buildRaplLoopScript({ appPid: app.pid!, intervalSeconds: 1, fifoPath: fifo, sysRoot });
  assert.ok(built.ok, built.ok ? '' : built.error);
  if (!built.ok) return;
  const loop = spawn('/bin/sh', ['-c', built.value], { stdio: 'ignore' });
  t.after(() => {
    if (!gone(loop.pid!)) loop.kill('SIGKILL');
  });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(gone(loop.pid!), false, 'the loop is blocked writing its first line');

  app.kill('SIGKILL');
  const killedAt = Date.now();
  while (!gone(loop.pid!) && Date.now() - killedAt < 5000) await new Promise((r) => setTimeout(r, 50));
  assert.ok(gone(loop.pid!), 'the loop ended instead of waiting forever on the full FIFO');
  assert.ok(Date.now() - killedAt < 3000, `the loop took ${Date.now() - killedAt} ms`);
});

test('a password prompt that throws is a labelled failure at once, not a timeout', async (t) => {
  const base = tempDir(t, 'idlewatt-runtime-');
  const startedAt = Date.now();
  const result = await startRaplElevation({
    appPid: process.pid,
    intervalSeconds: 1,
    exec: runCommand,
    now: Date.now,
    baseDir: base,
    startTimeoutMs: 10_000,
    runElevated: () => Promise.reject(new Error('pkexec crashed')),
  });
  assert.deepEqual(result, { ok: false, error: 'the password prompt failed: pkexec crashed' });
  assert.ok(Date.now() - startedAt < 3000, 'no wait for the start timeout');
  assert.deepEqual(spawnSync('ls', ['-A', base], { encoding: 'utf8' }).stdout, '');
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

test('swapping the FIFO for a symlink to a file while the loop starts never makes root write that file', async (t) => {
  const sysRoot = raplSys(t);
  const { dir, fifo } = privateFifo(t);
  const realFifo = join(dir, 'real-fifo');
  assert.equal(spawnSync('mv', [fifo, realFifo]).status, 0);
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  const app = spawn('/bin/sh', ['-c', 'exec 5<>"$0"; exec sleep 60', realFifo], { stdio: 'ignore' });
  t.after(() => app.kill('SIGKILL'));
  const built = buildRaplLoopScript({ appPid: app.pid!, intervalSeconds: 1, fifoPath: fifo, sysRoot });
  assert.ok(built.ok, built.ok ? '' : built.error);
  if (!built.ok) return;
  // A swapper flips the path between a link to the real FIFO and a link to the victim file as fast
  // as it can (atomic renames of prepared links) while loops start: whatever each loop's check saw,
  // the victim must stay untouched.
  const swapper = startSymlinkSwapper(t, realFifo, victim, fifo);
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < 150; i++) {
    const loop = spawn('/bin/sh', ['-c', built.value], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 20));
    loop.kill('SIGKILL');
  }
  swapper.kill('SIGKILL');
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
});
