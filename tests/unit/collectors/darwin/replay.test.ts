import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PS_ARGS } from '../../../../main/collectors/darwin/ps.js';
import { createPowermetricsCollector } from '../../../../main/collectors/darwin/powermetrics.js';
import { createDarwinProcessCollector } from '../../../../main/collectors/darwin/processes.js';
import {
  createRecordingRunner,
  createReplayRunner,
  recordingOf,
  replayOf,
  RecordingError,
} from '../../../../main/collectors/darwin/replay.js';
import { createDarwinSocketCollector } from '../../../../main/collectors/darwin/sockets.js';
import { DARWIN_COLLECTORS } from '../../../../main/collectors/darwin/index.js';
import type { CollectorEnv, CommandRunner } from '../../../../main/collectors/types.js';
import { FIXTURES, tempDir } from '../../../helpers.js';

const RECORDING = join(FIXTURES, 'replay', 'darwin-m4max-stack');
const PS = [...PS_ARGS];

/** The manifest of a 2 s darwin recording of `ticks` ticks. */
function writeManifest(dir: string, ticks: number): void {
  const manifest = { format: 'idlewatt-recording', version: 1, platform: 'darwin', intervalMs: 2000, ticks };
  writeFileSync(join(dir, 'recording.json'), JSON.stringify(manifest));
}

test('the replay runner serves the recording tick by tick and loops at the end', async () => {
  const runner = await createReplayRunner(RECORDING);
  const control = replayOf(runner)!;
  assert.equal(control.manifest.ticks, 4);
  const outputs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const ps = await runner('ps', PS);
    assert.equal(ps.exitCode, 0);
    outputs.push(ps.stdout);
    assert.equal(control.tick(), (i % 4) + 1);
  }
  for (let t = 1; t <= 4; t++) {
    assert.equal(outputs[t - 1], readFileSync(join(RECORDING, 'outputs', `ps-${t}.txt`), 'utf8'));
  }
  assert.equal(outputs[4], outputs[0], 'after the last tick it starts again');
});

test('pid lists are blurred when matching, unknown commands are not-found results', async () => {
  const runner = await createReplayRunner(RECORDING);
  const files = await runner('lsof', ['-nP', '-F', 'pf', '-p', '1,2,3']);
  assert.match(files.stdout, /^p55294\n/);
  const missing = await runner('top', ['-l', '1']);
  assert.equal(missing.failure, 'not-found');
  assert.match(missing.stderr, /tick 1 has no output for top/);
  await assert.rejects(createReplayRunner(FIXTURES), RecordingError);
});

test('collectors run on the replay: processes, sockets with activity, powermetrics from the recorded plist', async () => {
  const runner = await createReplayRunner(RECORDING);
  const env: CollectorEnv = {
    sysRoot: '/',
    procRoot: '/proc',
    exec: runner,
    now: () => 1000,
    fetch: globalThis.fetch,
  };
  const processes = createDarwinProcessCollector(env);
  const sockets = createDarwinSocketCollector(env);
  const power = createPowermetricsCollector(env);
  const servicePorts = new Set([8766, 11434, 8880, 3000, 11402, 11401]);
  const watchPids = new Set([55294, 7101, 7202, 7303, 7404, 7505]);
  const remotePorts: number[][] = [];
  for (let tick = 1; tick <= 4; tick++) {
    const request = { slow: tick === 1, watchPids, servicePorts };
    const p = await processes.collect(request);
    const s = await sockets.collect(request);
    const w = await power.collect(request);
    assert.equal(p.status, 'ok');
    assert.equal(s.status, 'ok');
    assert.equal(w.status, 'ok');
    if (p.status !== 'ok' || s.status !== 'ok' || w.status !== 'ok') return;
    const vibevoice = p.value.processes!.find((x) => x.pid === 7202)!;
    assert.equal(vibevoice.startKey, '7202@8049.31', 'one incarnation keeps one key');
    assert.equal(vibevoice.pgid, undefined, 'the recorded ps predates the group column: unknown');
    assert.equal(vibevoice.threads, 14, 'counted on the slow tier (tick 1), carried after');
    assert.equal(vibevoice.openFiles, 118);
    assert.equal(s.value.sockets!.listening.length, 6);
    remotePorts.push(s.value.sockets!.connections.map((c) => c.remotePort));
    assert.equal(w.value.power!.packageWatts, 3.248);
  }
  assert.deepEqual(remotePorts, [
    [52001, 52010],
    [52001, 52020],
    [52001, 52020],
    [52001, 52030],
  ]);
});

