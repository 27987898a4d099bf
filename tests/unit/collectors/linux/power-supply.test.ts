import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  advanceTrend,
  createPowerSupplyCollector,
  NO_TREND,
} from '../../../../main/collectors/linux/power-supply.js';
import { tempDir } from '../../../helpers.js';
import {
  expectOk,
  linuxEnv,
  manualClock,
  NODE_EXPORTER_SYS,
  PROCFS_SYS,
  request,
  writeTree,
} from './linux-env.js';

test('node_exporter tree: BAT0 discharging at power_now, AC offline', async () => {
  const battery = expectOk(
    await createPowerSupplyCollector(linuxEnv({ sysRoot: NODE_EXPORTER_SYS })).collect(request()),
  ).battery!;
  assert.deepEqual(battery, {
    source: 'power-supply',
    onAc: false,
    state: 'discharging',
    percent: 81,
    dischargeWatts: 5.002,
    fullChargeWattHours: 45.1,
  });
});

test('procfs tree: supplies reached through symlinks into the ACPI device tree', async () => {
  const battery = expectOk(
    await createPowerSupplyCollector(linuxEnv({ sysRoot: PROCFS_SYS })).collect(request()),
  ).battery!;
  assert.deepEqual(battery, {
    source: 'power-supply',
    onAc: false,
    state: 'discharging',
    percent: 98,
    dischargeWatts: 4.83,
    fullChargeWattHours: 50.1,
  });
});

test('current_now × voltage_now, charge-based percent, negative while charging', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    'class/power_supply/BAT1/type': 'Battery\n',
    'class/power_supply/BAT1/status': 'Charging\n',
    'class/power_supply/BAT1/current_now': '1500000\n',
    'class/power_supply/BAT1/voltage_now': '12000000\n',
    'class/power_supply/BAT1/charge_now': '2500000\n',
    'class/power_supply/BAT1/charge_full': '5000000\n',
    'class/power_supply/BAT1/voltage_min_design': '11100000\n',
    'class/power_supply/BAT1/cycle_count': '87\n',
    'class/power_supply/BAT1/temp': '312\n',
    'class/power_supply/ADP1/type': 'Mains\n',
    'class/power_supply/ADP1/online': '1\n',
    'class/power_supply/hidpp_battery_0/type': 'Battery\n',
    'class/power_supply/hidpp_battery_0/scope': 'Device\n',
    'class/power_supply/hidpp_battery_0/status': 'Discharging\n',
    'class/power_supply/hidpp_battery_0/capacity': '5\n',
  });
  const battery = expectOk(
    await createPowerSupplyCollector(linuxEnv({ sysRoot: root })).collect(request()),
  ).battery!;
  assert.deepEqual(battery, {
    source: 'power-supply',
    onAc: true,
    state: 'charging',
    percent: 50,
    dischargeWatts: -18,
    // charge_full × voltage_min_design: 5 Ah × 11.1 V.
    fullChargeWattHours: 55.5,
    cycleCount: 87,
    temperatureCelsius: 31.2,
  });
});

test('without power_now or current_now, watts come from stored-energy changes', async (t) => {
  const root = tempDir(t);
  const energyNow = join(root, 'class/power_supply/BAT0/energy_now');
  writeTree(root, {
    'class/power_supply/BAT0/type': 'Battery\n',
    'class/power_supply/BAT0/status': 'Discharging\n',
    'class/power_supply/BAT0/energy_now': '40000000\n',
    'class/power_supply/BAT0/energy_full': '50000000\n',
  });
  const clock = manualClock();
  const collector = createPowerSupplyCollector(linuxEnv({ sysRoot: root, now: clock.now }));
  const first = expectOk(await collector.collect(request())).battery!;
  assert.equal(first.percent, 80);
  assert.equal(first.dischargeWatts, undefined, 'no rate before two gauge updates');
  clock.advance(10_000);
  writeFileSync(energyNow, '39990000\n'); // first change: only marks when the gauge updates
  assert.equal(expectOk(await collector.collect(request())).battery!.dischargeWatts, undefined);
  clock.advance(30_000);
  assert.equal(expectOk(await collector.collect(request())).battery!.dischargeWatts, undefined);
  clock.advance(30_000);
  writeFileSync(energyNow, '39920000\n'); // 70 mWh in 60 s = 4.2 W
  const battery = expectOk(await collector.collect(request())).battery!;
  assert.ok(Math.abs(battery.dischargeWatts! - 4.2) < 1e-9, `got ${battery.dischargeWatts}`);
});

test('trend: unchanged gauge keeps the last rate, a backwards clock resets it', () => {
  let trend = advanceTrend(NO_TREND, 1000, 0);
  trend = advanceTrend(trend, 900, 1000);
  trend = advanceTrend(trend, 800, 2000);
  assert.ok(trend.watts !== null && trend.watts > 0);
  assert.equal(advanceTrend(trend, 800, 3000).watts, trend.watts);
  assert.equal(advanceTrend(trend, 700, 500).watts, null);
  assert.equal(advanceTrend(trend, null, 4000).watts, null);
});

test('only an adapter (a desktop) gives onAc alone; nothing at all is not-present; garbage is skipped', async (t) => {
  const desktop = tempDir(t);
  writeTree(desktop, { 'class/power_supply/AC/type': 'Mains\n', 'class/power_supply/AC/online': '1\n' });
  assert.deepEqual(
    expectOk(await createPowerSupplyCollector(linuxEnv({ sysRoot: desktop })).collect(request())),
    {
      battery: { source: 'power-supply', onAc: true },
    },
  );

  const none = await createPowerSupplyCollector(linuxEnv({ sysRoot: tempDir(t) })).collect(request());
  assert.equal(none.status === 'absent' && none.reason, 'not-present');

  const garbage = tempDir(t);
  writeTree(garbage, {
    'class/power_supply/BAT0/type': 'Battery\n',
    'class/power_supply/BAT0/status': '\u0000\u0001\n',
    'class/power_supply/BAT0/capacity': 'eighty\n',
    'class/power_supply/BAT0/power_now': '-\n',
  });
  const battery = expectOk(
    await createPowerSupplyCollector(linuxEnv({ sysRoot: garbage })).collect(request()),
  ).battery!;
  assert.deepEqual(battery, { source: 'power-supply', state: 'unknown' });
});
