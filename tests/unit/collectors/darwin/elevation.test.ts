import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildElevationCommand,
  singleQuote,
  type ElevationRequest,
} from '../../../../main/collectors/darwin/elevation.js';
import { createOsascriptElevator, ELEVATE_APPLESCRIPT } from '../../../../main/collectors/darwin/elevator.js';
import { startEpochOf } from '../../../../main/collectors/darwin/powermetrics-feed.js';
import { PowermetricsStreamReader } from '../../../../main/collectors/darwin/powermetrics-stream.js';
import { runCommand } from '../../../../main/collectors/exec.js';
import { FIXTURES, tempDir } from '../../../helpers.js';
import { startSymlinkSwapper } from '../symlink-swapper.js';

const RUN_DIR = '/var/run/idlewatt-pm-Ab12Cd34Ef56Gh78';
const base: ElevationRequest = {
  appPid: 4242,
  appUid: 501,
  runDir: RUN_DIR,
  intervalMs: 2000,
  samplers: ['cpu_power', 'gpu_power', 'thermal', 'tasks'],
  processDetail: true,
};

test('the builder single-quotes validated values after a fixed script', () => {
  const built = buildElevationCommand({ ...base, appStartEpoch: 1_764_400_000 });
  assert.ok(built.ok);
  assert.deepEqual(built.args, [
    '4242',
    '501',
    RUN_DIR,
    '2000',
    'cpu_power,gpu_power,thermal,tasks',
    '1',
    '/usr/bin/powermetrics',
    '1764400000',
  ]);
  assert.match(built.command, /^'\/bin\/sh' '-c' 'set -u\n/);
  assert.ok(
    built.command.endsWith(
      ` 'idlewatt-powermetrics' '4242' '501' '${RUN_DIR}' '2000' 'cpu_power,gpu_power,thermal,tasks' '1' '/usr/bin/powermetrics' '1764400000'`,
    ),
  );
});

test('the builder rejects hostile values', () => {
  const hostile: [string, Partial<ElevationRequest>][] = [
    ["a path with '", { runDir: "/var/run/x'; rm -rf ~ #/idlewatt-pm-Ab12Cd34Ef56Gh78" }],
    ['a path with ;', { runDir: '/var/run/a;reboot/idlewatt-pm-Ab12Cd34Ef56Gh78' }],
    ['a path with $(…)', { runDir: '/var/run/$(id)/idlewatt-pm-Ab12Cd34Ef56Gh78' }],
    ['another name', { runDir: '/etc/sudoers.d' }],
    ['a short name', { runDir: '/var/run/idlewatt-pm-Ab12' }],
    ['escaping with ..', { runDir: '/var/run/../../etc/idlewatt-pm-Ab12Cd34Ef56Gh78' }],
    ['no parent', { runDir: '/idlewatt-pm-Ab12Cd34Ef56Gh78' }],
    ['a relative path', { runDir: 'run/idlewatt-pm-Ab12Cd34Ef56Gh78' }],
    ['a negative uid', { appUid: -1 }],
    ['a fractional uid', { appUid: 1.5 }],
    ['a negative interval', { intervalMs: -1000 }],
    ['a fractional interval', { intervalMs: 1500.5 }],
    ['a huge interval', { intervalMs: 1e12 }],
    ['a negative pid', { appPid: -1 }],
    ['a negative start time', { appStartEpoch: -1 }],
    ['a fractional start time', { appStartEpoch: 1.5 }],
    ['pid 1', { appPid: 1 }],
    ['a NaN pid', { appPid: Number.NaN }],
    ['an unknown sampler', { samplers: ['cpu_power', 'all; id'] }],
    ['no samplers', { samplers: [] }],
    ['a powermetrics path with a space', { powermetricsPath: '/usr/bin/power metrics' }],
  ];
  for (const [label, change] of hostile) {
    const built = buildElevationCommand({ ...base, ...change });
    assert.equal(built.ok, false, label);
    if (!built.ok) assert.doesNotMatch(built.error, /\n/, label);
  }
});

test('singleQuote survives quotes and substitutions when evaluated by sh', () => {
  const value = `it's $(id) \`id\` ; "x"`;
  const out = spawnSync('/bin/sh', ['-c', `printf %s ${singleQuote(value)}`], { encoding: 'utf8' });
  assert.equal(out.stdout, value);
});

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo'], { encoding: 'utf8' }).status === 0;
const skipReason = hasMkfifo ? false : 'mkfifo is not available on this machine';
if (skipReason) console.log(`elevation script test skipped: ${skipReason}`);

/** A parent for the helper's run directory, owned by this user and writable by nobody else. */
function runParent(t: { after(fn: () => void): void }): string {
  const parent = tempDir(t, 'idlewatt-run-');
  chmodSync(parent, 0o755);
  return parent;
}

/** Stands in for /usr/bin/powermetrics: records its pid and arguments, prints NUL-separated plists. */
function standIn(dir: string, everyS = 0.2): string {
  const path = join(dir, 'fake-powermetrics');
  const sampleDoc = join(FIXTURES, 'powermetrics', 'm4pro-mac16_8-macos15_5-plist-battery.xml');
  writeFileSync(
    path,
    `#!/bin/sh\necho $$ > '${dir}/pm.pid'\necho "$@" > '${dir}/pm.args'\nwhile :; do cat '${sampleDoc}'; printf '\\000'; sleep ${everyS}; done\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Runs exactly what the prompt would run, without elevation; resolves with its exit code and stdout. */
function runHelper(command: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout: stdout.trim() }));
  });
}

const uid = process.getuid?.() ?? 0;

test(
  'the real helper makes its own run directory and FIFO, detaches, streams, and ends within 3 s of the app being SIGKILLed',
  { skip: skipReason, timeout: 30_000 },
  async (t) => {
    const parent = runParent(t);
    const scratch = tempDir(t, 'idlewatt-pm-scratch-');
    const runDir = join(parent, 'idlewatt-pm-Ab12Cd34Ef56Gh78');
    const app = spawn('sleep', ['60'], { stdio: 'ignore' });
    t.after(() => app.kill('SIGKILL'));
    const built = buildElevationCommand({
      ...base,
      appPid: app.pid!,
      appUid: uid,
      runDir,
      intervalMs: 1000,
      powermetricsPath: standIn(scratch),
      // The watchdog compares the app's start time too: the real one keeps the helper running.
      appStartEpoch: await startEpochOf({ exec: runCommand, appPid: app.pid! }),
    });
    assert.ok(built.ok, !built.ok ? built.error : '');
    const started = await runHelper(built.command);
    assert.equal(started.code, 0, 'the prompt returns at once');
    const loopPid = Number(started.stdout);
    assert.ok(loopPid > 1 && alive(loopPid), 'the detached loop runs');
    t.after(() => {
      if (alive(loopPid)) process.kill(loopPid, 'SIGKILL');
    });
    const fifo = join(runDir, 'powermetrics.fifo');
    const dirMode = spawnSync('stat', ['-c', '%a %u', runDir], { encoding: 'utf8' }).stdout.trim();
    assert.equal(dirMode, `755 ${uid}`, 'a 0755 directory of the helper’s own user (root when elevated)');
    const fifoMode = spawnSync('stat', ['-c', '%F %a %u', fifo], { encoding: 'utf8' }).stdout.trim();
    assert.equal(fifoMode, `fifo 600 ${uid}`, 'the FIFO is handed to the app’s user, 0600');

    let samples = 0;
    const reader = new PowermetricsStreamReader({ onSample: () => samples++ });
    const { createReadStream } = await import('node:fs');
    const stream = createReadStream(fifo);
    stream.on('data', (chunk) => reader.push(chunk as Buffer));
    stream.on('error', () => undefined);
    t.after(() => stream.destroy());
    await waitFor(() => samples >= 3, 8000);
    const pmPid = Number(readFileSync(join(scratch, 'pm.pid'), 'utf8'));
    assert.match(
      readFileSync(join(scratch, 'pm.args'), 'utf8'),
      /--samplers cpu_power,gpu_power,thermal,tasks -f plist -i 1000/,
    );
    assert.ok(alive(pmPid));

    const killedAt = Date.now();
    app.kill('SIGKILL');
    await waitFor(() => !alive(pmPid) && !alive(loopPid), 3000);
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed < 3000, `powermetrics and the helper ended ${elapsed} ms after the app died`);
    await waitFor(() => !existsSync(runDir), 1000);
  },
);

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && process.platform !== 'linux';
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(50);
  }
}

test(
  'the helper refuses a run directory that exists in any form, or a parent others can write, creating nothing',
  { skip: skipReason, timeout: 20_000 },
  async (t) => {
    const scratch = tempDir(t, 'idlewatt-pm-scratch-');
    const app = spawn('sleep', ['60'], { stdio: 'ignore' });
    t.after(() => app.kill('SIGKILL'));
    const attempt = async (parent: string, name = 'idlewatt-pm-Ab12Cd34Ef56Gh78') => {
      const built = buildElevationCommand({
        ...base,
        appPid: app.pid!,
        appUid: uid,
        runDir: join(parent, name),
        intervalMs: 1000,
        powermetricsPath: standIn(scratch),
      });
      assert.ok(built.ok, !built.ok ? built.error : '');
      return (await runHelper(built.command)).code;
    };
    const dangling = runParent(t);
    const target = join(scratch, 'created-by-root');
    symlinkSync(target, join(dangling, 'idlewatt-pm-Ab12Cd34Ef56Gh78'));
    assert.equal(await attempt(dangling), 73, 'a dangling symlink');
    assert.equal(existsSync(target), false, 'nothing created through it');

    const linked = runParent(t);
    const decoy = join(scratch, 'decoy');
    mkdirSync(decoy);
    symlinkSync(decoy, join(linked, 'idlewatt-pm-Ab12Cd34Ef56Gh78'));
    assert.equal(await attempt(linked), 73, 'a symlink to a directory');
    assert.deepEqual(readdirSync(decoy), [], 'no FIFO made in the linked directory');

    const existing = runParent(t);
    mkdirSync(join(existing, 'idlewatt-pm-Ab12Cd34Ef56Gh78'));
    assert.equal(await attempt(existing), 73, 'an existing directory is never reused');

    const open = runParent(t);
    chmodSync(open, 0o777);
    assert.equal(await attempt(open), 66, 'a world-writable parent');
    assert.deepEqual(readdirSync(open), []);
  },
);

test(
  'flipping the run directory path between a dangling symlink and a real directory while helpers start never creates a file through it',
  { skip: skipReason, timeout: 60_000 },
  async (t) => {
    const parent = runParent(t);
    const scratch = tempDir(t, 'idlewatt-pm-scratch-');
    const runDir = join(parent, 'idlewatt-pm-Ab12Cd34Ef56Gh78');
    const victimDir = join(scratch, 'victim');
    const created = join(scratch, 'created-by-root');
    mkdirSync(victimDir);
    const app = spawn('sleep', ['60'], { stdio: 'ignore' });
    t.after(() => app.kill('SIGKILL'));
    const swapper = startSymlinkSwapper(t, created, victimDir, runDir);
    await waitFor(() => isLink(runDir), 20_000);
    const built = buildElevationCommand({
      ...base,
      appPid: app.pid!,
      appUid: uid,
      runDir,
      intervalMs: 1000,
      powermetricsPath: standIn(scratch, 0.05),
    });
    assert.ok(built.ok, !built.ok ? built.error : '');
    const codes = new Map<number | null, number>();
    for (let i = 0; i < 150; i++) {
      const { code, stdout } = await runHelper(built.command);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 0 && Number(stdout) > 1) process.kill(Number(stdout), 'SIGKILL');
    }
    swapper.kill('SIGKILL');
    assert.deepEqual([...codes.keys()], [73], 'every start refused the path');
    assert.equal(existsSync(created), false, 'nothing created through the dangling link');
    assert.deepEqual(readdirSync(victimDir), [], 'nothing created in the linked directory');
  },
);

test('the macOS elevator passes the command as an argument of a fixed AppleScript and reads the outcome', async (t) => {
  const dir = tempDir(t, 'idlewatt-osascript-');
  const fake = join(dir, 'osascript');
  // A stand-in for /usr/bin/osascript: records its arguments, then acts like `do shell script`.
  writeFileSync(
    fake,
    `#!/bin/sh
printf '%s\\n' "$@" > '${dir}/argv'
case "$7" in
  cancel) echo 'execution error: User canceled. (-128)' >&2; exit 1 ;;
esac
out=$(/bin/sh -c "$7" 2>/dev/null); status=$?
if [ "$status" -ne 0 ]; then echo "execution error: The command exited with a non-zero status. ($status)" >&2; exit 1; fi
printf '%s\\n' "$out"
`,
  );
  chmodSync(fake, 0o755);
  const elevate = createOsascriptElevator({ osascript: fake });
  assert.deepEqual(await elevate('echo 4321'), { outcome: 'exited', code: 0, stdout: '4321' });
  const argv = readFileSync(join(dir, 'argv'), 'utf8').split('\n').slice(0, -1);
  assert.deepEqual(argv, [...ELEVATE_APPLESCRIPT.flatMap((line) => ['-e', line]), 'echo 4321']);
  assert.ok(
    ELEVATE_APPLESCRIPT.every((line) => !line.includes('echo')),
    'the script text is fixed',
  );
  assert.deepEqual(await elevate('cancel'), { outcome: 'denied' });
  assert.deepEqual(await elevate('exit 73'), { outcome: 'exited', code: 73 });
  const missing = await createOsascriptElevator({ osascript: join(dir, 'nope') })('true');
  assert.equal(missing.outcome, 'failed');
});
