import type { TimeRange } from '../contract/index.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "15m", "24h", "7d", "2w" → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6}(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 && Number.isFinite(ms) ? ms : null;
}

/** The largest time a JavaScript Date can hold (±100,000,000 days from 1970). */
const MAX_EPOCH_MS = 8.64e15;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date/time or epoch milliseconds → epoch ms; null when neither. Shared by the CLI and the HTTP API. */
export function parseInstant(text: string): number | null {
  const t = text.trim();
  if (/^\d{1,16}$/.test(t)) return Number(t) <= MAX_EPOCH_MS ? Number(t) : null;
  if (!ISO_8601.test(t)) return null;
  const at = Date.parse(t);
  return Number.isFinite(at) ? at : null;
}

export type RangeResult = { ok: true; range: TimeRange } | { ok: false; error: string };

function checked(from: number, to: number, what: string): RangeResult {
  if (from >= to) return { ok: false, error: `${what}: the start must be before the end` };
  return { ok: true, range: { from, to } };
}

/** "FROM..TO" with each end an ISO time or epoch ms (the compare command's and API's format). */
export function parseRangeSpec(spec: string, what = 'range'): RangeResult {
  const parts = spec.split('..');
  if (parts.length !== 2) return { ok: false, error: `${what} '${spec}' is not FROM..TO` };
  const from = parseInstant(parts[0]!);
  const to = parseInstant(parts[1]!);
  if (from === null)
    return { ok: false, error: `${what}: '${parts[0]}' is not an ISO time or epoch milliseconds` };
  if (to === null)
    return { ok: false, error: `${what}: '${parts[1]}' is not an ISO time or epoch milliseconds` };
  return checked(from, to, what);
}

/** --since DURATION, or --from [--to] (to defaults to now); since defaults to 24h. */
export function resolveRange(
  options: { since?: string | undefined; from?: string | undefined; to?: string | undefined },
  now: number,
): RangeResult {
  if (options.since !== undefined && (options.from !== undefined || options.to !== undefined)) {
    return { ok: false, error: 'use either --since or --from/--to, not both' };
  }
  if (options.from === undefined && options.to !== undefined)
    return { ok: false, error: '--to needs --from' };
  if (options.from !== undefined) {
    const from = parseInstant(options.from);
    if (from === null)
      return { ok: false, error: `--from '${options.from}' is not an ISO time or epoch milliseconds` };
    const to = options.to === undefined ? now : parseInstant(options.to);
    if (to === null)
      return { ok: false, error: `--to '${options.to}' is not an ISO time or epoch milliseconds` };
    return checked(from, to, 'range');
  }
  const since = options.since ?? '24h';
  const ms = parseDuration(since);
  if (ms === null) return { ok: false, error: `--since '${since}' is not a duration like 90m, 24h or 7d` };
  return { ok: true, range: { from: now - ms, to: now } };
}
