import { rangeOrderProblem, type TimeRange } from '../contract/index.js';
import { parseDuration, parseInstant } from '../report/time-range.js';
import { badRequest } from './errors.js';

/**
 * The query of one request: unknown or repeated parameters are a 400 naming the parameter, so an
 * agent's typo never silently falls back to a default.
 */
export function readQuery(params: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of params) {
    if (!allowed.includes(name)) {
      const hint =
        allowed.length === 0 ? 'this endpoint takes no parameters' : `allowed: ${allowed.join(', ')}`;
      throw badRequest(`unknown query parameter '${name}' (${hint})`, [{ field: name, reason: 'unknown' }]);
    }
    if (values.has(name)) {
      throw badRequest(`query parameter '${name}' is given twice`, [{ field: name, reason: 'repeated' }]);
    }
    values.set(name, value);
  }
  return values;
}

function invalid(name: string, value: string, expected: string) {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return badRequest(`query parameter '${name}' must be ${expected} (got '${shown}')`, [
    { field: name, reason: `must be ${expected}` },
  ]);
}

export function parseInteger(name: string, value: string, min: number, max: number): number {
  const expected = `a whole number from ${min} to ${max}`;
  if (!/^-?\d{1,16}$/.test(value)) throw invalid(name, value, expected);
  const n = Number(value);
  if (n < min || n > max) throw invalid(name, value, expected);
  return n;
}

const TIME_EXPECTED = 'a time: epoch milliseconds or an ISO 8601 date';

/** Epoch milliseconds (digits) or an ISO 8601 date/time: the same rules as the CLI's. */
export function parseTime(name: string, value: string): number {
  const at = parseInstant(value);
  if (at === null) throw invalid(name, value, TIME_EXPECTED);
  return at;
}

/** `90s`, `30m`, `24h`, `7d`, `2w` → milliseconds; null when the text is not a duration. */
export const parseDurationMs = (value: string): number | null => parseDuration(value);

/** `since` is a duration back from `now` (`24h`) or a time. */
export function parseSince(name: string, value: string, now: number): number {
  const duration = parseDurationMs(value);
  if (duration !== null) return now - duration;
  try {
    return parseTime(name, value);
  } catch {
    throw invalid(name, value, `a duration such as 24h, 30m or 7d, or ${TIME_EXPECTED}`);
  }
}

/** `FROM..TO`, each side a time. */
export function parseRange(name: string, value: string): TimeRange {
  const parts = value.split('..');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw invalid(name, value, 'a range FROM..TO (epoch milliseconds or ISO 8601)');
  }
  const range = { from: parseTime(name, parts[0]), to: parseTime(name, parts[1]) };
  checkOrder(name, range);
  return range;
}

export function checkOrder(name: string, range: TimeRange): void {
  const problem = rangeOrderProblem(range);
  if (problem) {
    throw badRequest(`'${name}' must start before it ends`, [{ field: name, reason: `from ${problem}` }]);
  }
}

export function required(query: Map<string, string>, name: string): string {
  const value = query.get(name);
  if (value === undefined || value === '') {
    throw badRequest(`query parameter '${name}' is required`, [{ field: name, reason: 'required' }]);
  }
  return value;
}
