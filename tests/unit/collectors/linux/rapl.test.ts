import assert from 'node:assert/strict';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createRaplCollector,
  discoverRaplZones,
  energyDeltaUj,
  RAPL_PERMISSION_DETAIL,
  raplWatts,
  zoneLabels,
  type RaplZone,
} from '../../../../main/collectors/linux/rapl.js';
import { tempDir } from '../../../helpers.js';
import {
  expectOk,
  linuxEnv,
  manualClock,
  NODE_EXPORTER_SYS,
  PROCFS_SYS,
  request,
  runUnprivileged,
  writeTree,
} from './linux-env.js';

function raplTree(root: string, zones: Record<string, { name: string; energy: string; max?: string }>): void {
  const files: Record<string, string> = { 'class/powercap/intel-rapl/enabled': '1\n' };
  for (const [id, z] of Object.entries(zones)) {
    files[`class/powercap/${id}/name`] = `${z.name}\n`;
    files[`class/powercap/${id}/energy_uj`] = `${z.energy}\n`;
    files[`class/powercap/${id}/max_energy_range_uj`] = `${z.max ?? '262143328850'}\n`;
  }
  writeTree(root, files);
}

const setEnergy = (root: string, id: string, value: string) =>
  writeFileSync(join(root, 'class', 'powercap', id, 'energy_uj'), `${value}\n`);

test('node_exporter tree: package-0 and core found; first read warms up, an unchanged counter is 0 W', async () => {
  const zones = await discoverRaplZones(NODE_EXPORTER_SYS, 0);
  assert.equal(zones.status, 'ok');
  assert.deepEqual(
    zones.status === 'ok' && zones.value.map((z) => [z.id, z.name, z.parentId, z.maxEnergyRangeUj]),
    [
      ['intel-rapl:0', 'package-0', null, 262143328850],
      ['intel-rapl:0:0', 'core', 'intel-rapl:0', 262143328850],
    ],
  );
  const clock = manualClock();
  const rapl = createRaplCollector(linuxEnv({ sysRoot: NODE_EXPORTER_SYS, now: clock.now }));
  const first = await rapl.collect(request());
  assert.deepEqual(first, {
    status: 'absent',
    reason: 'warming-up',
    detail: 'RAPL needs two counter reads to compute watts',
  });
  clock.advance(1000);
  const power = expectOk(await rapl.collect(request())).power!;
  assert.equal(power.source, 'rapl');
  assert.equal(power.packageWatts, 0);
  assert.equal(power.cpuWatts, 0);
  assert.deepEqual(power.zones, { 'package-0': 0, core: 0 });
});

test('procfs tree: the hex-suffixed zone intel-rapl:a (package-10) is a second package', async () => {
  const zones = await discoverRaplZones(PROCFS_SYS, 0);
  assert.equal(zones.status, 'ok');
  if (zones.status !== 'ok') return;
  assert.deepEqual(
    zones.value.map((z) => z.id),
    ['intel-rapl:0', 'intel-rapl:0:0', 'intel-rapl:a'],
  );
  const labels = zoneLabels(zones.value);
  assert.equal(labels.get('intel-rapl:0:0'), 'package-0/core');
  assert.equal(labels.get('intel-rapl:a'), 'package-10');
});

test('watts from counter deltas, per zone; psys stays a zone, never the system figure', async (t) => {
  const root = tempDir(t);
  raplTree(root, {
    'intel-rapl:0': { name: 'package-0', energy: '1000000' },
    'intel-rapl:0:0': { name: 'core', energy: '500000' },
    'intel-rapl:0:1': { name: 'uncore', energy: '100000' },
    'intel-rapl:0:2': { name: 'dram', energy: '0' },
    'intel-rapl:1': { name: 'psys', energy: '2000000' },
  });
  const clock = manualClock();
  const rapl = createRaplCollector(linuxEnv({ sysRoot: root, now: clock.now }));
  await rapl.collect(request());
  setEnergy(root, 'intel-rapl:0', String(1_000_000 + 12_000_000)); // 12 J in 2 s
  setEnergy(root, 'intel-rapl:0:0', String(500_000 + 8_000_000));
  setEnergy(root, 'intel-rapl:0:1', String(100_000 + 1_000_000));
  setEnergy(root, 'intel-rapl:0:2', '2000000');
  setEnergy(root, 'intel-rapl:1', String(2_000_000 + 20_000_000));
  clock.advance(2000);
  const power = expectOk(await rapl.collect(request())).power!;
  assert.equal(power.packageWatts, 6);
  assert.equal(power.cpuWatts, 4);
  assert.equal(power.gpuWatts, 0.5);
  assert.equal(power.dramWatts, 1);
  assert.equal(power.systemWatts, undefined);
  assert.deepEqual(power.zones, { 'package-0': 6, core: 4, uncore: 0.5, dram: 1, psys: 10 });
});

