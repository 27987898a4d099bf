import {
  ALERT_RULE_IDS,
  type AlertEvent,
  type AlertRuleId,
  type SnoozeRequest,
  type SnoozeState,
} from '../contract/alerts.js';
import { formatSpan } from './format.js';

const DAY_MS = 24 * 3_600_000;
/** The longest snooze a request may ask for. */
export const MAX_SNOOZE_MINUTES = 7 * 24 * 60;

export function emptySnooze(): SnoozeState {
  return { snoozedUntil: {} };
}

/** True while the rule itself or 'all' is snoozed at `at`. */
export function isSnoozed(snooze: SnoozeState, rule: AlertRuleId, at: number): boolean {
  const until = Math.max(snooze.snoozedUntil[rule] ?? 0, snooze.snoozedUntil.all ?? 0);
  return at < until;
}

/**
 * The next local midnight after `now`. With `utcOffsetMinutes` (local minus UTC, +120 for CEST) the
 * answer is pure arithmetic; without it, the local time zone of `now`'s Date decides (DST included).
 */
export function nextLocalMidnight(now: number, utcOffsetMinutes?: number): number {
  if (utcOffsetMinutes === undefined) {
    const date = new Date(now);
    date.setHours(24, 0, 0, 0);
    return date.getTime();
  }
  const offsetMs = utcOffsetMinutes * 60_000;
  const localDayStart = Math.floor((now + offsetMs) / DAY_MS) * DAY_MS;
  return localDayStart + DAY_MS - offsetMs;
}

export type SnoozeResult =
  { ok: true; state: SnoozeState; events: AlertEvent[] } | { ok: false; error: string };

export interface SnoozeOptions {
  utcOffsetMinutes?: number;
}

/**
 * Snoozes one rule or all of them. Returns the new snooze state and one 'snoozed' event per rule
 * it covers (events name a single rule); an invalid request is an error, never an exception.
 */
export function applySnooze(
  snooze: SnoozeState,
  request: SnoozeRequest,
  now: number,
  options: SnoozeOptions = {},
): SnoozeResult {
  const target = validateTarget(request);
  if (typeof target === 'string') return { ok: false, error: target };
  if (!Number.isFinite(now)) return { ok: false, error: 'snooze: the time must be a finite epoch-ms number' };
  const offset = options.utcOffsetMinutes;
  if (offset !== undefined && (!Number.isFinite(offset) || Math.abs(offset) > 14 * 60)) {
    return { ok: false, error: 'snooze: utcOffsetMinutes must be between -840 and 840' };
  }
  const until = request.until === 'tomorrow' ? nextLocalMidnight(now, offset) : now + target.minutes * 60_000;
  const snoozedUntil = { ...pruneExpired(snooze, now).snoozedUntil, [request.rule]: until };
  const rules = request.rule === 'all' ? ALERT_RULE_IDS : [request.rule];
  const span = formatSpan(until - now);
  const scope = request.rule === 'all' ? 'All alerts' : `${RULE_NAMES[request.rule]} alerts`;
  const when = request.until === 'tomorrow' ? `until midnight (${span})` : `for ${span}`;
  const events = rules.map((rule): AlertEvent => ({
    id: `${rule}:${request.rule === 'all' ? 'all' : 'system'}:${now}:snoozed`,
    at: now,
    rule,
    kind: 'snoozed',
    severity: null,
    serviceId: null,
    value: null,
    unit: null,
    threshold: null,
    durationSeconds: Math.round((until - now) / 1000),
    title: `${scope} snoozed`,
    message: `${scope} snoozed ${when}`,
  }));
  return { ok: true, state: { snoozedUntil }, events };
}

/** Ends a snooze early. */
export function clearSnooze(snooze: SnoozeState, rule: AlertRuleId | 'all'): SnoozeState {
  const snoozedUntil = { ...snooze.snoozedUntil };
  delete snoozedUntil[rule];
  return { snoozedUntil };
}

/** Drops the entries that have run out, so the state stays small. */
export function pruneExpired(snooze: SnoozeState, now: number): SnoozeState {
  const entries = Object.entries(snooze.snoozedUntil).filter(
    ([, until]) => until !== undefined && until > now,
  );
  return { snoozedUntil: Object.fromEntries(entries) };
}

export const RULE_NAMES: Record<AlertRuleId, string> = {
  'idle-power': 'Idle power',
  'idle-service-cpu': 'Idle service CPU',
  'memory-growth': 'Memory growth',
  'thermal-pressure': 'Thermal pressure',
};

function validateTarget(request: SnoozeRequest): { minutes: number } | string {
  const raw = request as unknown as { rule?: unknown; until?: unknown } | null;
  if (typeof raw !== 'object' || raw === null) return 'snooze: the request must be an object';
  if (raw.rule !== 'all' && !ALERT_RULE_IDS.includes(raw.rule as AlertRuleId)) {
    return `snooze.rule: must be 'all' or one of ${ALERT_RULE_IDS.join(', ')}`;
  }
  if (raw.until === 'tomorrow') return { minutes: 0 };
  const minutes = (raw.until as { minutes?: unknown } | null)?.minutes;
  if (
    typeof minutes !== 'number' ||
    !Number.isFinite(minutes) ||
    minutes <= 0 ||
    minutes > MAX_SNOOZE_MINUTES
  ) {
    return `snooze.until: must be 'tomorrow' or { minutes } with 0 < minutes <= ${MAX_SNOOZE_MINUTES}`;
  }
  return { minutes };
}
