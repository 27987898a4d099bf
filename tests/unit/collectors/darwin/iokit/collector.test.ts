import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Reading } from '../../../../../main/contract/index.js';
import { createIokitCollector } from '../../../../../main/collectors/darwin/iokit/collector.js';
import type { IokitOpenResult } from '../../../../../main/collectors/darwin/iokit/ports.js';
import type { CollectorEnv, CommandRunner, Observation } from '../../../../../main/collectors/types.js';
import { fakeHidPort, fakePorts, fakeSmcPort, flt, M4_MAX_KEYS, ui8, type FakeKeys } from './fake-smc.js';

const REQUEST = { slow: false, watchPids: new Set<number>(), servicePorts: new Set<number>() };

function env(brand: string | null): CollectorEnv & { commands: string[] } {
  const commands: string[] = [];
  const exec: CommandRunner = async (file, args) => {
    commands.push([file, ...args].join(' '));
    if (file === 'sysctl' && brand !== null) return { stdout: `${brand}\n`, stderr: '', exitCode: 0 };
    return { stdout: '', stderr: 'unknown oid', exitCode: 1 };
  };
  return { sysRoot: '/', procRoot: '/proc', exec, now: () => 1_000, fetch: globalThis.fetch, commands };
}

function value(reading: Reading<Observation>): Observation {
  assert.equal(reading.status, 'ok', JSON.stringify(reading));
  return (reading as { value: Observation }).value;
}

const opened = (
  smc: FakeKeys | string,
  hid: Record<string, number> | string = 'IOHID not used',
): IokitOpenResult => ({
  ok: true,
  ports: fakePorts(
    typeof smc === 'string' ? smc : fakeSmcPort(smc),
    typeof hid === 'string' ? hid : fakeHidPort(hid),
  ),
});

test('an M4 Max: PSTR is whole-machine watts, die keys per cluster, both fans, sources labelled', async () => {
  const e = env('Apple M4 Max');
  const collector = createIokitCollector(e, { open: () => opened(M4_MAX_KEYS) });
  const o = value(await collector.collect(REQUEST));
  assert.deepEqual(o.power, { source: 'smc', systemWatts: 18.25 });
  assert.equal(o.thermal?.source, 'smc');
  assert.equal(o.thermal?.cpuTempCelsius, Math.round(((46.92734146118164 + 45.5 + 52 + 54) / 4) * 10) / 10);
  assert.equal(o.thermal?.gpuTempCelsius, 42);
  assert.deepEqual(o.thermal?.fanRpm, [1256, 1302]);
  assert.deepEqual(o.thermal?.sources, {
    cpuTempCelsius: 'smc',
    gpuTempCelsius: 'smc',
    sensors: 'smc',
    fanRpm: 'smc',
  });
  assert.deepEqual(
    o.thermal?.sensors?.map((s) => s.label),
    [
      'CPU efficiency cores (SMC, mean of 2)',
      'CPU performance cores (SMC, mean of 2)',
      'GPU (SMC, mean of 2)',
    ],
  );
  assert.equal(o.absent, undefined);
  assert.deepEqual(e.commands, ['sysctl -n machdep.cpu.brand_string'], 'the chip is asked once');
  await collector.collect(REQUEST);
  assert.equal(e.commands.length, 1);
});

test('an SMC without die temperature keys: IOHID clusters give the temperatures, the SMC the fans', async () => {
  const hid = {
    'pACC MTR Temp Sensor0': 48,
    'pACC MTR Temp Sensor1': 50,
    'eACC MTR Temp Sensor0': 40,
    'GPU MTR Temp Sensor1': 35,
  };
  const collector = createIokitCollector(env('Apple M1'), {
    open: () => opened({ PSTR: flt(7.5), FNum: ui8(1), F0Ac: flt(1700.4) }, hid),
  });
  const o = value(await collector.collect(REQUEST));
  assert.equal(o.thermal?.source, 'iohid');
  assert.equal(o.thermal?.cpuTempCelsius, 46);
  assert.equal(o.thermal?.gpuTempCelsius, 35);
  assert.deepEqual(o.thermal?.fanRpm, [1700]);
  assert.deepEqual(o.thermal?.sources, {
    cpuTempCelsius: 'iohid',
    gpuTempCelsius: 'iohid',
    sensors: 'iohid',
    fanRpm: 'smc',
  });
  assert.deepEqual(
    o.thermal?.sensors?.map((s) => [s.label, s.celsius]),
    [
      ['CPU performance cores (IOHID, mean of 2)', 49],
      ['CPU efficiency cores (IOHID, mean of 1)', 40],
      ['GPU (IOHID, mean of 1)', 35],
    ],
  );
});

test('IOHID is not read while the SMC has die temperatures', async () => {
  const hid = fakeHidPort({ 'pACC MTR Temp Sensor0': 99 });
  const collector = createIokitCollector(env('Apple M4 Max'), {
    open: () => ({ ok: true, ports: fakePorts(fakeSmcPort(M4_MAX_KEYS), hid) }),
  });
  value(await collector.collect(REQUEST));
  assert.equal(hid.reads, 0);
});

