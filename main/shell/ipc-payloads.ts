import { ALERT_RULE_IDS, validateBaselinePin, type MonitorApiMethod } from '../contract/index.js';

/**
 * Shape checks for what the renderer sends over IPC, one per MonitorApi method. Settings are only
 * checked to be an object here: the core validates them field by field and answers with FieldErrors,
 * which the settings form needs.
 */
export type PayloadCheck = { ok: true; args: unknown[] } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const MAX_POINTS = 10_000;
const MAX_SNOOZE_MINUTES = 7 * 24 * 60;
const SERVICE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Each check returns a reason for the first problem, or null. */
type ArgCheck = (value: unknown, name: string) => string | null;

const epochMs: ArgCheck = (v, name) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0
    ? null
    : `${name} must be a time in epoch milliseconds`;

const timeRange: ArgCheck = (v, name) => {
  if (!isObj(v)) return `${name} must be an object {from, to}`;
  const problem = epochMs(v.from, `${name}.from`) ?? epochMs(v.to, `${name}.to`);
  if (problem) return problem;
  return (v.from as number) <= (v.to as number) ? null : `${name}.from must not be after ${name}.to`;
};

const historyQuery: ArgCheck = (v, name) => {
  const problem = timeRange(v, name);
  if (problem) return problem;
  const points = (v as Obj).points;
  return typeof points === 'number' && Number.isInteger(points) && points >= 1 && points <= MAX_POINTS
    ? null
    : `${name}.points must be a whole number from 1 to ${MAX_POINTS}`;
};

const serviceHistoryQuery: ArgCheck = (v, name) =>
  historyQuery(v, name) ??
  (typeof (v as Obj).serviceId === 'string' && SERVICE_ID.test((v as Obj).serviceId as string)
    ? null
    : `${name}.serviceId must be a service id (lower-case letters, digits, dashes)`);

const alertsQuery: ArgCheck = (v, name) => {
  if (!isObj(v)) return `${name} must be an object {since?}`;
  return v.since === undefined ? null : epochMs(v.since, `${name}.since`);
};

const snoozeRequest: ArgCheck = (v, name) => {
  if (!isObj(v)) return `${name} must be an object {rule, until}`;
  if (v.rule !== 'all' && !(ALERT_RULE_IDS as readonly unknown[]).includes(v.rule)) {
    return `${name}.rule must be 'all' or one of ${ALERT_RULE_IDS.join(', ')}`;
  }
  if (v.until === 'tomorrow') return null;
  const minutes = isObj(v.until) ? v.until.minutes : undefined;
  return typeof minutes === 'number' &&
    Number.isInteger(minutes) &&
    minutes >= 1 &&
    minutes <= MAX_SNOOZE_MINUTES
    ? null
    : `${name}.until must be 'tomorrow' or {minutes} with a whole number from 1 to ${MAX_SNOOZE_MINUTES}`;
};

const settingsObject: ArgCheck = (v, name) => (isObj(v) ? null : `${name} must be a settings object`);

const SIGNATURES: Record<MonitorApiMethod, readonly [string, ArgCheck][]> = {
  getStatus: [],
  getLatest: [],
  getHistory: [['query', historyQuery]],
  getServiceHistory: [['query', serviceHistoryQuery]],
  getServices: [],
  getCollectors: [],
  getAlerts: [['query', alertsQuery]],
  snoozeAlerts: [['request', snoozeRequest]],
  getSettings: [],
  updateSettings: [['settings', settingsObject]],
  getReport: [['range', timeRange]],
  compare: [
    ['before', timeRange],
    ['after', timeRange],
  ],
  unloadOllama: [],
  requestPowerPermission: [],
  getBaseline: [],
  pinBaseline: [
    ['request', (v, name) => (validateBaselinePin(v).ok ? null : `${name} must be {} or {clear: boolean}`)],
  ],
};

export function checkIpcPayload(method: MonitorApiMethod, args: readonly unknown[]): PayloadCheck {
  const signature = SIGNATURES[method];
  if (args.length !== signature.length) {
    const expected = signature.length === 0 ? 'no arguments' : signature.map(([name]) => name).join(', ');
    return { ok: false, reason: `${method} takes ${expected}, got ${args.length} argument(s)` };
  }
  for (const [index, [name, check]] of signature.entries()) {
    const problem = check(args[index], name);
    if (problem) return { ok: false, reason: problem };
  }
  return { ok: true, args: [...args] };
}
