import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { batteryObservation, parseIoregBattery } from '../../../main/collectors/darwin/ioreg-battery.js';
import { parsePowermetricsPlist } from '../../../main/collectors/darwin/powermetrics-plist.js';
import { toObservation } from '../../../main/collectors/darwin/powermetrics.js';
import { createPowerSupplyCollector } from '../../../main/collectors/linux/power-supply.js';
import { createRaplCollector } from '../../../main/collectors/linux/rapl.js';
import type { Observation } from '../../../main/collectors/types.js';
import { mergeFigures } from '../../../main/sampler/merge.js';
import { FIXTURES } from '../../helpers.js';
import {
  expectOk,
  linuxEnv,
  manualClock,
  NODE_EXPORTER_SYS,
  request,
} from '../collectors/linux/linux-env.js';

const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

function m4MaxPowermetrics(): Observation {
  const parsed = parsePowermetricsPlist(
    fixture('powermetrics/m4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist'),
  );
  assert.equal(parsed.samples.length, 1);
  return toObservation(parsed.samples[0]!);
}

function appleSiliconBattery(): Observation {
  const parsed = parseIoregBattery(
    fixture('ioreg/written-sample-apple-silicon-on-battery-ioreg-rw0-c-AppleSmartBattery.txt'),
  );
  assert.ok(parsed.ok);
  return batteryObservation(parsed.value);
}

test('Apple silicon with the password: SystemLoad is system, combined_power is SoC, never swapped', () => {
  const merged = mergeFigures([m4MaxPowermetrics(), appleSiliconBattery()], new Map());
  assert.equal(merged.power.packageWatts, 3.248, 'the M4 Max plist combined_power');
  assert.equal(merged.power.systemWatts, 9.12, 'PowerTelemetryData.SystemLoad');
  assert.deepEqual(merged.sources['power.systemWatts'], { source: 'ioreg-telemetry', kind: 'measured' });
  assert.deepEqual(merged.sources['power.packageWatts'], { source: 'powermetrics', kind: 'measured' });
});

test('Apple silicon without the password: system is measured, SoC is absent with the reason', () => {
  const merged = mergeFigures(
    [appleSiliconBattery()],
    new Map([['power', 'darwin-powermetrics: needs an administrator password']]),
  );
  assert.equal(merged.power.systemWatts, 9.12);
  assert.equal(merged.power.packageWatts, null);
  assert.equal(merged.absent['power.packageWatts'], 'darwin-powermetrics: needs an administrator password');
});

test("Linux, node_exporter's real tree: battery discharge (5.002 W) is system, the RAPL package stays package", async () => {
  const clock = manualClock();
  const env = linuxEnv({ sysRoot: NODE_EXPORTER_SYS, now: clock.now });
  const rapl = createRaplCollector(env);
  await rapl.collect(request());
  clock.advance(1000);
  const raplObservation = expectOk(await rapl.collect(request()));
  const battery = expectOk(await createPowerSupplyCollector(env).collect(request()));
  const merged = mergeFigures([raplObservation, battery], new Map());
  assert.equal(merged.power.packageWatts, 0, 'the fixture counter does not move');
  assert.equal(merged.power.systemWatts, 5.002);
  assert.deepEqual(merged.sources['power.systemWatts'], {
    source: 'power-supply-discharge',
    kind: 'measured',
  });
  assert.deepEqual(merged.sources['power.packageWatts'], { source: 'rapl', kind: 'measured' });
});

test('a package source that also claims system watts is not believed; a whole-machine meter is', () => {
  const merged = mergeFigures(
    [
      { power: { source: 'rapl', packageWatts: 6, systemWatts: 10 } },
      { power: { source: 'powermetrics', packageWatts: 3, systemWatts: 3 } },
    ],
    new Map(),
  );
  assert.equal(merged.power.systemWatts, null);
  assert.match(
    merged.absent['power.systemWatts']!,
    /no whole-machine power meter.*package power is measured/,
  );
  const metered = mergeFigures(
    [
      { power: { source: 'rapl', packageWatts: 6 } },
      { power: { source: 'hwmon', systemWatts: 31.5, zones: { 'power_meter power1': 31.5 } } },
    ],
    new Map(),
  );
  assert.equal(metered.power.systemWatts, 31.5);
  assert.deepEqual(metered.sources['power.systemWatts'], { source: 'hwmon', kind: 'measured' });
});

test('on AC with no meter, system is unknown and the reason says battery discharge needs battery power', () => {
  const merged = mergeFigures(
    [
      { power: { source: 'rapl', packageWatts: 6 } },
      { battery: { source: 'power-supply', state: 'charging', onAc: true, dischargeWatts: 0 } },
    ],
    new Map(),
  );
  assert.equal(merged.power.systemWatts, null);
  assert.match(merged.absent['power.systemWatts']!, /only while on battery/);
});