test('a fanless Mac without PSTR: those figures are absent with reasons, never 0', async () => {
  const collector = createIokitCollector(env('Apple M2'), {
    open: () => opened({ FNum: ui8(0), Tp01: flt(40), Tp1h: flt(36), Tg0f: flt(33) }),
  });
  const o = value(await collector.collect(REQUEST));
  assert.equal(o.power, undefined);
  assert.equal(o.thermal?.fanRpm, undefined);
  assert.equal(o.thermal?.cpuTempCelsius, 38);
  assert.deepEqual(o.absent, {
    'power.systemWatts': 'no PSTR key on this Mac',
    'thermal.fanRpm': 'this Mac has no fans (FNum = 0)',
  });
});

test('implausible values are dropped: a 0 °C key is no reading, a stopped fan is 0 rpm', async () => {
  const collector = createIokitCollector(env('Apple M1'), {
    open: () => opened({ FNum: ui8(1), F0Ac: flt(0), Tp01: flt(0), Tp05: flt(44), PSTR: flt(-3) }),
  });
  const o = value(await collector.collect(REQUEST));
  assert.equal(o.thermal?.cpuTempCelsius, 44);
  assert.deepEqual(o.thermal?.fanRpm, [0]);
  assert.equal(o.power, undefined);
  assert.match(o.absent?.['power.systemWatts'] ?? '', /PSTR read -3 W/);
});

test('an unknown chip uses the enumerated Tp/Te/Ts/Tg families; an unknown brand too', async () => {
  const collector = createIokitCollector(env('Apple M9 Max'), {
    open: () => opened({ Tp7Z: flt(60), Ts0Q: flt(50), Tg9A: flt(40), TB0T: flt(30) }),
  });
  const o = value(await collector.collect(REQUEST));
  assert.equal(o.thermal?.cpuTempCelsius, 55);
  assert.equal(o.thermal?.gpuTempCelsius, 40);
  const noBrand = createIokitCollector(env(null), { open: () => opened({ Te05: flt(41) }) });
  assert.equal(value(await noBrand.collect(REQUEST)).thermal?.cpuTempCelsius, 41);
});

test('an Intel Mac: sp78 die temperatures and fpe2 fans', async () => {
  const collector = createIokitCollector(env('Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz'), {
    open: () =>
      opened({
        TC0P: { type: 'sp78', hex: '36 40' },
        TG0P: { type: 'sp78', hex: '2e 40' },
        FNum: ui8(1),
        F0Ac: { type: 'fpe2', hex: '13 88' },
      }),
  });
  const o = value(await collector.collect(REQUEST));
  assert.equal(o.thermal?.cpuTempCelsius, 54.3);
  assert.equal(o.thermal?.gpuTempCelsius, 46.3);
  assert.deepEqual(o.thermal?.fanRpm, [1250]);
});

test('nothing to open, or nothing readable: the collector is absent with the reason', async () => {
  const unsupported = createIokitCollector(env('Apple M4'), {
    open: () => ({ ok: false, reason: 'unsupported', detail: 'the koffi FFI library did not load: nope' }),
  });
  assert.deepEqual(await unsupported.collect(REQUEST), {
    status: 'absent',
    reason: 'unsupported',
    detail: 'the koffi FFI library did not load: nope',
  });
  const neither = createIokitCollector(env('Apple M4'), {
    open: () => opened('IOServiceOpen(AppleSMC): kern_return 0xe00002c7', 'no IOHID client'),
  });
  const r = await neither.collect(REQUEST);
  assert.equal(r.status, 'absent');
  assert.match((r as { detail: string }).detail, /IOServiceOpen\(AppleSMC\)/);
});

test('the SMC closed by close(); a throwing port is an error reading, and the next tick works', async () => {
  const ports = fakePorts(fakeSmcPort(M4_MAX_KEYS), 'unused');
  let explode = false;
  const smc = ports.smc.ok ? ports.smc.port : null;
  const wrapped = fakePorts(
    {
      read: (key) => {
        if (explode) throw new Error('boom');
        return smc!.read(key);
      },
      listKeys: () => smc!.listKeys(),
    },
    'unused',
  );
  const collector = createIokitCollector(env('Apple M4 Max'), { open: () => ({ ok: true, ports: wrapped }) });
  value(await collector.collect(REQUEST));
  explode = true;
  assert.deepEqual(await collector.collect(REQUEST), { status: 'error', message: 'IOKit: boom' });
  explode = false;
  value(await collector.collect(REQUEST));
  await collector.close?.();
  assert.equal(wrapped.closed, 1);
});

test('SMC refused, IOHID open: temperatures from IOHID, watts and fans absent with the SMC’s reason', async () => {
  const collector = createIokitCollector(env('Apple M1 Pro'), {
    open: () => opened('IOServiceOpen(AppleSMC): kern_return 0xe00002c7', { 'eACC MTR Temp Sensor0': 39 }),
  });
  const o = value(await collector.collect(REQUEST));
  assert.equal(o.thermal?.cpuTempCelsius, 39);
  assert.equal(o.thermal?.source, 'iohid');
  assert.equal(o.power, undefined);
  assert.deepEqual(o.absent, {
    'power.systemWatts': 'SMC: IOServiceOpen(AppleSMC): kern_return 0xe00002c7',
    'thermal.gpuTempCelsius': 'no GPU die temperature key or IOHID GPU sensor on this Mac',
    'thermal.fanRpm': 'SMC: IOServiceOpen(AppleSMC): kern_return 0xe00002c7',
  });
});
