import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseWindow,
  presetWindows,
  startOfLocalDay,
  toLocalInputValue,
} from '../../../renderer/model/compare-windows.js';

const HOUR = 3600_000;

test('"last hour vs same hour yesterday" is two one-hour windows a day apart', () => {
  const now = new Date(2024, 4, 6, 15, 30).getTime();
  const { before, after } = presetWindows('hour-vs-yesterday', now);
  assert.deepEqual(after, { from: now - HOUR, to: now });
  assert.deepEqual(before, { from: now - 25 * HOUR, to: now - 24 * HOUR });
  const q = presetWindows('last-15m-vs-previous', now);
  assert.equal(q.before.to, q.after.from);
  const d = presetWindows('today-vs-yesterday', now);
  assert.equal(d.after.from, startOfLocalDay(now));
  assert.equal(d.after.to - d.after.from, d.before.to - d.before.from);
});

test('custom windows round-trip through datetime-local values and are checked', () => {
  const now = new Date(2024, 4, 6, 15, 30).getTime();
  const from = toLocalInputValue(now - HOUR);
  assert.equal(from, '2024-05-06T14:30');
  assert.deepEqual(parseWindow(from, toLocalInputValue(now), now), {
    ok: true,
    range: { from: now - HOUR, to: now },
  });
  assert.deepEqual(parseWindow('', toLocalInputValue(now), now), {
    ok: false,
    reason: 'needs a start and an end',
  });
  assert.deepEqual(parseWindow(toLocalInputValue(now), from, now), {
    ok: false,
    reason: 'must end after it starts',
  });
  assert.deepEqual(parseWindow(toLocalInputValue(now + HOUR), toLocalInputValue(now + 2 * HOUR), now), {
    ok: false,
    reason: 'starts in the future',
  });
  const clipped = parseWindow(from, toLocalInputValue(now + HOUR), now);
  assert.ok(clipped.ok && clipped.range.to === now, 'an end in the future is clipped to now');
});
