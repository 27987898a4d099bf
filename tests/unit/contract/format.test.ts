import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatAmount,
  formatBytes,
  formatCpuPercent,
  formatDuration,
  formatPolling,
  formatMemory,
  formatSpan,
  formatWattHours,
  formatWatts,
} from '../../../main/contract/format.js';

test('watts and watt-hours have one decimal; missing values are a dash', () => {
  assert.equal(formatWatts(7.84), '7.8 W');
  assert.equal(formatWatts(0), '0.0 W');
  assert.equal(formatWattHours(14.25), '14.3 Wh');
  assert.equal(formatWatts(null), '—');
  assert.equal(formatWatts(Number.NaN), '—');
  assert.equal(formatWattHours(undefined), '—');
});

test('process memory is MB below 1 GB and GB with one decimal above', () => {
  const MB = 1024 * 1024;
  assert.equal(formatMemory(245 * MB), '245 MB');
  assert.equal(formatMemory(2.5 * MB), '2.5 MB');
  assert.equal(formatMemory(0), '0 MB');
  assert.equal(formatMemory(2.1 * 1024 * MB), '2.1 GB');
  assert.equal(formatMemory(-1), '—');
  assert.equal(formatMemory(null), '—');
});

test('CPU % has one decimal under 10 % and none above', () => {
  assert.equal(formatCpuPercent(0.54), '0.5 %');
  assert.equal(formatCpuPercent(9.94), '9.9 %');
  assert.equal(formatCpuPercent(45.4), '45 %');
  assert.equal(formatCpuPercent(312.6), '313 %');
  assert.equal(formatCpuPercent(null), '—');
});

test('durations use two units at most', () => {
  assert.equal(formatDuration(45), '45 s');
  assert.equal(formatDuration(300), '5 min');
  assert.equal(formatDuration(2 * 3600 + 600), '2 h 10 min');
  assert.equal(formatDuration(7200), '2 h');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 59), '3 d 4 h');
  assert.equal(formatDuration(-1), '—');
});

test('durations stay in the smaller unit up to 90 of it, as alerts and reports read them', () => {
  assert.equal(formatDuration(60), '60 s');
  assert.equal(formatDuration(89 * 60), '89 min');
  assert.equal(formatDuration(86_400), '1 d');
  assert.equal(formatSpan(3_600_000), '60 min');
  assert.equal(formatSpan(Number.NaN), '—');
});

test('model sizes are decimal, totals keep two significant figures, large watts drop the decimal', () => {
  assert.equal(formatBytes(1.5e12), '1.5 TB');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatAmount(123.4, 'Wh'), '123 Wh');
  assert.equal(formatAmount(null, 'Wh'), '—');
  assert.equal(formatWatts(123.4), '123 W');
  assert.equal(formatWatts(99.94), '99.9 W');
});

test('traffic and model sizes: decimal units, one decimal below 10, never 1000 of a unit', () => {
  assert.deepEqual(
    [0, 999, 1234, 56_000, 2_500_000, 3e9].map((n) => formatBytes(n)),
    ['0 B', '999 B', '1.2 kB', '56 kB', '2.5 MB', '3.0 GB'],
  );
  assert.equal(formatBytes(999_600), '1.0 MB');
});

test('polling: the mean spacing in the duration format, or the count alone under two requests', () => {
  assert.equal(
    formatPolling('Management Console', 'Next.js', 150, 2),
    'Management Console polls Next.js every \u2248 2 s (150 in 5 min)',
  );
  assert.equal(formatPolling('A', 'B', 3, 150), 'A polls B every \u2248 3 min (3 in 5 min)');
  assert.equal(formatPolling('A', 'B', 40, 0.2), 'A polls B every \u2248 1 s (40 in 5 min)');
  assert.equal(formatPolling('IdleWatt', 'Ollama', 1, null), 'IdleWatt sent Ollama 1 request in 5 min');
});
