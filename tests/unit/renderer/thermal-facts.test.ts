import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../../main/contract/sample.js';
import { headerModel } from '../../../renderer/model/header-model.js';
import { thermalFacts } from '../../../renderer/model/thermal-model.js';
import { syntheticSample } from '../../e2e/synthetic-data.js';

const NOW = new Date(2024, 4, 6, 15, 10).getTime();
const base = (): Sample =>
  syntheticSample(NOW, 5000, {
    dataStart: NOW - 86_400_000,
    withPower: true,
    failingCollector: null,
    services: true,
  });

test('an Apple silicon sample: temperatures from IOHID, fans and system watts from the SMC, each labelled', () => {
  const sample = base();
  sample.thermal = { ...sample.thermal, cpuTempCelsius: 48.6, gpuTempCelsius: null, fanRpm: [1256, 1302] };
  sample.sources['thermal.cpuTempCelsius'] = { source: 'iohid', kind: 'measured' };
  sample.sources['thermal.fanRpm'] = { source: 'smc', kind: 'measured' };
  sample.absent['thermal.gpuTempCelsius'] = 'no GPU die temperature key or IOHID GPU sensor on this Mac';
  sample.sources['power.systemWatts'] = { source: 'smc', kind: 'measured' };
  const facts = thermalFacts(sample);
  assert.deepEqual(facts.cpu, { value: '49 °C \u00b7 IOHID', title: 'Measured by iohid' });
  assert.deepEqual(facts.fans, { value: '1,256 rpm, 1,302 rpm \u00b7 SMC', title: 'Measured by smc' });
  assert.equal(facts.gpu.value, '\u2014');
  assert.match(facts.gpu.title, /^Not measured: no GPU die temperature key/);
  assert.equal(headerModel(sample, NOW).source, 'system \u00b7 measured (smc)');
});

test('no fans: the reason when a source gave one, else "none reported"', () => {
  const sample = base();
  sample.thermal = { ...sample.thermal, fanRpm: [] };
  delete sample.absent['thermal.fanRpm'];
  assert.deepEqual(thermalFacts(sample).fans, { value: 'none reported', title: '' });
  sample.absent['thermal.fanRpm'] = 'this Mac has no fans (FNum = 0)';
  assert.deepEqual(thermalFacts(sample).fans, {
    value: '\u2014',
    title: 'Not measured: this Mac has no fans (FNum = 0)',
  });
  assert.equal(thermalFacts(null).cpu.value, '\u2014');
});