test('every darwin registry row collects from the replay without throwing', async () => {
  const runner = await createReplayRunner(RECORDING);
  const env: CollectorEnv = {
    sysRoot: '/',
    procRoot: '/proc',
    exec: runner,
    now: () => 1000,
    fetch: globalThis.fetch,
  };
  for (const row of DARWIN_COLLECTORS) {
    const reading = await row
      .create(env)
      .collect({ slow: true, watchPids: new Set(), servicePorts: new Set() });
    if (row.id === 'darwin-pmset-therm') {
      // The recorded Mac is Apple silicon: pmset records nothing there, which is no reading.
      assert.deepEqual(reading, {
        status: 'absent',
        reason: 'unsupported',
        detail: 'pmset -g therm records no thermal levels on this Mac (Apple silicon)',
      });
      continue;
    }
    if (row.id === 'darwin-nettop' && reading.status === 'absent') {
      // The shipped recording predates the nettop collector: a command it lacks reads as not installed.
      assert.equal(reading.reason, 'not-present');
      continue;
    }
    assert.equal(reading.status, 'ok', `${row.id}: ${JSON.stringify(reading)}`);
  }
});

test('a recording made by the recording runner replays the same outputs', async (t) => {
  const dir = tempDir(t);
  let calls = 0;
  const inner: CommandRunner = async (file, args) => ({
    stdout: `${file} ${args.join(' ')} #${++calls}\n`,
    stderr: '',
    exitCode: 0,
  });
  const recorder = createRecordingRunner(inner, dir, { intervalMs: 2000, platform: 'darwin' });
  for (let tick = 0; tick < 3; tick++) {
    await recorder('ps', PS);
    await recorder('netstat', ['-anv', '-p', 'tcp']);
    recordingOf(recorder)!.recordPowermetricsDocument(`<plist>${tick}</plist>`);
  }
  await recordingOf(recorder)!.close();
  const manifest = JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8'));
  assert.deepEqual(manifest, {
    format: 'idlewatt-recording',
    version: 1,
    platform: 'darwin',
    intervalMs: 2000,
    ticks: 3,
  });
  const replay = await createReplayRunner(dir);
  const seen: string[] = [];
  for (let tick = 0; tick < 3; tick++) {
    seen.push((await replay('ps', PS)).stdout, (await replay('netstat', ['-anv', '-p', 'tcp'])).stdout);
    assert.deepEqual(
      replayOf(replay)!
        .takePowermetricsDocuments()
        .map((d) => d.toString('utf8')),
      [`<plist>${tick}</plist>\0`],
      'as the stream carries it: the document and its NUL',
    );
    assert.deepEqual(replayOf(replay)!.takePowermetricsDocuments(), [], 'once per visit');
  }
  assert.deepEqual(
    seen,
    [1, 2, 3, 4, 5, 6].map((n) => `${n % 2 ? 'ps ' + PS.join(' ') : 'netstat -anv -p tcp'} #${n}\n`),
  );
});

test('a hand-edited recording with a malformed command fails at load with its path, not inside the runner', async (t) => {
  const malformed: [string, unknown][] = [
    ['no file', { args: [], stdout: 'outputs/a.txt', stderr: '', exitCode: 0 }],
    ['args not an array', { file: 'ps', args: '-ax', stdout: 'outputs/a.txt', stderr: '', exitCode: 0 }],
    [
      'a number exit code as text',
      { file: 'ps', args: [], stdout: 'outputs/a.txt', stderr: '', exitCode: '0' },
    ],
    ['null command', null],
    [
      'a NUL inside an argument (no real argv holds one; command keys are NUL-joined)',
      { file: 'lsof', args: ['-p\u00001'], stdout: 'outputs/a.txt', stderr: '', exitCode: 0 },
    ],
  ];
  for (const [label, command] of malformed) {
    const dir = tempDir(t, 'idlewatt-bad-recording-');
    mkdirSync(join(dir, 'ticks'));
    mkdirSync(join(dir, 'outputs'));
    writeFileSync(join(dir, 'outputs', 'a.txt'), 'x');
    writeManifest(dir, 1);
    writeFileSync(join(dir, 'ticks', '000001.json'), JSON.stringify({ commands: [command] }));
    await assert.rejects(createReplayRunner(dir), (error: Error) => {
      assert.ok(error instanceof RecordingError, `${label}: ${error.message}`);
      assert.match(error.message, /000001\.json: command 1/, label);
      return true;
    });
  }
});

