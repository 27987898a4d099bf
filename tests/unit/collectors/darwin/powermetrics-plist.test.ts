import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  parsePowermetricsDocument,
  parsePowermetricsPlist,
} from '../../../../main/collectors/darwin/powermetrics-plist.js';
import { FIXTURES } from '../../../helpers.js';

const fixture = (name: string): string => readFileSync(join(FIXTURES, 'powermetrics', name), 'utf8');
const M4MAX = 'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist';

test('M4 Max plist: cpu 2.978 W, gpu 0.270 W, package 3.248 W, nominal, 105 tasks', () => {
  const { samples, malformed } = parsePowermetricsPlist(fixture(M4MAX));
  assert.equal(malformed, 0);
  assert.equal(samples.length, 1);
  const s = samples[0]!;
  assert.equal(s.cpuWatts, 2.978);
  assert.equal(s.gpuWatts, 0.27);
  assert.equal(s.aneWatts, 0);
  assert.equal(s.packageWatts, 3.248);
  assert.equal(s.thermalPressure, 'nominal');
  assert.equal(s.elapsedSeconds, 1.023685416);
  assert.equal(s.hwModel, 'Mac16,5');
  assert.equal(s.timestamp, '2026-01-22T21:07:07.000Z');
  assert.equal(s.tasks.length, 105);
  assert.deepEqual(s.tasks[0], {
    pid: 55249,
    name: '2.1.15',
    cpuMsPerSecond: 630.672,
    gpuMsPerSecond: null,
    energyImpact: null,
  });
  assert.ok(
    s.tasks.some((t) => t.pid === -1 && t.name === 'DEAD_TASKS'),
    'DEAD_TASKS keeps pid -1',
  );
  assert.ok(!s.tasks.some((t) => t.pid === -2), 'ALL_TASKS is a total, not a task');
});

test('gpu_power-only samples: watts from gpu.gpu_energy (mJ) over elapsed_ns, no processor figures', () => {
  const { samples } = parsePowermetricsPlist(fixture('m4pro-mac16_8-macos15_5-plist-gpu_power.xml'));
  assert.equal(samples.length, 1);
  const s = samples[0]!;
  // gpu_energy 9 mJ over 5.005449083 s
  assert.equal(s.gpuWatts, Math.round((9 / 1000 / 5.005449083) * 1000) / 1000);
  assert.equal(s.cpuWatts, null);
  assert.equal(s.packageWatts, null);
  assert.equal(s.thermalPressure, null);
  assert.deepEqual(s.tasks, []);
});

test('NUL-separated multi-sample files give one sample per document', () => {
  const gpu = parsePowermetricsPlist(fixture('m4pro-mac16_8-macos15_5-plist-gpu_power_multiple_samples.xml'));
  assert.equal(gpu.samples.length, 5);
  assert.deepEqual(
    gpu.samples.map((s) => s.gpuWatts),
    [0.004, 0.021, 0.157, 0.029, 0.025],
  );
  const battery = parsePowermetricsPlist(
    fixture('m4pro-mac16_8-macos15_5-plist-battery_multiple_samples.xml'),
  );
  assert.equal(battery.samples.length, 3);
  assert.ok(battery.samples.every((s) => s.batteryPercent === 20 && s.cpuWatts === null));
  const single = parsePowermetricsPlist(fixture('m4pro-mac16_8-macos15_5-plist-battery.xml'));
  assert.equal(single.samples[0]!.batteryPercent, 20);
});

test('Intel keys (written sample): package_watts, cpu_watts, dram_watts, SMC temperatures and fan', () => {
  const { samples } = parsePowermetricsPlist(fixture('written-sample-intel-smc-cpu_power.plist'));
  const s = samples[0]!;
  assert.equal(s.packageWatts, 8.731);
  assert.equal(s.cpuWatts, 6.402);
  assert.equal(s.dramWatts, 0.911);
  assert.equal(s.gpuWatts, null);
  assert.equal(s.thermalPressure, 'fair');
  assert.equal(s.cpuTempCelsius, 71.06);
  assert.equal(s.gpuTempCelsius, 58);
  assert.deepEqual(s.fanRpm, [2162.4]);
  assert.deepEqual(s.tasks[0], {
    pid: 7202,
    name: 'python3.11',
    cpuMsPerSecond: 412.5,
    gpuMsPerSecond: 3.25,
    energyImpact: 38.4,
  });
});

test('energy in mJ is used when the mW figure is missing', () => {
  const doc = plist('<key>processor</key><dict><key>cpu_energy</key><integer>3000</integer></dict>');
  const parsed = parsePowermetricsDocument(doc);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.cpuWatts, 1.5);
});

test('the OS five-level names map as macOS maps them to ProcessInfo.thermalState, the raw one kept', () => {
  for (const [name, level, raw] of [
    ['Moderate', 'fair', 'moderate'],
    ['Heavy', 'fair', 'heavy'],
    ['Serious', 'serious', null],
    ['Critical', 'critical', null],
    ['Trapping', 'serious', 'trapping'],
    ['Sleeping', 'critical', 'sleeping'],
  ] as const) {
    const parsed = parsePowermetricsDocument(plist(`<key>thermal_pressure</key><string>${name}</string>`));
    assert.ok(parsed.ok);
    assert.equal(parsed.value.thermalPressure, level, name);
    assert.equal(parsed.value.thermalOsLevel, raw, name);
  }
});

test('truncated, garbage and non-powermetrics documents are labelled errors, counted and skipped', () => {
  const good = fixture('m4pro-mac16_8-macos15_5-plist-battery.xml');
  const truncated = good.slice(0, good.length - 40);
  const text = [
    truncated,
    'garbage <<<',
    good,
    '<plist version="1.0"><dict><key>a</key><integer>1</integer></dict></plist>',
  ].join('\0');
  const outcome = parsePowermetricsPlist(text);
  assert.equal(outcome.samples.length, 1);
  assert.equal(outcome.malformed, 3);
  assert.match(outcome.firstError!, /not a plist/);
  const bad = parsePowermetricsDocument(
    '<plist version="1.0"><dict><key>elapsed_ns</key><integer>x</integer></dict></plist>',
  );
  assert.equal(bad.ok, false);
  const text2 = parsePowermetricsPlist(fixture('m1max-macbookpro18_2-macos14_6-text-samplers-all-1s.txt'));
  assert.equal(text2.samples.length, 0);
  assert.match(text2.firstError!, /no <plist> element/);
});

function plist(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n<key>elapsed_ns</key><integer>2000000000</integer>\n${body}\n</dict>\n</plist>\n`;
}
