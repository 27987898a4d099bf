import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAgo,
  formatBytes,
  formatCelsius,
  formatCpuPercent,
  formatDuration,
  formatEstimateWattHours,
  formatEstimateWatts,
  formatFigure,
  formatSigned,
  formatWattHours,
  formatWatts,
  pressureFromLevel,
  thermalBadge,
} from '../../../renderer/format.js';

test('watts and watt-hours have one decimal; missing values are a dash', () => {
  assert.equal(formatWatts(7.84), '7.8 W');
  assert.equal(formatWatts(0), '0.0 W');
  assert.equal(formatWattHours(14.25), '14.3 Wh');
  assert.equal(formatWatts(null), '—');
  assert.equal(formatWatts(Number.NaN), '—');
  assert.equal(formatWattHours(undefined), '—');
});

test('memory is MB below 1 GB and GB with one decimal above', () => {
  const MB = 1024 * 1024;
  assert.equal(formatBytes(245 * MB), '245 MB');
  assert.equal(formatBytes(2.5 * MB), '2.5 MB');
  assert.equal(formatBytes(0), '0 MB');
  assert.equal(formatBytes(2.1 * 1024 * MB), '2.1 GB');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatBytes(null), '—');
});

test('CPU % has one decimal under 10 % and none above', () => {
  assert.equal(formatCpuPercent(0.54), '0.5 %');
  assert.equal(formatCpuPercent(9.94), '9.9 %');
  assert.equal(formatCpuPercent(45.4), '45 %');
  assert.equal(formatCpuPercent(312.6), '313 %');
  assert.equal(formatCpuPercent(null), '—');
});

test('relative times read "now", "5 m ago", "2 h ago", "3 d ago" and "never"', () => {
  const now = 1_700_000_000_000;
  assert.equal(formatAgo(now - 20_000, now), 'now');
  assert.equal(formatAgo(now + 5_000, now), 'now');
  assert.equal(formatAgo(now - 5 * 60_000, now), '5 m ago');
  assert.equal(formatAgo(now - 2 * 3600_000 - 59_000, now), '2 h ago');
  assert.equal(formatAgo(now - 3 * 86_400_000, now), '3 d ago');
  assert.equal(formatAgo(null, now), 'never');
});

test('durations use two units at most', () => {
  assert.equal(formatDuration(45), '45 s');
  assert.equal(formatDuration(300), '5 m');
  assert.equal(formatDuration(2 * 3600 + 600), '2 h 10 m');
  assert.equal(formatDuration(7200), '2 h');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 59), '3 d 4 h');
  assert.equal(formatDuration(-1), '—');
});

test('estimates are prefixed ≈ and say so in their tooltip', () => {
  const w = formatEstimateWatts(4.12);
  assert.equal(w.text, '\u2248 4.1 W');
  assert.match(w.title, /^Estimated/);
  assert.equal(formatEstimateWattHours(9).text, '\u2248 9.0 Wh');
  assert.equal(formatEstimateWatts(null).text, '—');
});

test('signed differences use a real minus sign and round before choosing it', () => {
  assert.equal(formatSigned(-3.14, 'W'), '\u22123.1 W');
  assert.equal(formatSigned(1.25, 'Wh'), '+1.3 Wh');
  assert.equal(formatSigned(-0.01, 'W'), '0.0 W');
  assert.equal(formatSigned(null, 'W'), '—');
});

test('thermal badges always carry a text label, including unknown', () => {
  assert.deepEqual(thermalBadge('fair'), { tone: 'fair', label: 'Fair' });
  assert.deepEqual(thermalBadge(null), { tone: 'unknown', label: 'Unknown' });
  assert.equal(pressureFromLevel(2), 'serious');
  assert.equal(pressureFromLevel(7), 'critical');
  assert.equal(pressureFromLevel(null), null);
  assert.equal(formatCelsius(61.6), '62 °C');
});

test('compare figures keep one decimal in every unit, like the difference beside them', () => {
  assert.equal(formatFigure(5.34, 'Wh/h'), '5.3 Wh/h');
  assert.equal(formatFigure(7.4, 'W'), '7.4 W');
  assert.equal(formatFigure(12, ''), '12.0');
  assert.equal(formatFigure(null, 'W'), '—');
  assert.equal(formatSigned(1.26, 'Wh/h'), '+1.3 Wh/h');
});
