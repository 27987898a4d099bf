import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAmount, formatBytes, formatDuration, formatSigned } from '../../../main/contract/format.js';
import {
  parseDuration,
  parseInstant,
  parseRangeSpec,
  resolveRange,
} from '../../../main/report/time-range.js';

const NOW = Date.UTC(2025, 0, 7);

test('durations, instants and FROM..TO ranges parse; bad ones say why', () => {
  assert.equal(parseDuration('24h'), 86_400_000);
  assert.equal(parseDuration('90m'), 5_400_000);
  assert.equal(parseDuration('2w'), 1_209_600_000);
  assert.equal(parseDuration('0h'), null);
  assert.equal(parseDuration('24'), null);
  assert.equal(parseInstant('2025-01-06T08:00:00Z'), Date.UTC(2025, 0, 6, 8));
  assert.equal(parseInstant('1736150400000'), 1736150400000);
  assert.equal(parseInstant('yesterday'), null);
  assert.deepEqual(parseRangeSpec('2025-01-06T00:00:00Z..1736150400000'), {
    ok: true,
    range: { from: Date.UTC(2025, 0, 6), to: 1736150400000 },
  });
  assert.deepEqual(parseRangeSpec('2025-01-06', '--before'), {
    ok: false,
    error: "--before '2025-01-06' is not FROM..TO",
  });
  assert.match(
    (parseRangeSpec('2025-01-07..2025-01-06') as { error: string }).error,
    /start must be before the end/,
  );
});

test('report ranges: --since (default 24h) or --from/--to, never both', () => {
  assert.deepEqual(resolveRange({}, NOW), { ok: true, range: { from: NOW - 86_400_000, to: NOW } });
  assert.deepEqual(resolveRange({ since: '1h' }, NOW), {
    ok: true,
    range: { from: NOW - 3_600_000, to: NOW },
  });
  assert.deepEqual(resolveRange({ from: '2025-01-06T12:00:00Z' }, NOW), {
    ok: true,
    range: { from: Date.UTC(2025, 0, 6, 12), to: NOW },
  });
  assert.match(
    (resolveRange({ since: '1h', from: '2025-01-06' }, NOW) as { error: string }).error,
    /not both/,
  );
  assert.match((resolveRange({ to: '2025-01-06' }, NOW) as { error: string }).error, /--to needs --from/);
  assert.match((resolveRange({ since: 'soon' }, NOW) as { error: string }).error, /not a duration/);
});

test('units read the way the report writes them', () => {
  assert.equal(formatDuration(45), '45 s');
  assert.equal(formatDuration(7800), '2 h 10 min');
  assert.equal(formatDuration(3 * 86_400 + 7200), '3 d 2 h');
  assert.equal(formatBytes(9.1e9), '9.1 GB');
  assert.equal(formatBytes(512e6), '512 MB');
  assert.equal(formatAmount(14.2, 'Wh'), '14 Wh');
  assert.equal(formatAmount(0.4234, 'Wh'), '0.42 Wh');
  assert.equal(formatAmount(7.3e-16, 'W'), '0.0 W', 'floating-point residue is zero, not 7.3e-16');
  assert.equal(formatAmount(0, 'W'), '0.0 W');
  assert.equal(formatSigned(-7.3e-16), '0.0');
  assert.equal(formatSigned(-1.25), '\u22121.3');
  assert.equal(formatSigned(0.4), '+0.40');
});
