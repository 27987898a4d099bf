import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  buildElevationCommand,
  singleQuote,
  type ElevationRequest,
} from '../../../../main/collectors/darwin/elevation.js';
import { sudoPromptElevator } from '../../../../main/collectors/darwin/elevator.js';
import { PowermetricsStreamReader } from '../../../../main/collectors/darwin/powermetrics-stream.js';
import { sudoPromptCwdProblem } from '../../../../main/collectors/sudo-prompt-cwd.js';
import { FIXTURES, tempDir } from '../../../helpers.js';
import { startSymlinkSwapper } from '../symlink-swapper.js';

const base: ElevationRequest = {
  appPid: 4242,
  directory: '/tmp/idlewatt-pm-Ab12Cd',
  fifoPath: '/tmp/idlewatt-pm-Ab12Cd/powermetrics.fifo',
  intervalMs: 2000,
  samplers: ['cpu_power', 'gpu_power', 'thermal', 'tasks'],
  processDetail: true,
};

test('the builder single-quotes validated values after a fixed script', () => {
  const built = buildElevationCommand(base);
  assert.ok(built.ok);
  assert.deepEqual(built.args, [
    '4242',
    base.fifoPath,
    '2000',
    'cpu_power,gpu_power,thermal,tasks',
    '1',
    '/usr/bin/powermetrics',
  ]);
  assert.match(built.command, /^'\/bin\/sh' '-c' 'set -u\n/);
  assert.ok(
    built.command.endsWith(
      ` 'idlewatt-powermetrics' '4242' '${base.fifoPath}' '2000' 'cpu_power,gpu_power,thermal,tasks' '1' '/usr/bin/powermetrics'`,
    ),
  );
});

test('the builder rejects hostile values', () => {
  const hostile: [string, Partial<ElevationRequest>][] = [
    ["a path with '", { fifoPath: "/tmp/idlewatt-pm-Ab12Cd/x'; rm -rf ~ #" }],
    ['a path with ;', { fifoPath: '/tmp/idlewatt-pm-Ab12Cd/a;reboot' }],
    ['a path with $(…)', { fifoPath: '/tmp/idlewatt-pm-Ab12Cd/$(id)' }],
    ['a directory with $(…)', { directory: '/tmp/$(id)', fifoPath: '/tmp/$(id)/p' }],
    ['a FIFO outside the directory', { fifoPath: '/etc/sudoers' }],
    ['a FIFO escaping with ..', { fifoPath: '/tmp/idlewatt-pm-Ab12Cd/../../etc/passwd' }],
    ['a FIFO in a subfolder', { fifoPath: '/tmp/idlewatt-pm-Ab12Cd/sub/p' }],
    ['a relative path', { directory: 'tmp', fifoPath: 'tmp/p' }],
    ['a negative interval', { intervalMs: -1000 }],
    ['a fractional interval', { intervalMs: 1500.5 }],
    ['a huge interval', { intervalMs: 1e12 }],
    ['a negative pid', { appPid: -1 }],
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

test(
  'the real helper streams into the FIFO, and its watchdog ends powermetrics within 3 s of the app being SIGKILLed',
  { skip: skipReason, timeout: 20_000 },
  async (t) => {
    const dir = tempDir(t, 'idlewatt-pm-');
    const fifo = join(dir, 'powermetrics.fifo');
    const standIn = join(dir, 'fake-powermetrics');
    const sampleDoc = join(FIXTURES, 'powermetrics', 'm4pro-mac16_8-macos15_5-plist-battery.xml');
    // Stands in for /usr/bin/powermetrics: records its pid and arguments, prints NUL-separated plists.
    writeFileSync(
      standIn,
      `#!/bin/sh\necho $$ > '${dir}/pm.pid'\necho "$@" > '${dir}/pm.args'\nwhile :; do cat '${sampleDoc}'; printf '\\000'; sleep 0.2; done\n`,
    );
    chmodSync(standIn, 0o755);
    assert.equal(spawnSync('mkfifo', ['-m', '600', fifo]).status, 0);
    const app = spawn('sleep', ['60'], { stdio: 'ignore' });
    t.after(() => app.kill('SIGKILL'));
    const built = buildElevationCommand({
      ...base,
      appPid: app.pid!,
      directory: dir,
      fifoPath: fifo,
      intervalMs: 1000,
      powermetricsPath: standIn,
    });
    assert.ok(built.ok, !built.ok ? built.error : '');
    // Run exactly what the prompt would run, without elevation.
    const helper = spawn('/bin/sh', ['-c', built.command], { stdio: 'ignore' });
    const helperExit = new Promise<number | null>((resolve) => helper.on('exit', (code) => resolve(code)));
    t.after(() => helper.kill('SIGKILL'));

    let samples = 0;
    const reader = new PowermetricsStreamReader({ onSample: () => samples++ });
    const { createReadStream } = await import('node:fs');
    const stream = createReadStream(fifo);
    stream.on('data', (chunk) => reader.push(chunk as Buffer));
    stream.on('error', () => undefined);
    await waitFor(() => samples >= 3, 8000);
    const pmPid = Number(readFileSync(join(dir, 'pm.pid'), 'utf8'));
    assert.match(
      readFileSync(join(dir, 'pm.args'), 'utf8'),
      /--samplers cpu_power,gpu_power,thermal,tasks -f plist -i 1000/,
    );
    assert.ok(alive(pmPid));

    const killedAt = Date.now();
    app.kill('SIGKILL');
    await waitFor(() => !alive(pmPid), 3000);
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed < 3000, `powermetrics stand-in ended ${elapsed} ms after the app died`);
    assert.equal(await Promise.race([helperExit, delay(3000).then(() => 'still running')]), 0);
    stream.destroy();
    assert.ok(existsSync(fifo), 'the helper never removes or replaces the FIFO');
  },
);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
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

test('the elevator refuses a working directory that sudo-prompt would expand as root, before any prompt', async (t) => {
  const hostile = join(tempDir(t, 'idlewatt-cwd-'), 'repo\\"$(touch pwned)');
  mkdirSync(hostile);
  const before = process.cwd();
  process.chdir(hostile);
  try {
    const result = await sudoPromptElevator('true');
    assert.equal(result.outcome, 'failed');
    if (result.outcome === 'failed') assert.match(result.message, /working directory name contains \$/);
  } finally {
    process.chdir(before);
  }
  assert.equal(existsSync(join(hostile, 'pwned')), false);
});

test('a plain working directory passes the sudo-prompt check; a vanished one is refused', () => {
  assert.equal(
    sudoPromptCwdProblem(() => '/Users/ana/dev/idle-watt_2'),
    null,
  );
  assert.match(sudoPromptCwdProblem(() => '/tmp/a`id`') ?? '', /contains/);
  assert.match(sudoPromptCwdProblem(() => '/tmp/a\\b') ?? '', /contains/);
  const gone = sudoPromptCwdProblem(() => {
    throw Object.assign(new Error('uv_cwd'), { code: 'ENOENT' });
  });
  assert.match(gone ?? '', /working directory is unavailable \(ENOENT\)/);
});

test(
  'swapping the FIFO for a symlink to a file while the helper starts never makes root write that file',
  { skip: skipReason, timeout: 30_000 },
  async (t) => {
    const dir = tempDir(t, 'idlewatt-pm-');
    const fifo = join(dir, 'powermetrics.fifo');
    const realFifo = join(dir, 'real.fifo');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const standIn = join(dir, 'fake-powermetrics');
    writeFileSync(standIn, `#!/bin/sh\nwhile :; do printf 'plist\\000'; sleep 0.05; done\n`);
    chmodSync(standIn, 0o755);
    assert.equal(spawnSync('mkfifo', ['-m', '600', realFifo]).status, 0);
    const app = spawn('/bin/sh', ['-c', 'exec 5<>"$0"; exec sleep 60', realFifo], { stdio: 'ignore' });
    t.after(() => app.kill('SIGKILL'));
    const swapper = startSymlinkSwapper(t, realFifo, victim, fifo);
    await delay(200);
    const built = buildElevationCommand({
      ...base,
      appPid: app.pid!,
      directory: dir,
      fifoPath: fifo,
      intervalMs: 1000,
      powermetricsPath: standIn,
    });
    assert.ok(built.ok, !built.ok ? built.error : '');
    for (let i = 0; i < 150; i++) {
      const helper = spawn('/bin/sh', ['-c', built.command], { stdio: 'ignore', detached: true });
      await delay(20);
      try {
        process.kill(-helper.pid!, 'SIGKILL'); // the helper and its powermetrics stand-in
      } catch {
        // already gone
      }
    }
    swapper.kill('SIGKILL');
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  },
);
