import {
  ALERT_RULE_IDS,
  SYSTEM_ALERT_RULES,
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

/** The rules about one service, which a service's snooze silences. */
export const PER_SERVICE_ALERT_RULES: readonly AlertRuleId[] = ALERT_RULE_IDS.filter(
  (rule) => !SYSTEM_ALERT_RULES.includes(rule),
);

/**
 * True while the rule itself or 'all' is snoozed at `at`, or, for a per-service rule's alert about
 * `serviceId`, while that service is. A whole-machine alert (idle power, thermal pressure) is never
 * silenced by a service's snooze, even when it names that service as the likely culprit: it is about
 * the machine's power or heat, which other services may be driving too, and there is only one of it,
 * so snoozing one service must not hide it from every other.
 */
export function isSnoozed(
  snooze: SnoozeState,
  rule: AlertRuleId,
  at: number,
  serviceId?: string | null,
): boolean {
  let until = Math.max(snooze.snoozedUntil[rule] ?? 0, snooze.snoozedUntil.all ?? 0);
  if (serviceId && PER_SERVICE_ALERT_RULES.includes(rule)) {
    until = Math.max(until, snooze.snoozedServices?.[serviceId] ?? 0);
  }
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
 * Snoozes one rule, all of them, or one service's per-service alerts. Returns the new snooze state
 * and one 'snoozed' event per rule it covers (events name a single rule, and the service for a
 * service's snooze); an invalid request is an error, never an exception.
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
  const span = formatSpan(until - now);
  const when = target.until === 'tomorrow' ? `until midnight (${span})` : `for ${span}`;
  const pruned = pruneExpired(snooze, now);
  const event = (rule: AlertRuleId, scope: string, serviceId: string | null, tag: string): AlertEvent => ({
    id: `${rule}:${tag}:${now}:snoozed`,
    at: now,
    rule,
    kind: 'snoozed',
    severity: null,
    serviceId,
    value: null,
    unit: null,
    threshold: null,
    durationSeconds: Math.round((until - now) / 1000),
    title: `${scope} snoozed`,
    message: `${scope} snoozed ${when}`,
  });
  if (target.serviceId !== undefined) {
    const serviceId = target.serviceId;
    const state: SnoozeState = {
      ...pruned,
      snoozedServices: { ...pruned.snoozedServices, [serviceId]: until },
    };
    const events = PER_SERVICE_ALERT_RULES.map((rule) =>
      event(rule, `${RULE_NAMES[rule]} alerts for ${serviceId}`, serviceId, `service:${serviceId}`),
    );
    return { ok: true, state, events };
  }
  const rules = target.rule === 'all' ? ALERT_RULE_IDS : [target.rule];
  const scope = target.rule === 'all' ? 'All alerts' : `${RULE_NAMES[target.rule]} alerts`;
  const tag = target.rule === 'all' ? 'all' : 'system';
  const state: SnoozeState = { ...pruned, snoozedUntil: { ...pruned.snoozedUntil, [target.rule]: until } };
  return { ok: true, state, events: rules.map((rule) => event(rule, scope, null, tag)) };
}

/** Ends a snooze early. */
export function clearSnooze(snooze: SnoozeState, rule: AlertRuleId | 'all'): SnoozeState {
  const snoozedUntil = { ...snooze.snoozedUntil };
  delete snoozedUntil[rule];
  return { ...snooze, snoozedUntil };
}

const unexpired = <K extends string>(
  map: Partial<Record<K, number>>,
  now: number,
): Partial<Record<K, number>> =>
  Object.fromEntries(
    Object.entries(map).filter(([, until]) => typeof until === 'number' && until > now),
  ) as Partial<Record<K, number>>;

/**
 * Drops the entries that have run out, so the state stays small; the per-service map is left out
 * once it is empty, as in states from before it existed.
 */
export function pruneExpired(snooze: SnoozeState, now: number): SnoozeState {
  const state: SnoozeState = { snoozedUntil: unexpired(snooze.snoozedUntil, now) };
  const services = unexpired(snooze.snoozedServices ?? {}, now) as Record<string, number>;
  if (Object.keys(services).length > 0) state.snoozedServices = services;
  return state;
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
