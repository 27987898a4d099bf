import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PS_ARGS } from '../../../../../main/collectors/darwin/ps.js';
import { createCollectors } from '../../../../../main/collectors/setup.js';
import { createIokitCollector } from '../../../../../main/collectors/darwin/iokit/collector.js';
import { iokitOpenerFor } from '../../../../../main/collectors/darwin/iokit/open.js';
import { recordIokit } from '../../../../../main/collectors/darwin/iokit/snapshot.js';
import {
  createRecordingRunner,
  createReplayRunner,
  recordingOf,
  RecordingError,
} from '../../../../../main/collectors/darwin/replay.js';
import type { CollectorEnv, CommandRunner, Observation } from '../../../../../main/collectors/types.js';
import { FIXTURES, tempDir } from '../../../../helpers.js';
import { fakeHidPort, fakePorts, fakeSmcPort, flt, M4_MAX_KEYS } from './fake-smc.js';

const REQUEST = { slow: false, watchPids: new Set<number>(), servicePorts: new Set<number>() };
const PS = [...PS_ARGS];

const machine: CommandRunner = async (file) =>
  file === 'sysctl'
    ? { stdout: 'Apple M4 Max\n', stderr: '', exitCode: 0 }
    : { stdout: '  1 0 100 0:01.00 launchd\n', stderr: '', exitCode: 0 };

const envOf = (exec: CommandRunner): CollectorEnv => ({
  sysRoot: '/',
  procRoot: '/proc',
  exec,
  now: () => 5_000,
  fetch: globalThis.fetch,
});

test('--record writes each tick’s SMC/IOHID answers; --replay gives the same observations anywhere', async (t) => {
  const dir = tempDir(t);
  const recorder = createRecordingRunner(machine, dir, { intervalMs: 2000, platform: 'darwin' });
  const control = recordingOf(recorder)!;
  let watts = 10;
  const keys = { ...M4_MAX_KEYS };
  const live = createIokitCollector(envOf(recorder), {
    open: () =>
      recordIokit(
        () => ({
          ok: true,
          ports: fakePorts(
            {
              read: (key) => (key === 'PSTR' ? fakeSmcPort({ PSTR: flt(watts) }).read(key) : smc.read(key)),
              listKeys: () => smc.listKeys(),
            },
            fakeHidPort({ 'pACC MTR Temp Sensor0': 50 }),
          ),
        }),
        () => control.iokitSnapshot(),
      ),
  });
  const smc = fakeSmcPort(keys);
  const recorded: Observation[] = [];
  for (let tick = 0; tick < 3; tick++) {
    await recorder('ps', PS); // the command collectors open each tick
    watts = 10 + tick;
    const r = await live.collect(REQUEST);
    assert.equal(r.status, 'ok');
    recorded.push((r as { value: Observation }).value);
  }
  await control.close();
  const tick1 = JSON.parse(readFileSync(join(dir, 'ticks', '000001.json'), 'utf8')) as { iokit?: string };
  assert.equal(tick1.iokit, 'outputs/000001-iokit.json');
  const snapshot = JSON.parse(readFileSync(join(dir, tick1.iokit), 'utf8'));
  assert.deepEqual(snapshot.smc.values.F0Ac, { type: 'flt ', bytes: 'd0f49c44' });
  assert.ok(Array.isArray(snapshot.smc.keys), 'the discovery key list is in the first tick');
  assert.equal(snapshot.hid, undefined, 'IOHID was not read: the SMC had die temperatures');

  const replay = await createReplayRunner(dir);
  const env = envOf(replay);
  const replayed = createIokitCollector(env, { open: iokitOpenerFor(env) });
  for (let tick = 0; tick < 4; tick++) {
    await replay('ps', PS);
    const r = await replayed.collect(REQUEST);
    assert.deepEqual(r, { status: 'ok', value: recorded[tick % 3], at: 5_000 }, `tick ${tick + 1}`);
  }
});

