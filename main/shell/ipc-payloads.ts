import {
  describeFieldErrors,
  validateAlertsQuery,
  validateBaselinePin,
  validateHistoryQuery,
  validateServiceHistoryQuery,
  validateSnoozeRequest,
  validateTimeRange,
  type MonitorApiMethod,
  type Validated,
} from '../contract/index.js';

/**
 * What the renderer sends over IPC, checked per MonitorApi method with the contract's request
 * validators (the HTTP API uses the same ones). Settings are only checked to be an object here:
 * the core validates them field by field and answers with FieldErrors, which the settings form needs.
 */
export type PayloadCheck = { ok: true; args: unknown[] } | { ok: false; reason: string };

type ArgCheck = (value: unknown) => Validated<unknown>;

const settingsObject: ArgCheck = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
    ? { ok: true, value: v }
    : { ok: false, errors: [{ field: '(root)', reason: 'must be a settings object' }] };

const SIGNATURES: Record<MonitorApiMethod, readonly [string, ArgCheck][]> = {
  getStatus: [],
  getLatest: [],
  getHistory: [['query', validateHistoryQuery]],
  getServiceHistory: [['query', validateServiceHistoryQuery]],
  getServices: [],
  getCollectors: [],
  getAlerts: [['query', validateAlertsQuery]],
  snoozeAlerts: [['request', validateSnoozeRequest]],
  getSettings: [],
  updateSettings: [['settings', settingsObject]],
  getReport: [['range', validateTimeRange]],
  compare: [
    ['before', validateTimeRange],
    ['after', validateTimeRange],
  ],
  unloadOllama: [],
  requestPowerPermission: [],
  getBaseline: [],
  pinBaseline: [['request', validateBaselinePin]],
};

/** The checked arguments are the validators' copies: fields the contract does not know are dropped. */
export function checkIpcPayload(method: MonitorApiMethod, args: readonly unknown[]): PayloadCheck {
  const signature = SIGNATURES[method];
  if (args.length !== signature.length) {
    const expected = signature.length === 0 ? 'no arguments' : signature.map(([name]) => name).join(', ');
    return { ok: false, reason: `${method} takes ${expected}, got ${args.length} argument(s)` };
  }
  const checked: unknown[] = [];
  for (const [index, [name, check]] of signature.entries()) {
    const result = check(args[index]);
    if (!result.ok) return { ok: false, reason: describeFieldErrors(result.errors, name) };
    checked.push(result.value);
  }
  return { ok: true, args: checked };
}
