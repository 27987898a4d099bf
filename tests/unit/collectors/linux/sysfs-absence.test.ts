import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHwmonCollector } from '../../../../main/collectors/linux/hwmon.js';
import { createPowerSupplyCollector } from '../../../../main/collectors/linux/power-supply.js';
import { createRaplCollector } from '../../../../main/collectors/linux/rapl.js';
import { createThermalZoneCollector } from '../../../../main/collectors/linux/thermal-zone.js';
import type { CollectorEnv, CollectorInstance } from '../../../../main/collectors/types.js';
import { tempDir } from '../../../helpers.js';
import { linuxEnv, manualClock, NODE_EXPORTER_SYS, request, writeTree } from './linux-env.js';

const collectors: [string, (env: CollectorEnv) => CollectorInstance][] = [
  ['hwmon', createHwmonCollector],
  ['thermal-zone', createThermalZoneCollector],
  ['power-supply', createPowerSupplyCollector],
  ['rapl', createRaplCollector],
];

for (const [name, create] of collectors) {
  test(`${name}: a sysfs class found absent is listed again after 30 s, not on every tick`, async (t) => {
    const sysRoot = tempDir(t);
    const clock = manualClock();
    const collector = create(linuxEnv({ sysRoot, now: clock.now }));
    const reason = async () => {
      const reading = await collector.collect(request());
      return reading.status === 'absent' ? reading.reason : reading.status;
    };
    assert.equal(await reason(), 'not-present');
    writeTree(sysRoot, { class: `->${join(NODE_EXPORTER_SYS, 'class')}` });
    clock.advance(29_000);
    assert.equal(await reason(), 'not-present', 'remembered: the directory is not listed again yet');
    clock.advance(1_000);
    assert.notEqual(await reason(), 'not-present', 'hardware that appeared is seen within 30 s');
  });
}