test('an open that failed on the Mac replays as the same absence', async (t) => {
  const dir = tempDir(t);
  const recorder = createRecordingRunner(machine, dir, { intervalMs: 2000, platform: 'darwin' });
  const control = recordingOf(recorder)!;
  const failed = () => ({
    ok: false as const,
    reason: 'unsupported' as const,
    detail: 'the koffi FFI library did not load: x',
  });
  const live = createIokitCollector(envOf(recorder), {
    open: () => recordIokit(failed, () => control.iokitSnapshot()),
  });
  await recorder('ps', PS);
  const first = await live.collect(REQUEST);
  await control.close();
  const replay = await createReplayRunner(dir);
  const env = envOf(replay);
  await replay('ps', PS);
  assert.deepEqual(await createIokitCollector(env, { open: iokitOpenerFor(env) }).collect(REQUEST), first);
});

test('a recording made before IOKit readings existed replays them as absent, with the reason', async (t) => {
  const dir = tempDir(t);
  const recorder = createRecordingRunner(machine, dir, { intervalMs: 2000, platform: 'darwin' });
  await recorder('ps', PS);
  await recordingOf(recorder)!.close();
  const replay = await createReplayRunner(dir);
  const iokit = createCollectors({ platform: 'darwin', sysRoot: '/', procRoot: '/proc', exec: replay }).find(
    (c) => c.definition.id === 'darwin-iokit',
  )!;
  assert.deepEqual(await iokit.instance.collect(REQUEST), {
    status: 'absent',
    reason: 'no-data',
    detail: 'this recording has no IOKit (SMC/IOHID) readings',
  });
});

test('the shipped M4 Max recording replays PSTR, die temperatures and both fans', async () => {
  const replay = await createReplayRunner(join(FIXTURES, 'replay', 'darwin-m4max-stack'));
  const env = envOf(replay);
  const iokit = createIokitCollector(env, { open: iokitOpenerFor(env) });
  const r = await iokit.collect(REQUEST);
  assert.equal(r.status, 'ok', JSON.stringify(r));
  const o = (r as { value: Observation }).value;
  assert.deepEqual(o.power, { source: 'smc', systemWatts: 9.31 });
  assert.equal(o.thermal?.fanRpm?.length, 2);
  assert.equal(o.thermal?.fanRpm?.[0], 1256, 'the captured F0Ac bytes');
  const cpu = o.thermal?.cpuTempCelsius ?? 0;
  assert.ok(cpu > 40 && cpu < 60, `${cpu} °C`);
  assert.equal(o.absent, undefined);
});

test('on a machine without IOKit the registry row is absent (unsupported), and importing it loaded nothing', async () => {
  const iokit = createCollectors({ platform: 'darwin', sysRoot: '/', procRoot: '/proc', exec: machine }).find(
    (c) => c.definition.id === 'darwin-iokit',
  )!;
  const reading = await iokit.instance.collect(REQUEST);
  if (process.platform === 'darwin') {
    console.log('# on a Mac: the real IOKit answered', reading.status);
    return;
  }
  assert.deepEqual(reading, {
    status: 'absent',
    reason: 'unsupported',
    detail: 'IOKit exists only on macOS',
  });
});

test('a malformed IOKit snapshot is rejected when the recording loads, naming the file', async (t) => {
  const dir = tempDir(t);
  const recorder = createRecordingRunner(machine, dir, { intervalMs: 2000, platform: 'darwin' });
  const control = recordingOf(recorder)!;
  await recorder('ps', PS);
  control.iokitSnapshot().smc = { values: { PSTR: { type: 'flt ', bytes: '0000a041' } } };
  await control.close();
  const file = readdirSync(join(dir, 'outputs')).find((f) => f.endsWith('-iokit.json'))!;
  writeFileSync(
    join(dir, 'outputs', file),
    JSON.stringify({ smc: { values: { PSTR: { type: 'flt ', bytes: 'zz' } } } }),
  );
  await assert.rejects(
    createReplayRunner(dir),
    (e: Error) => e instanceof RecordingError && /iokit.*bytes are not hex/.test(e.message),
  );
  writeFileSync(join(dir, 'outputs', file), '{not json');
  await assert.rejects(createReplayRunner(dir), RecordingError);
});
