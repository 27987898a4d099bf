import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../../main/collectors/types.js';
import { mergeFigures } from '../../../main/sampler/merge.js';

const powermetricsIntel: Observation = {
  power: { source: 'powermetrics', packageWatts: 9 },
  thermal: { source: 'powermetrics', pressure: 'nominal', cpuTempCelsius: 61, fanRpm: [2100, 2200] },
};
const iokit: Observation = {
  power: { source: 'smc', systemWatts: 31.5 },
  thermal: {
    source: 'iohid',
    cpuTempCelsius: 58.2,
    fanRpm: [2110, 2190],
    sensors: [{ label: 'CPU performance cores (IOHID, mean of 4)', celsius: 60 }],
    sources: { cpuTempCelsius: 'iohid', sensors: 'iohid', fanRpm: 'smc' },
  },
};

test('SMC/IOHID temperatures and fans come first; powermetrics smc is the second source; fans never doubled', () => {
  const merged = mergeFigures([powermetricsIntel, iokit], new Map());
  assert.equal(merged.thermal.cpuTempCelsius, 58.2);
  assert.deepEqual(merged.thermal.fanRpm, [2110, 2190]);
  assert.deepEqual(merged.sources['thermal.cpuTempCelsius'], { source: 'iohid', kind: 'measured' });
  assert.deepEqual(merged.sources['thermal.fanRpm'], { source: 'smc', kind: 'measured' });
  assert.equal(merged.thermal.pressure, 'nominal', 'pressure still comes from powermetrics');
  assert.deepEqual(merged.sources['thermal.pressure'], { source: 'powermetrics', kind: 'measured' });

  const second = mergeFigures([powermetricsIntel], new Map());
  assert.equal(second.thermal.cpuTempCelsius, 61);
  assert.deepEqual(second.thermal.fanRpm, [2100, 2200]);
  assert.deepEqual(second.sources['thermal.fanRpm'], { source: 'powermetrics', kind: 'measured' });
});

test('PSTR gives whole-machine watts, labelled smc, where nothing better measures the machine', () => {
  const merged = mergeFigures([iokit], new Map());
  assert.equal(merged.power.systemWatts, 31.5);
  assert.deepEqual(merged.sources['power.systemWatts'], { source: 'smc', kind: 'measured' });
});

test("a source's own reason for a missing figure reaches the sample", () => {
  const fanless: Observation = {
    thermal: { source: 'smc', cpuTempCelsius: 40 },
    absent: {
      'power.systemWatts': 'no PSTR key on this Mac',
      'thermal.fanRpm': 'this Mac has no fans (FNum = 0)',
    },
  };
  const merged = mergeFigures([fanless], new Map([['power', 'darwin-powermetrics: permission']]));
  assert.equal(merged.power.systemWatts, null);
  assert.equal(
    merged.absent['power.systemWatts'],
    'no PSTR key on this Mac; darwin-powermetrics: permission',
  );
  assert.equal(merged.absent['thermal.fanRpm'], 'this Mac has no fans (FNum = 0)');
  const withFans = mergeFigures([fanless, powermetricsIntel], new Map());
  assert.equal(withFans.absent['thermal.fanRpm'], undefined, 'another source measured the fans');
});

test('with the password too, PSTR (the whole machine) stays the system figure; the package stays package', () => {
  const merged = mergeFigures([powermetricsIntel, iokit], new Map());
  assert.equal(merged.power.systemWatts, 31.5);
  assert.deepEqual(merged.sources['power.systemWatts'], { source: 'smc', kind: 'measured' });
  assert.equal(merged.power.packageWatts, 9);
});
