import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeFieldErrors,
  MAX_SNOOZE_MINUTES,
  validateAlertsQuery,
  validateHistoryQuery,
  validateServiceHistoryQuery,
  validateSnoozeRequest,
  validateTimeRange,
} from '../../../main/contract/requests.js';
import { isServiceId } from '../../../main/contract/services.js';
import { checkIpcPayload } from '../../../main/shell/ipc-payloads.js';
import { applySnooze } from '../../../main/alerts/snooze.js';

const fields = (result: { ok: boolean; errors?: { field: string }[] }) =>
  result.ok ? [] : result.errors!.map((e) => e.field);

test('a snooze is whole minutes from 1 to a week, or tomorrow, on every path', () => {
  for (const minutes of [1, 60, MAX_SNOOZE_MINUTES]) {
    assert.ok(validateSnoozeRequest({ rule: 'all', until: { minutes } }).ok, String(minutes));
  }
  for (const minutes of [0, 0.5, 1.5, -1, MAX_SNOOZE_MINUTES + 1, Number.NaN, Infinity]) {
    const request = { rule: 'all', until: { minutes } };
    assert.deepEqual(fields(validateSnoozeRequest(request)), ['until.minutes'], String(minutes));
    assert.equal(checkIpcPayload('snoozeAlerts', [request]).ok, false, `IPC ${minutes}`);
    const applied = applySnooze({ snoozedUntil: {} }, request as never, 0);
    assert.ok(
      !applied.ok && /^snooze\.until: minutes must be a whole number/.test(applied.error),
      String(minutes),
    );
  }
});

test("a snooze may name one service by id (rule 'all'); a bad id or another rule is refused on every path", () => {
  const good = { rule: 'all', until: { minutes: 60 }, serviceId: 'ollama' };
  assert.deepEqual(validateSnoozeRequest(good), { ok: true, value: good });
  assert.ok(checkIpcPayload('snoozeAlerts', [good]).ok);
  assert.deepEqual(validateSnoozeRequest({ rule: 'all', until: 'tomorrow' }), {
    ok: true,
    value: { rule: 'all', until: 'tomorrow' },
  });
  for (const serviceId of ['Ollama', '', '-x', 'a'.repeat(41), 'a b', 3, null]) {
    const request = { rule: 'all', until: { minutes: 60 }, serviceId };
    assert.deepEqual(fields(validateSnoozeRequest(request)), ['serviceId'], String(serviceId));
    assert.equal(checkIpcPayload('snoozeAlerts', [request]).ok, false, `IPC ${String(serviceId)}`);
    const applied = applySnooze({ snoozedUntil: {} }, request as never, 0);
    assert.ok(!applied.ok && /^snooze\.serviceId: must be lower-case/.test(applied.error), String(serviceId));
  }
  assert.deepEqual(
    fields(validateSnoozeRequest({ rule: 'memory-growth', until: { minutes: 5 }, serviceId: 'ollama' })),
    ['rule'],
  );
});

test('ranges start before they end; history queries bound their points; services are named by id', () => {
  assert.deepEqual(validateTimeRange({ from: 1, to: 2, extra: true }), {
    ok: true,
    value: { from: 1, to: 2 },
  });
  assert.deepEqual(fields(validateTimeRange({ from: 2, to: 2 })), ['from']);
  assert.deepEqual(fields(validateTimeRange({ from: -1, to: 'x' })), ['from', 'to']);
  assert.deepEqual(fields(validateTimeRange(null)), ['(root)']);
  assert.deepEqual(fields(validateHistoryQuery({ from: 1, to: 2, points: 10_001 })), ['points']);
  assert.deepEqual(fields(validateServiceHistoryQuery({ from: 1, to: 2, points: 1, serviceId: 'A' })), [
    'serviceId',
  ]);
  assert.ok(validateServiceHistoryQuery({ from: 1, to: 2, points: 1, serviceId: 'ollama' }).ok);
  assert.deepEqual(fields(validateAlertsQuery({ since: 'yesterday' })), ['since']);
  assert.ok(isServiceId('management-console'));
  assert.ok(!isServiceId('-x') && !isServiceId('a'.repeat(41)) && !isServiceId(7));
});

test('field errors read as one line, in the context the transport gives', () => {
  const errors = [
    { field: '(root)', reason: 'must be an object' },
    { field: 'from', reason: 'must be before to' },
  ];
  assert.equal(describeFieldErrors(errors, 'range'), 'range must be an object; range.from must be before to');
  assert.equal(describeFieldErrors(errors), 'must be an object; from must be before to');
});
