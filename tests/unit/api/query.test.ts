import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../../main/api/errors.js';
import {
  parseDurationMs,
  parseInteger,
  parseRange,
  parseSince,
  parseTime,
  readQuery,
  required,
} from '../../../main/api/query.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 400);
    return error.fields?.[0]?.field;
  }
  assert.fail('expected a 400');
}

test('readQuery refuses unknown and repeated parameters', () => {
  assert.deepEqual(
    [...readQuery(new URLSearchParams('a=1&b=2'), ['a', 'b'])],
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
  assert.equal(
    fieldOf(() => readQuery(new URLSearchParams('c=1'), ['a'])),
    'c',
  );
  assert.equal(
    fieldOf(() => readQuery(new URLSearchParams('a=1&a=2'), ['a'])),
    'a',
  );
  assert.equal(
    fieldOf(() => readQuery(new URLSearchParams('x=1'), [])),
    'x',
  );
  assert.equal(
    fieldOf(() => required(new Map(), 'before')),
    'before',
  );
});

test('integers are whole and in range', () => {
  assert.equal(parseInteger('limit', '42', 1, 100), 42);
  for (const bad of ['0', '101', '4.2', '1e3', '', ' 4', '0x10', '99999999999999999']) {
    assert.equal(
      fieldOf(() => parseInteger('limit', bad, 1, 100)),
      'limit',
      bad,
    );
  }
});

test('times are epoch ms or ISO 8601; durations count back from now', () => {
  assert.equal(parseTime('from', '1736935200000'), 1736935200000);
  assert.equal(parseTime('from', '2025-01-15T10:00:00Z'), Date.UTC(2025, 0, 15, 10));
  assert.equal(parseTime('from', '2025-01-15T12:00:00+02:00'), Date.UTC(2025, 0, 15, 10));
  for (const bad of [
    'yesterday',
    '2025-13-45',
    '-5',
    'NaN',
    '2025-01-15T10:00:00Zjunk',
    '9999999999999999',
  ]) {
    assert.equal(
      fieldOf(() => parseTime('from', bad)),
      'from',
      bad,
    );
  }
  assert.equal(parseDurationMs('90s'), 90_000);
  assert.equal(parseDurationMs('24h'), 86_400_000);
  assert.equal(parseDurationMs('2w'), 1_209_600_000);
  assert.equal(parseDurationMs('5y'), null);
  assert.equal(parseSince('since', '30m', 10_000_000), 10_000_000 - 1_800_000);
  assert.equal(parseSince('since', '1000', 10_000_000), 1000);
  assert.equal(
    fieldOf(() => parseSince('since', 'soon', 0)),
    'since',
  );
});

test('ranges are FROM..TO with FROM before TO', () => {
  assert.deepEqual(parseRange('before', '1..2'), { from: 1, to: 2 });
  for (const bad of ['1-2', '1..', '..2', '2..1', '1..1', '1..2..3', 'a..b']) {
    assert.equal(
      fieldOf(() => parseRange('before', bad)),
      'before',
      bad,
    );
  }
});