test('notify(3) states recorded per tick are written inline and replayed with their tick', async (t) => {
  const dir = tempDir(t);
  const inner: CommandRunner = async () => ({ stdout: 'x\n', stderr: '', exitCode: 0 });
  const recorder = createRecordingRunner(inner, dir, { intervalMs: 2000, platform: 'darwin' });
  const { recordingOf, replayOf } = await import('../../../../main/collectors/darwin/replay.js');
  for (const level of [0, 2]) {
    await recorder('ps', PS);
    recordingOf(recorder)!.notifySnapshot().states = { 'com.apple.system.thermalpressurelevel': level };
  }
  await recordingOf(recorder)!.close();
  const tick2 = JSON.parse(readFileSync(join(dir, 'ticks', '000002.json'), 'utf8'));
  assert.deepEqual(tick2.notify, { states: { 'com.apple.system.thermalpressurelevel': 2 } });
  const replay = replayOf(await createReplayRunner(dir))!;
  assert.equal(replay.hasNotify, true);
  assert.deepEqual(replay.notifySnapshot(), { states: { 'com.apple.system.thermalpressurelevel': 0 } });
  replay.nextTick();
  assert.deepEqual(replay.notifySnapshot(), { states: { 'com.apple.system.thermalpressurelevel': 2 } });
});

test('a recording keeps when each tick was read and what HTTP probes answered; the replay serves both', async (t) => {
  const dir = tempDir(t);
  let clock = 5_000;
  const inner: CommandRunner = async () => ({ stdout: 'out\n', stderr: '', exitCode: 0 });
  const recorder = createRecordingRunner(inner, dir, {
    intervalMs: 2000,
    platform: 'darwin',
    now: () => clock,
  });
  const control = recordingOf(recorder)!;
  const probe = control.recordFetch(async () => new Response('{"models":[]}', { status: 200 }));
  for (const step of [0, 2100, 1900]) {
    clock += step;
    await recorder('ps', PS);
    assert.equal(await (await probe('http://127.0.0.1:11434/api/ps')).text(), '{"models":[]}');
    control.nextTick();
  }
  await control.close();
  assert.deepEqual(
    [1, 2, 3].map((n) => JSON.parse(readFileSync(join(dir, 'ticks', `00000${n}.json`), 'utf8')).at),
    [0, 2100, 4000],
  );

  const replay = replayOf(await createReplayRunner(dir))!;
  assert.equal(replay.hasHttp, true);
  assert.equal(replay.passMs, 6000, 'first tick to one interval after the last');
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    times.push(replay.time());
    assert.equal(replay.restarted(), i === 3 || i === 6, `pass restarts at visit ${i + 1}`);
    replay.nextTick();
  }
  assert.deepEqual(times, [0, 2100, 4000, 6000, 8100, 10000, 12000]);
  const answer = await replay.fetch('http://127.0.0.1:11434/api/ps');
  assert.equal(answer.status, 200);
  assert.equal(await answer.text(), '{"models":[]}');
  await assert.rejects(replay.fetch('http://127.0.0.1:8880/health'), /fetch failed/);
});

test('a recording without tick times reads as evenly spaced; times that do not increase are refused', async (t) => {
  const shipped = replayOf(await createReplayRunner(RECORDING))!;
  assert.equal(shipped.hasHttp, false);
  const times: number[] = [];
  for (let i = 0; i < 5; i++, shipped.nextTick()) times.push(shipped.time());
  assert.deepEqual(times, [0, 2000, 4000, 6000, 8000]);

  const dir = tempDir(t);
  mkdirSync(join(dir, 'ticks'));
  writeManifest(dir, 2);
  for (const [n, at] of [
    [1, 1000],
    [2, 1000],
  ]) {
    writeFileSync(join(dir, 'ticks', `00000${n}.json`), JSON.stringify({ at, commands: [] }));
  }
  await assert.rejects(createReplayRunner(dir), /000002\.json: at must be a number of ms after the previous/);
});
