import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodePowerView, decodeSample, encodeSample, lineTime } from '../../../main/store/record-codec.js';
import { makeSample, makeService, makeStackSample, T0 } from './sample-factory.js';

test('a stack sample round-trips through the compact record', () => {
  const sample = makeStackSample({
    at: T0 + 12_345,
    gap: true,
    thermal: { pressure: 'serious', cpuTempCelsius: 81.26 },
    topProcesses: [{ pid: 77, name: 'python3', cpuPercent: 43.219, rssBytes: 512 * 1024 * 1024 }],
  });
  const decoded = decodeSample(encodeSample(sample));
  assert.ok(decoded);
  assert.equal(decoded.at, sample.at);
  assert.equal(decoded.intervalMs, 5000);
  assert.equal(decoded.gap, true);
  assert.deepEqual(decoded.power, sample.power);
  assert.equal(decoded.thermal.pressure, 'serious');
  assert.equal(decoded.thermal.cpuTempCelsius, 81.3);
  assert.deepEqual(decoded.battery, sample.battery);
  assert.deepEqual(decoded.idle, sample.idle);
  assert.equal(decoded.energy.systemWattHours, Math.round(sample.energy.systemWattHours! * 1e7) / 1e7);
  assert.deepEqual(decoded.sources, {
    'power.systemWatts': { source: 'power-supply-discharge', kind: 'measured' },
  });
  assert.deepEqual(decoded.topProcesses, [
    { pid: 77, name: 'python3', cpuPercent: 43.22, rssBytes: 512 * 1024 * 1024 },
  ]);
  assert.equal(decoded.services.length, 6);
  const ollama = decoded.services.find((s) => s.id === 'ollama')!;
  const original = sample.services.find((s) => s.id === 'ollama')!;
  assert.equal(ollama.status, 'running');
  assert.equal(ollama.cpuPercent, original.cpuPercent);
  assert.equal(ollama.rssBytes, original.rssBytes);
  assert.equal(ollama.estimatedWatts, original.estimatedWatts);
  assert.deepEqual(ollama.models, original.models);
  assert.ok(
    Math.abs(decoded.energy.serviceWattHours.ollama! - sample.energy.serviceWattHours.ollama!) < 1e-7,
  );
});

test('a line stays under the 15 MB/day budget (17,280 lines of 5 s samples) with six services', () => {
  const line = encodeSample(
    makeStackSample({ topProcesses: [{ pid: 1, name: 'node', cpuPercent: 12.5, rssBytes: 1e9 }] }),
  );
  assert.ok(line.length + 1 < (15 * 1024 * 1024) / 17_280, `${line.length} bytes`);
});

test('nulls, stopped services, activity and energy for ids outside services survive', () => {
  const sample = makeSample({
    power: { cpuWatts: null, packageWatts: null, systemWatts: null },
    thermal: { pressure: null, throttled: null },
    battery: null,
    services: [
      makeService('whisper', { status: 'stopped', cpuPercent: null, rssBytes: null, estimatedWatts: null }),
      makeService('piper', { active: true, lastActiveAt: T0 - 1500 }),
    ],
    energy: { systemWattHours: null, serviceWattHours: { piper: 0.001, 'rest-of-system': 0.0042 } },
    sources: {},
  });
  const d = decodeSample(encodeSample(sample))!;
  assert.equal(d.power.systemWatts, null);
  assert.equal(d.thermal.pressure, null);
  assert.equal(d.thermal.throttled, null);
  assert.equal(d.battery, null);
  assert.equal(d.services[0]!.status, 'stopped');
  assert.equal(d.services[0]!.cpuPercent, null);
  assert.equal(d.services[1]!.active, true);
  assert.equal(d.services[1]!.lastActiveAt, T0 - 1500);
  assert.deepEqual(d.energy, {
    systemWattHours: null,
    serviceWattHours: { piper: 0.001, 'rest-of-system': 0.0042 },
  });
  assert.deepEqual(d.sources, {});
});

test('inferences survive in full and power-view decoding; lines without them read as none', () => {
  const sample = makeSample({
    services: [
      makeService('ollama', { active: false, inference: true }),
      makeService('piper', { active: true, lastActiveAt: T0 }),
    ],
  });
  const line = encodeSample(sample);
  const full = decodeSample(line)!;
  assert.equal(full.services[0]!.inference, true);
  assert.equal(full.services[1]!.inference, undefined);
  const view = decodePowerView(line)!;
  assert.deepEqual(
    view.services.map((s) => [s.id, s.active, s.inference === true]),
    [
      ['piper', true, false],
      ['ollama', false, true],
    ],
  );
  const without = encodeSample(makeSample({ services: [makeService('ollama', { inference: false })] }));
  assert.equal((JSON.parse(without.split('\t')[0]!) as unknown[]).length, 12, 'nothing added without one');
  assert.equal(decodeSample(without)!.services[0]!.inference, undefined);
  assert.deepEqual(decodePowerView(without)!.services, []);
});

test('non-finite numbers are stored as absent, never as numbers', () => {
  const d = decodeSample(encodeSample(makeSample({ power: { systemWatts: NaN, cpuWatts: Infinity } })))!;
  assert.equal(d.power.systemWatts, null);
  assert.equal(d.power.cpuWatts, null);
});

test('bad lines decode to null and never throw', () => {
  const good = encodeSample(makeStackSample());
  for (const bad of [
    '',
    '{}',
    '[]',
    'null',
    '[2,1,2]',
    good.slice(0, good.length - 7),
    good.replace('[1,', '[1,"x",'),
  ]) {
    assert.equal(decodeSample(bad), null, bad.slice(0, 40));
  }
  fc.assert(
    fc.property(fc.string(), (text) => {
      const result = decodeSample(text);
      assert.ok(result === null || typeof result.at === 'number');
    }),
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: good.length - 1 }), (cut) => {
      assert.equal(decodeSample(good.slice(0, cut)), null);
    }),
  );
});

test('lineTime reads the time without parsing', () => {
  assert.equal(lineTime(encodeSample(makeSample({ at: T0 + 7 }))), T0 + 7);
  assert.ok(Number.isNaN(lineTime('{"id":1}')));
  assert.ok(Number.isNaN(lineTime('[1,')));
});

test('a battery record written before the full-charge energy was kept reads it as unknown', () => {
  const line = encodeSample(makeStackSample());
  const tab = line.indexOf('\t');
  const record = JSON.parse(line.slice(0, tab));
  const battery = record.find(
    (field: unknown) => Array.isArray(field) && field.length === 5 && field[0] === 80,
  );
  assert.ok(battery, 'the battery field carries percent, state, AC, discharge and full charge');
  assert.equal(battery[4], 52.6);
  battery.pop();
  const decoded = decodeSample(`${JSON.stringify(record)}${line.slice(tab)}`);
  assert.equal(decoded?.battery?.fullChargeWattHours, null);
  assert.equal(decoded?.battery?.percent, 80);
});
