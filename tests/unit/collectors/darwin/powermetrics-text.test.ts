import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parsePowermetricsText } from '../../../../main/collectors/darwin/powermetrics-text.js';
import {
  osThermalLevelFrom,
  thermalPressureFrom,
} from '../../../../main/collectors/darwin/thermal-pressure.js';
import { FIXTURES } from '../../../helpers.js';

const fixture = (name: string): string => readFileSync(join(FIXTURES, 'powermetrics', name), 'utf8');

test('M1 Max --samplers all text: power in mW, pressure, battery, tasks without ALL_TASKS', () => {
  const parsed = parsePowermetricsText(fixture('m1max-macbookpro18_2-macos14_6-text-samplers-all-1s.txt'));
  assert.ok(parsed.ok);
  assert.equal(parsed.value.length, 1);
  const s = parsed.value[0]!;
  assert.equal(s.hwModel, 'MacBookPro18,2');
  assert.equal(s.elapsedSeconds, 1.01739);
  assert.equal(s.timestamp, '2025-09-13T21:52:57.000Z');
  assert.deepEqual([s.cpuWatts, s.gpuWatts, s.aneWatts, s.packageWatts], [0.164, 0.002, 0, 0.166]);
  assert.equal(s.thermalPressure, 'nominal');
  assert.equal(s.batteryPercent, 60);
  assert.equal(s.tasks.length, 119);
  assert.deepEqual(s.tasks[0], {
    pid: 63766,
    name: 'node',
    cpuMsPerSecond: 142.39,
    gpuMsPerSecond: null,
    energyImpact: null,
  });
  const renderer = s.tasks.find((t) => t.pid === 52225)!;
  assert.equal(renderer.name, 'Google Chrome Helper (Renderer)');
  assert.equal(renderer.cpuMsPerSecond, 24.07);
  assert.ok(!s.tasks.some((t) => t.pid === -2));
});

test('--show-all text: coalition rows skipped, GPU ms/s and energy impact read by column', () => {
  const parsed = parsePowermetricsText(fixture('m1max-macbookpro18_2-macos14_6-text-show-all-5s.txt'));
  assert.ok(parsed.ok);
  const s = parsed.value[0]!;
  assert.deepEqual([s.cpuWatts, s.gpuWatts, s.packageWatts], [0.044, 0.01, 0.054]);
  assert.equal(s.batteryPercent, 100);
  assert.ok(!s.tasks.some((t) => t.pid === 653), 'the com.mitchellh.ghostty coalition is not a task');
  const pm = s.tasks.find((t) => t.pid === 24620)!;
  assert.deepEqual(pm, {
    pid: 24620,
    name: 'powermetrics',
    cpuMsPerSecond: 9.7,
    gpuMsPerSecond: 0,
    energyImpact: 10.34,
  });
  assert.ok(s.tasks.every((t) => t.gpuMsPerSecond !== null));
});

test('M4 Max default text (Apache-2.0 capture): DEAD_TASKS kept, no thermal section gives null', () => {
  const parsed = parsePowermetricsText(fixture('m4max-mac16_6-macos15_5-text-default-samplers-5s.txt'));
  assert.ok(parsed.ok);
  const s = parsed.value[0]!;
  assert.deepEqual([s.cpuWatts, s.gpuWatts, s.aneWatts, s.packageWatts], [0.954, 0.028, 0, 0.983]);
  assert.equal(s.thermalPressure, null);
  assert.equal(s.batteryPercent, 36);
  assert.equal(s.tasks.length, 17);
  assert.equal(s.tasks[0]!.pid, -1);
  assert.equal(s.tasks.find((t) => t.pid === 9721)!.cpuMsPerSecond, 952.47);
});

test('Intel text lines: package power in W, SMC temperatures and fan', () => {
  const text = [
    'Machine model: MacBookPro16,1',
    '*** Sampled system activity (Sun Mar  2 10:15:00 2025 +0000) (2004.11ms elapsed) ***',
    '',
    '**** Processor usage ****',
    'Intel energy model derived package power (CPUs+GT+SA): 8.73W',
    '',
    '**** SMC sensors ****',
    'Fan: 2162.40 rpm',
    'CPU die temperature: 71.06 C',
    'GPU die temperature: 58.00 C',
    '',
  ].join('\n');
  const parsed = parsePowermetricsText(text);
  assert.ok(parsed.ok);
  const s = parsed.value[0]!;
  assert.equal(s.packageWatts, 8.73);
  assert.equal(s.cpuTempCelsius, 71.06);
  assert.equal(s.gpuTempCelsius, 58);
  assert.deepEqual(s.fanRpm, [2162.4]);
  assert.deepEqual(s.tasks, []);
});

test('text that is not powermetrics output is a one-line error', () => {
  const parsed = parsePowermetricsText('hello\nworld\n');
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.doesNotMatch(parsed.error, /\n/);
});

test('macOS 11 (Big Sur) text has no "CPU Power" line: cpuWatts is "Clusters Total Power", package is "Package Power"', () => {
  const parsed = parsePowermetricsText(fixture('written-sample-m1-macos11-text-cpu_power.txt'));
  assert.ok(parsed.ok);
  const s = parsed.value[0]!;
  assert.equal(s.cpuWatts, 0.079);
  assert.equal(s.gpuWatts, 0.006);
  assert.equal(s.dramWatts, 0.022);
  assert.equal(s.packageWatts, 0.131);
  assert.equal(s.thermalPressure, 'fair', 'Moderate maps to fair, as ProcessInfo.thermalState does');
  assert.equal(s.thermalOsLevel, 'moderate');
});

test('the five OS levels map as macOS maps them to ProcessInfo.thermalState; the four pass through', () => {
  const cases: [string, string | null, string | null][] = [
    ['Nominal', 'nominal', 'nominal'],
    ['Moderate', 'fair', 'moderate'],
    ['Heavy', 'fair', 'heavy'],
    ['Trapping', 'serious', 'trapping'],
    ['Sleeping', 'critical', 'sleeping'],
    ['Fair', 'fair', null],
    ['Serious', 'serious', null],
    ['Critical', 'critical', null],
    ['Toasty', null, null],
  ];
  for (const [name, pressure, level] of cases) {
    assert.equal(thermalPressureFrom(name), pressure, name);
    assert.equal(osThermalLevelFrom(name), level, name);
  }
});
