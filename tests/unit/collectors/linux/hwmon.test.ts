import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHwmonCollector, readHwmonChips } from '../../../../main/collectors/linux/hwmon.js';
import { tempDir } from '../../../helpers.js';
import {
  expectOk,
  linuxEnv,
  manualClock,
  NODE_EXPORTER_SYS,
  request,
  runUnprivileged,
  writeTree,
} from './linux-env.js';

test('node_exporter tree: names, attributes only under device/, a chip with no name file', async () => {
  const chips = await readHwmonChips(NODE_EXPORTER_SYS, 1);
  assert.equal(chips.status, 'ok');
  if (chips.status !== 'ok') return;
  const byId = new Map(chips.value.map((c) => [c.id, c]));
  assert.equal(chips.value.length, 11);
  assert.equal(byId.get('hwmon0')!.name, 'coretemp');
  assert.deepEqual(byId.get('hwmon0')!.temps[0], { label: 'Physical id 0', celsius: 55 });
  assert.equal(byId.get('hwmon2')!.name, 'applesmc', 'name read from device/');
  assert.deepEqual(byId.get('hwmon2')!.fans, [
    { label: 'Left side', rpm: 0 },
    { label: 'Right side', rpm: 1998 },
  ]);
  assert.equal(byId.get('hwmon4')!.name, 'hwmon4', 'no name file: the id stands in');
  assert.deepEqual(
    byId.get('hwmon4')!.temps.map((t) => t.celsius),
    [55, 54],
  );
  assert.deepEqual(byId.get('hwmon5')!.temps, [], 'bogus1_input is no sensor kind');

  const thermal = expectOk(
    await createHwmonCollector(linuxEnv({ sysRoot: NODE_EXPORTER_SYS })).collect(request()),
  ).thermal!;
  assert.equal(thermal.cpuTempCelsius, 55);
  assert.deepEqual(thermal.fanRpm, [0, 1998, 1098]);
  assert.equal(thermal.sensors!.length, 15);
  assert.ok(
    thermal.sensors!.some((s) => s.label === 'coretemp (hwmon1) Physical id 0'),
    'two sockets stay apart',
  );
  assert.ok(thermal.sensors!.some((s) => s.label === 'mt7996_phy0_2 temp1' && s.celsius === 57));
});

test('negative temperatures, garbage, power averages and GPU chips', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    'class/hwmon/hwmon0': '->../../devices/amdgpu/hwmon/hwmon0',
    'devices/amdgpu/hwmon/hwmon0/name': 'amdgpu\n',
    'devices/amdgpu/hwmon/hwmon0/temp1_input': '41000\n',
    'devices/amdgpu/hwmon/hwmon0/temp1_label': 'edge\n',
    'devices/amdgpu/hwmon/hwmon0/power1_average': '12500000\n',
    'class/hwmon/hwmon1/name': 'acpitz\n',
    'class/hwmon/hwmon1/temp1_input': '-12500\n',
    'class/hwmon/hwmon1/temp2_input': 'not a number\n',
    'class/hwmon/hwmon1/fan1_input': '\n',
    'class/hwmon/hwmon2/name': 'k10temp\n',
    'class/hwmon/hwmon2/temp1_input': '61250\n',
    'class/hwmon/hwmon2/temp1_label': 'Tctl\n',
    'class/hwmon/hwmon2/power1_input': '3000000\n',
    'class/hwmon/hwmon2/power1_average': '9000000\n',
  });
  const observation = expectOk(await createHwmonCollector(linuxEnv({ sysRoot: root })).collect(request()));
  assert.deepEqual(observation.thermal!.sensors, [
    { label: 'amdgpu edge', celsius: 41 },
    { label: 'acpitz temp1', celsius: -12.5 },
    { label: 'k10temp Tctl', celsius: 61.25 },
  ]);
  assert.equal(observation.thermal!.cpuTempCelsius, 61.25);
  assert.equal(observation.thermal!.gpuTempCelsius, 41);
  assert.deepEqual(observation.thermal!.fanRpm, []);
  assert.deepEqual(observation.power, {
    source: 'hwmon',
    zones: { 'amdgpu power1': 12.5, 'k10temp power1': 3 },
    gpuWatts: 12.5,
  });
});

test('energy counters become watts on the second read; a counter going backwards or vanishing is skipped', async (t) => {
  const root = tempDir(t);
  const energy = join(root, 'class/hwmon/hwmon0/energy1_input');
  writeTree(root, { 'class/hwmon/hwmon0/name': 'i915\n', 'class/hwmon/hwmon0/energy1_input': '1000000\n' });
  const clock = manualClock();
  const hwmon = createHwmonCollector(linuxEnv({ sysRoot: root, now: clock.now }));
  const first = await hwmon.collect(request());
  assert.deepEqual(first, {
    status: 'absent',
    reason: 'no-data',
    detail: 'hwmon chips expose no temperature, fan or power sensor',
  });
  writeFileSync(energy, '7000000\n');
  clock.advance(2000);
  assert.deepEqual(expectOk(await hwmon.collect(request())).power, {
    source: 'hwmon',
    zones: { 'i915 energy1': 3 },
    gpuWatts: 3,
  });
  writeFileSync(energy, '5\n');
  clock.advance(1000);
  assert.equal((await hwmon.collect(request())).status, 'absent', 'a reset counter gives no rate');
  rmSync(join(root, 'class/hwmon/hwmon0'), { recursive: true });
  clock.advance(1000);
  const gone = await hwmon.collect(request());
  assert.equal(gone.status === 'absent' && gone.reason, 'not-present');
});

test('no hwmon class is not-present; unreadable sensors are absent with reason permission', async (t) => {
  const none = await createHwmonCollector(linuxEnv({ sysRoot: tempDir(t) })).collect(request());
  assert.equal(none.status === 'absent' && none.reason, 'not-present');

  const root = tempDir(t);
  writeTree(root, { 'class/hwmon/hwmon0/name': 'nct6779\n', 'class/hwmon/hwmon0/temp1_input': '40000\n' });
  chmodSync(join(root, 'class/hwmon/hwmon0/temp1_input'), 0o000);
  chmodSync(root, 0o755);
  const run = runUnprivileged(
    t,
    `const { createHwmonCollector } = await import(REPO + '/main/collectors/linux/hwmon.ts');
const env = { sysRoot: ${JSON.stringify(root)}, procRoot: '/proc', exec: async () => ({}), now: () => 1, fetch };
console.log(JSON.stringify(await createHwmonCollector(env).collect({ slow: false, watchPids: new Set(), servicePorts: new Set() })));`,
  );
  if (!run.ok) {
    console.log(`skipped: ${run.reason}`);
    t.skip(run.reason);
    return;
  }
  assert.deepEqual(JSON.parse(run.stdout), {
    status: 'absent',
    reason: 'permission',
    detail: 'hwmon sensors are not readable',
  });
});

test('an ACPI power meter (acpi_power_meter, hwmon name power_meter) is the whole-machine figure', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    'class/hwmon/hwmon0/name': 'power_meter\n',
    'class/hwmon/hwmon0/power1_average': '41250000\n',
    'class/hwmon/hwmon1/name': 'k10temp\n',
    'class/hwmon/hwmon1/power1_input': '3000000\n',
  });
  const observation = expectOk(await createHwmonCollector(linuxEnv({ sysRoot: root })).collect(request()));
  assert.deepEqual(observation.power, {
    source: 'hwmon',
    zones: { 'power_meter power1': 41.25, 'k10temp power1': 3 },
    systemWatts: 41.25,
  });
});
