import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createThermalZoneCollector,
  pressureOf,
  type ThermalZone,
} from '../../../../main/collectors/linux/thermal-zone.js';
import { tempDir } from '../../../helpers.js';
import { expectOk, linuxEnv, NODE_EXPORTER_SYS, PROCFS_SYS, request, writeTree } from './linux-env.js';

const zone = (
  celsius: number,
  trips: [string, number][],
  passiveCelsius: number | null = null,
): ThermalZone => ({
  id: 'thermal_zone0',
  type: 'x86_pkg_temp',
  celsius,
  trips: trips.map(([type, c]) => ({ type, celsius: c })),
  passiveCelsius,
});

test('pressure rule: passive and critical trips', () => {
  const trips: [string, number][] = [
    ['passive', 90],
    ['critical', 105],
  ];
  assert.equal(pressureOf(zone(60, trips)), 'nominal');
  assert.equal(pressureOf(zone(80, trips)), 'fair', 'within 10 °C of passive');
  assert.equal(pressureOf(zone(90, trips)), 'serious', 'at the passive trip: throttling');
  assert.equal(pressureOf(zone(100, trips)), 'critical', 'within 5 °C of critical');
  assert.equal(pressureOf(zone(70, [['hot', 70]])), 'critical', 'at a hot trip');
});

test('pressure rule: critical only, legacy passive file, no trips at all', () => {
  assert.equal(pressureOf(zone(70, [['critical', 100]])), 'nominal');
  assert.equal(pressureOf(zone(80, [['critical', 100]])), 'fair', 'within 20 °C of critical');
  assert.equal(pressureOf(zone(96, [['critical', 100]])), 'critical');
  assert.equal(pressureOf(zone(85, [], 85)), 'serious', 'the legacy passive attribute');
  assert.equal(pressureOf(zone(99, [])), undefined, 'no trip points: no guess');
});

test('node_exporter tree: cpu-thermal zone, an idle Processor cooling device', async () => {
  const thermal = expectOk(
    await createThermalZoneCollector(linuxEnv({ sysRoot: NODE_EXPORTER_SYS })).collect(request()),
  ).thermal!;
  assert.deepEqual(thermal, {
    source: 'thermal-zone',
    sensors: [{ label: 'cpu-thermal', celsius: 12.376 }],
    cpuTempCelsius: 12.376,
    throttled: false,
  });
});

test('procfs tree: a negative acpitz temperature is valid; powerclamp -1 is not throttling', async () => {
  const thermal = expectOk(
    await createThermalZoneCollector(linuxEnv({ sysRoot: PROCFS_SYS })).collect(request()),
  ).thermal!;
  assert.deepEqual(thermal.sensors, [
    { label: 'bcm2835_thermal', celsius: 49.925 },
    { label: 'acpitz', celsius: -44 },
  ]);
  assert.equal(thermal.cpuTempCelsius, 49.925);
  assert.equal(thermal.throttled, false);
  assert.equal(thermal.pressure, undefined, 'no trip points in this tree');
});

test('trip points give pressure; a busy processor cooling device means throttled; fans do not', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    'class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
    'class/thermal/thermal_zone0/temp': '93000\n',
    'class/thermal/thermal_zone0/trip_point_0_type': 'passive\n',
    'class/thermal/thermal_zone0/trip_point_0_temp': '90000\n',
    'class/thermal/thermal_zone0/trip_point_1_type': 'critical\n',
    'class/thermal/thermal_zone0/trip_point_1_temp': '105000\n',
    'class/thermal/thermal_zone1/type': 'acpitz\n',
    'class/thermal/thermal_zone1/temp': '99000\n',
    'class/thermal/thermal_zone1/trip_point_0_type': 'critical\n',
    'class/thermal/thermal_zone1/trip_point_0_temp': '100000\n',
    'class/thermal/thermal_zone2/type': 'broken\n',
    'class/thermal/thermal_zone2/temp': 'garbage\n',
    'class/thermal/cooling_device0/type': 'Fan\n',
    'class/thermal/cooling_device0/cur_state': '3\n',
    'class/thermal/cooling_device1/type': 'Processor\n',
    'class/thermal/cooling_device1/cur_state': '2\n',
    'class/thermal/cooling_device1/max_state': '10\n',
  });
  const collector = createThermalZoneCollector(linuxEnv({ sysRoot: root }));
  const thermal = expectOk(await collector.collect(request())).thermal!;
  assert.equal(thermal.pressure, 'serious', 'from the CPU zone, not the hotter board zone');
  assert.equal(thermal.cpuTempCelsius, 93);
  assert.equal(thermal.throttled, true);
  assert.equal(thermal.sensors!.length, 2, 'the garbage zone is left out');

  rmSync(join(root, 'class/thermal/thermal_zone0'), { recursive: true });
  const after = expectOk(await collector.collect(request())).thermal!;
  assert.equal(after.cpuTempCelsius, undefined, 'the CPU zone vanished between ticks');
  assert.equal(after.pressure, 'critical', 'with no CPU zone, the hottest zone counts');
});

test('no thermal class is not-present; zones without a readable temperature are no-data', async (t) => {
  const none = await createThermalZoneCollector(linuxEnv({ sysRoot: tempDir(t) })).collect(request());
  assert.equal(none.status === 'absent' && none.reason, 'not-present');
  const root = tempDir(t);
  writeTree(root, { 'class/thermal/thermal_zone0/type': 'cpu\n' });
  const empty = await createThermalZoneCollector(linuxEnv({ sysRoot: root })).collect(request());
  assert.equal(empty.status === 'absent' && empty.reason, 'no-data');
});
