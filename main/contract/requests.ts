import { ALERT_RULE_IDS, type SnoozeRequest } from './alerts.js';
import type { HistoryQuery, ServiceHistoryQuery } from './history.js';
import type { TimeRange } from './report.js';
import { isServiceId, SERVICE_ID_RULE } from './services.js';
import type { FieldError, Validated } from './settings.js';

/**
 * The requests a client may send (over IPC or HTTP), their limits and their validators. Each
 * transport derives its checks from these, so a request means the same thing on every path. A
 * field is named relative to the request ('(root)' for the request itself); the transport puts it
 * in context (an IPC argument name, an HTTP body or query parameter).
 */

/** The most points one history query may return. */
export const MAX_HISTORY_POINTS = 10_000;
/** The longest snooze a request may ask for: a week. */
export const MAX_SNOOZE_MINUTES = 7 * 24 * 60;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const ROOT = '(root)';
const rootError = (reason: string): { ok: false; errors: FieldError[] } => ({
  ok: false,
  errors: [{ field: ROOT, reason }],
});

export const isEpochMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A range is a span of time: an empty or reversed one has nothing to report, chart or compare. */
export function rangeOrderProblem(range: TimeRange): string | null {
  return range.from < range.to ? null : 'must be before to';
}

function checkRange(v: Obj, errors: FieldError[]): void {
  if (!isEpochMs(v.from)) errors.push({ field: 'from', reason: 'must be a time in epoch milliseconds' });
  if (!isEpochMs(v.to)) errors.push({ field: 'to', reason: 'must be a time in epoch milliseconds' });
  if (errors.length > 0) return;
  const order = rangeOrderProblem({ from: v.from as number, to: v.to as number });
  if (order) errors.push({ field: 'from', reason: order });
}

const pointsProblem = (v: unknown): string | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_HISTORY_POINTS
    ? null
    : `must be a whole number from 1 to ${MAX_HISTORY_POINTS}`;

/** `{from, to}` in epoch milliseconds, from before to. */
export function validateTimeRange(input: unknown): Validated<TimeRange> {
  if (!isObj(input)) return rootError('must be an object {from, to}');
  const errors: FieldError[] = [];
  checkRange(input, errors);
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, value: { from: input.from as number, to: input.to as number } };
}

/** `{from, to, points}`: a range and how many points at most. */
export function validateHistoryQuery(input: unknown): Validated<HistoryQuery> {
  if (!isObj(input)) return rootError('must be an object {from, to, points}');
  const errors: FieldError[] = [];
  checkRange(input, errors);
  const points = pointsProblem(input.points);
  if (points) errors.push({ field: 'points', reason: points });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { from: input.from as number, to: input.to as number, points: input.points as number },
  };
}

/** A history query for one service, named by its id. */
export function validateServiceHistoryQuery(input: unknown): Validated<ServiceHistoryQuery> {
  if (!isObj(input)) return rootError('must be an object {serviceId, from, to, points}');
  const query = validateHistoryQuery(input);
  const errors = query.ok ? [] : [...query.errors];
  if (!isServiceId(input.serviceId)) errors.push({ field: 'serviceId', reason: SERVICE_ID_RULE });
  if (!query.ok || errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { serviceId: input.serviceId as string, ...query.value } };
}

/** `{since?}`: alerts at or after an epoch-ms time, or all kept ones. */
export function validateAlertsQuery(input: unknown): Validated<{ since?: number }> {
  if (!isObj(input)) return rootError('must be an object {since?}');
  if (input.since === undefined) return { ok: true, value: {} };
  return isEpochMs(input.since)
    ? { ok: true, value: { since: input.since } }
    : { ok: false, errors: [{ field: 'since', reason: 'must be a time in epoch milliseconds' }] };
}

/**
 * `{rule: AlertRuleId | 'all', until: {minutes} | 'tomorrow', serviceId?}`. Minutes are whole (the UI
 * offers whole minutes and a fraction of one is no snooze anyone means), from 1 to a week. With a
 * service id the rule must be 'all': a service's snooze silences every per-service rule about it.
 */
export function validateSnoozeRequest(input: unknown): Validated<SnoozeRequest> {
  if (!isObj(input)) return rootError('must be an object {rule, until, serviceId?}');
  const errors: FieldError[] = [];
  const rules: readonly unknown[] = [...ALERT_RULE_IDS, 'all'];
  if (!rules.includes(input.rule))
    errors.push({ field: 'rule', reason: `must be one of ${rules.join(', ')}` });
  let until: SnoozeRequest['until'] = 'tomorrow';
  if (input.until !== 'tomorrow') {
    const minutes = isObj(input.until) ? input.until.minutes : undefined;
    if (typeof minutes !== 'number') {
      errors.push({ field: 'until', reason: "must be 'tomorrow' or {minutes: number}" });
    } else if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SNOOZE_MINUTES) {
      errors.push({
        field: 'until.minutes',
        reason: `must be a whole number from 1 to ${MAX_SNOOZE_MINUTES}`,
      });
    } else {
      until = { minutes };
    }
  }
  if (input.serviceId !== undefined) {
    if (!isServiceId(input.serviceId)) errors.push({ field: 'serviceId', reason: SERVICE_ID_RULE });
    else if (input.rule !== 'all' && rules.includes(input.rule))
      errors.push({ field: 'rule', reason: "must be 'all' when serviceId is given" });
  }
  for (const key of Object.keys(input)) {
    if (key !== 'rule' && key !== 'until' && key !== 'serviceId')
      errors.push({ field: key, reason: 'unknown field' });
  }
  if (errors.length > 0) return { ok: false, errors };
  const value: SnoozeRequest = { rule: input.rule as SnoozeRequest['rule'], until };
  if (input.serviceId !== undefined) value.serviceId = input.serviceId as string;
  return { ok: true, value };
}

/** One line naming each problem, `field reason; …`, for an error message. */
export function describeFieldErrors(errors: readonly FieldError[], prefix = ''): string {
  return errors
    .map((e) => {
      const field = e.field === ROOT ? prefix : prefix ? `${prefix}.${e.field}` : e.field;
      return field ? `${field} ${e.reason}` : e.reason;
    })
    .join('; ');
}
