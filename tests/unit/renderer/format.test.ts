import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCelsius, formatSigned } from '../../../main/contract/format.js';
import {
  formatAgo,
  formatEstimateWattHours,
  formatEstimateWatts,
  formatFigure,
  pressureFromLevel,
  thermalBadge,
} from '../../../renderer/format.js';

test('relative times read "now", "5 m ago", "2 h ago", "3 d ago" and "never"', () => {
  const now = 1_700_000_000_000;
  assert.equal(formatAgo(now - 20_000, now), 'now');
  assert.equal(formatAgo(now + 5_000, now), 'now');
  assert.equal(formatAgo(now - 5 * 60_000, now), '5 m ago');
  assert.equal(formatAgo(now - 2 * 3600_000 - 59_000, now), '2 h ago');
  assert.equal(formatAgo(now - 3 * 86_400_000, now), '3 d ago');
  assert.equal(formatAgo(null, now), 'never');
});

test('estimates are prefixed ≈ and say so in their tooltip', () => {
  const w = formatEstimateWatts(4.12);
  assert.equal(w.text, '\u2248 4.1 W');
  assert.match(w.title, /^Estimated/);
  assert.equal(formatEstimateWattHours(9).text, '\u2248 9.0 Wh');
  assert.equal(formatEstimateWatts(null).text, '—');
});

test('signed differences at one decimal use a real minus sign and round before choosing it', () => {
  assert.equal(formatSigned(-3.14, 'W', 1), '\u22123.1 W');
  assert.equal(formatSigned(1.25, 'Wh', 1), '+1.3 Wh');
  assert.equal(formatSigned(-0.01, 'W', 1), '0.0 W');
  assert.equal(formatSigned(null, 'W', 1), '—');
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
  assert.equal(formatSigned(1.26, 'Wh/h', 1), '+1.3 Wh/h');
});
