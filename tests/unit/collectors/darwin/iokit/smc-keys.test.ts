import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summariseHidTemperatures } from '../../../../../main/collectors/darwin/iokit/hid-clusters.js';
import {
  fanIndexesFromKeys,
  isPlausibleFanRpm,
  isPlausibleTemperature,
  parseChip,
  temperatureKeysByFamily,
  temperatureKeysFor,
} from '../../../../../main/collectors/darwin/iokit/smc-keys.js';

test('the brand string names the chip generation and tier', () => {
  assert.deepEqual(parseChip('Apple M4 Max\n'), { family: 'm4', tier: 'Max', brand: 'Apple M4 Max' });
  assert.equal(parseChip('Apple M1').family, 'm1');
  assert.equal(parseChip('Apple M3 Pro').tier, 'Pro');
  assert.equal(parseChip('Apple M9 Ultra').family, 'apple-other');
  assert.equal(parseChip('Apple processor').family, 'apple-other');
  assert.equal(parseChip('Intel(R) Core(TM) i9-9980HK CPU @ 2.40GHz').family, 'intel');
  assert.equal(parseChip('').family, 'unknown');
});

test('each generation has its own die keys (Stats SensorsList); M4 GPU keys differ by tier', () => {
  const keys = (brand: string) => temperatureKeysFor(parseChip(brand)).map((k) => `${k.cluster}:${k.key}`);
  assert.ok(keys('Apple M1').includes('cpu-efficiency:Tp09'));
  assert.ok(keys('Apple M2').includes('cpu-efficiency:Tp1h'));
  assert.ok(keys('Apple M3 Max').includes('cpu-performance:Tf04'));
  assert.ok(keys('Apple M3 Max').includes('gpu:Tf14'));
  assert.ok(keys('Apple M4').includes('gpu:Tg0G'));
  assert.ok(!keys('Apple M4').includes('gpu:Tg1U'));
  assert.ok(keys('Apple M4 Pro').includes('gpu:Tg1U'));
  assert.ok(keys('Apple M5').includes('cpu-super:Tp00'));
  assert.ok(keys('Intel(R) Core(TM) i7').includes('cpu:TC0P'));
  assert.deepEqual(keys('Apple M9'), []);
  for (const brand of ['Apple M1', 'Apple M2', 'Apple M3', 'Apple M4 Max', 'Apple M5']) {
    const list = keys(brand);
    assert.equal(new Set(list).size, list.length, `${brand}: no key twice`);
  }
});

test('unknown chips fall back to macmon key families over the enumerated keys', () => {
  const found = temperatureKeysByFamily(['PSTR', 'Tp01', 'Te05', 'Ts0P', 'Tg0f', 'TB0T', 'Tp01', 'F0Ac']);
  assert.deepEqual(
    found.map((k) => `${k.cluster}:${k.key}`),
    ['cpu:Te05', 'gpu:Tg0f', 'cpu:Tp01', 'cpu:Ts0P'],
  );
  assert.deepEqual(fanIndexesFromKeys(['F1Ac', 'F0Ac', 'F0Mx', 'FNum', 'F1Ac']), [0, 1]);
});

test('plausibility: 0 °C is no reading, a stopped fan is', () => {
  assert.equal(isPlausibleTemperature(0), false);
  assert.equal(isPlausibleTemperature(151), false);
  assert.equal(isPlausibleTemperature(46.9), true);
  assert.equal(isPlausibleFanRpm(0), true);
  assert.equal(isPlausibleFanRpm(-1), false);
  assert.equal(isPlausibleFanRpm(Number.NaN), false);
});

test('IOHID sensors are averaged per cluster; CPU is pACC and eACC together (macmon get_temp_hid)', () => {
  const summary = summariseHidTemperatures([
    { name: 'pACC MTR Temp Sensor0', celsius: 50 },
    { name: 'pACC MTR Temp Sensor1', celsius: 54 },
    { name: 'eACC MTR Temp Sensor0', celsius: 40 },
    { name: 'GPU MTR Temp Sensor1', celsius: 38 },
    { name: 'GPU MTR Temp Sensor4', celsius: 36 },
    { name: 'SOC MTR Temp Sensor0', celsius: 42 },
    { name: 'NAND CH0 temp', celsius: 33 },
    { name: 'pACC MTR Temp Sensor2', celsius: 0 },
    { name: 'gas gauge battery', celsius: 29 },
  ]);
  assert.equal(summary.cpuCelsius, (50 + 54 + 40) / 3);
  assert.equal(summary.gpuCelsius, 37);
  assert.equal(summary.rejected, 1, 'a 0 °C sensor is dropped, not averaged in');
  assert.deepEqual(
    summary.clusters.map((c) => [c.id, c.celsius, c.sensors]),
    [
      ['cpu-performance', 52, 2],
      ['cpu-efficiency', 40, 1],
      ['gpu', 37, 2],
      ['soc', 42, 1],
    ],
  );
  const none = summariseHidTemperatures([{ name: 'NAND CH0 temp', celsius: 33 }]);
  assert.equal(none.cpuCelsius, null);
  assert.equal(none.gpuCelsius, null);
});
