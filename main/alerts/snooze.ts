import {
  ALERT_RULE_IDS,
  type AlertEvent,
  type AlertRuleId,
  type SnoozeRequest,
  type SnoozeState,
} from '../contract/alerts.js';
import { validateSnoozeRequest } from '../contract/requests.js';
import { formatSpan } from '../contract/format.js';

const DAY_MS = 24 * 3_600_000;

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
  const checked = validateSnoozeRequest(request);
  if (!checked.ok) return { ok: false, error: describeSnoozeError(checked.errors[0]!) };
  const target = checked.value;
  if (!Number.isFinite(now)) return { ok: false, error: 'snooze: the time must be a finite epoch-ms number' };
  const offset = options.utcOffsetMinutes;
  if (offset !== undefined && (!Number.isFinite(offset) || Math.abs(offset) > 14 * 60)) {
    return { ok: false, error: 'snooze: utcOffsetMinutes must be between -840 and 840' };
  }
  const until =
    target.until === 'tomorrow' ? nextLocalMidnight(now, offset) : now + target.until.minutes * 60_000;
  const snoozedUntil = { ...pruneExpired(snooze, now).snoozedUntil, [target.rule]: until };
  const rules = target.rule === 'all' ? ALERT_RULE_IDS : [target.rule];
  const span = formatSpan(until - now);
  const scope = target.rule === 'all' ? 'All alerts' : `${RULE_NAMES[target.rule]} alerts`;
  const when = target.until === 'tomorrow' ? `until midnight (${span})` : `for ${span}`;
  const events = rules.map((rule): AlertEvent => ({
    id: `${rule}:${target.rule === 'all' ? 'all' : 'system'}:${now}:snoozed`,
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

/** `snooze.until: minutes must be …`: the first problem, named from the request's top field. */
function describeSnoozeError(error: { field: string; reason: string }): string {
  if (error.field === '(root)') return `snooze: the request ${error.reason}`;
  const [head, ...rest] = error.field.split('.');
  return `snooze.${head}: ${[...rest, error.reason].join(' ')}`;
}
