import { MAX_SNOOZE_MINUTES } from '../alerts/snooze.js';
import { ALERT_RULE_IDS, type FieldError, type SnoozeRequest, type Validated } from '../contract/index.js';

/** `{rule: AlertRuleId | 'all', until: {minutes} | 'tomorrow'}` with every problem named by field. */
export function validateSnoozeRequest(input: unknown): Validated<SnoozeRequest> {
  const errors: FieldError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(root)', reason: 'must be an object' }] };
  }
  const body = input as Record<string, unknown>;
  const rules: readonly string[] = [...ALERT_RULE_IDS, 'all'];
  if (typeof body.rule !== 'string' || !rules.includes(body.rule)) {
    errors.push({ field: 'rule', reason: `must be one of ${rules.join(', ')}` });
  }
  let until: SnoozeRequest['until'] = 'tomorrow';
  if (body.until !== 'tomorrow') {
    const minutes = (body.until as { minutes?: unknown } | null)?.minutes;
    if (typeof body.until !== 'object' || body.until === null || typeof minutes !== 'number') {
      errors.push({ field: 'until', reason: "must be 'tomorrow' or {minutes: number}" });
    } else if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_SNOOZE_MINUTES) {
      errors.push({
        field: 'until.minutes',
        reason: `must be more than 0 and at most ${MAX_SNOOZE_MINUTES}`,
      });
    } else {
      until = { minutes };
    }
  }
  const extra = Object.keys(body).filter((key) => key !== 'rule' && key !== 'until');
  for (const key of extra) errors.push({ field: key, reason: 'unknown field' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { rule: body.rule as SnoozeRequest['rule'], until } };
}