test('counter wraparound at max_energy_range_uj gives the true delta', async (t) => {
  assert.equal(energyDeltaUj(900, 100, 1000), 200);
  assert.equal(energyDeltaUj(100, 900, 1000), 800);
  assert.equal(
    energyDeltaUj(900, 100, null),
    null,
    'a counter that fell without a known range is not a rate',
  );
  assert.equal(energyDeltaUj(2000, 100, 1000), null, 'a previous value above the range is not a wrap');

  const root = tempDir(t);
  raplTree(root, { 'intel-rapl:0': { name: 'package-0', energy: '262143000000', max: '262143328850' } });
  const clock = manualClock();
  const rapl = createRaplCollector(linuxEnv({ sysRoot: root, now: clock.now }));
  await rapl.collect(request());
  setEnergy(root, 'intel-rapl:0', '4671150'); // 328850 µJ before the wrap + 4671150 after = 5 J
  clock.advance(1000);
  const power = expectOk(await rapl.collect(request())).power!;
  assert.ok(Math.abs(power.packageWatts! - 5) < 1e-9, `got ${power.packageWatts}`);
});

test('a counter reset (implausible jump) is left out, not reported as kilowatts', () => {
  const zone: RaplZone = {
    id: 'intel-rapl:0',
    name: 'package-0',
    parentId: null,
    maxEnergyRangeUj: 262143328850,
  };
  const watts = raplWatts(
    { atMs: 0, energyUj: { 'intel-rapl:0': 262_000_000_000 } },
    { atMs: 1000, energyUj: { 'intel-rapl:0': 261_000_000_000 } },
    [zone],
  );
  assert.deepEqual(watts, {});
});

test('a zone vanishing between ticks drops out; the others keep their figures', async (t) => {
  const root = tempDir(t);
  raplTree(root, {
    'intel-rapl:0': { name: 'package-0', energy: '0' },
    'intel-rapl:0:0': { name: 'core', energy: '0' },
  });
  const clock = manualClock();
  const rapl = createRaplCollector(linuxEnv({ sysRoot: root, now: clock.now }));
  await rapl.collect(request());
  rmSync(join(root, 'class', 'powercap', 'intel-rapl:0:0'), { recursive: true });
  setEnergy(root, 'intel-rapl:0', '3000000');
  clock.advance(1000);
  const power = expectOk(await rapl.collect(request())).power!;
  assert.deepEqual(power.zones, { 'package-0': 3 });
  assert.equal(power.cpuWatts, undefined);
});

test('garbage in energy_uj is a labelled error; no powercap at all is not-present', async (t) => {
  const root = tempDir(t);
  raplTree(root, { 'intel-rapl:0': { name: 'package-0', energy: 'lots of joules' } });
  const reading = await createRaplCollector(linuxEnv({ sysRoot: root })).collect(request());
  assert.equal(reading.status, 'error');
  assert.match(reading.status === 'error' ? reading.message : '', /intel-rapl:0: energy_uj is not a counter/);

  const none = await createRaplCollector(linuxEnv({ sysRoot: tempDir(t) })).collect(request());
  assert.equal(none.status, 'absent');
  assert.equal(none.status === 'absent' && none.reason, 'not-present');
});

test('a backwards clock restarts the warm-up instead of producing a negative rate', async (t) => {
  const root = tempDir(t);
  raplTree(root, { 'intel-rapl:0': { name: 'package-0', energy: '0' } });
  const clock = manualClock();
  const rapl = createRaplCollector(linuxEnv({ sysRoot: root, now: clock.now }));
  await rapl.collect(request());
  clock.advance(-5000);
  const reading = await rapl.collect(request());
  assert.equal(reading.status === 'absent' && reading.reason, 'warming-up');
});

test('root-only energy_uj (kernel >= 5.10) is absent with reason permission', async (t) => {
  const root = tempDir(t);
  raplTree(root, { 'intel-rapl:0': { name: 'package-0', energy: '123' } });
  chmodSync(join(root, 'class', 'powercap', 'intel-rapl:0', 'energy_uj'), 0o400);
  chmodSync(root, 0o755);
  const run = runUnprivileged(
    t,
    `const { createRaplCollector } = await import(REPO + '/main/collectors/linux/rapl.ts');
const env = { sysRoot: ${JSON.stringify(root)}, procRoot: '/proc', exec: async () => ({}), now: () => 1, fetch };
const reading = await createRaplCollector(env).collect({ slow: false, watchPids: new Set(), servicePorts: new Set() });
console.log(JSON.stringify(reading));`,
  );
  if (!run.ok) {
    console.log(`skipped: ${run.reason}`);
    t.skip(run.reason);
    return;
  }
  assert.deepEqual(JSON.parse(run.stdout), {
    status: 'absent',
    reason: 'permission',
    detail: RAPL_PERMISSION_DETAIL,
  });
});
