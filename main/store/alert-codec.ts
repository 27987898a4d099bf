import { ALERT_RULE_IDS, type AlertEvent } from '../contract/index.js';

const KINDS: readonly string[] = ['fired', 'escalated', 'deescalated', 'cleared', 'snoozed'];

/** Alerts are rare, so they are stored as whole JSON objects, one per line. */
export const encodeAlert = (event: AlertEvent): string => JSON.stringify(event);

export function decodeAlert(line: string): AlertEvent | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
    if (typeof o.id !== 'string' || o.id === '' || typeof o.at !== 'number' || !Number.isFinite(o.at))
      return null;
    if (!(ALERT_RULE_IDS as readonly unknown[]).includes(o.rule) || !KINDS.includes(o.kind as string))
      return null;
    if (typeof o.title !== 'string' || typeof o.message !== 'string') return null;
    if (o.severity !== null && o.severity !== 'warning' && o.severity !== 'critical') return null;
    if (o.serviceId !== null && typeof o.serviceId !== 'string') return null;
    for (const key of ['value', 'threshold', 'durationSeconds'] as const) {
      if (o[key] !== null && (typeof o[key] !== 'number' || !Number.isFinite(o[key]))) return null;
    }
    return o as unknown as AlertEvent;
  } catch {
    return null;
  }
}
