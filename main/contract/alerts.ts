export type AlertRuleId = 'idle-power' | 'idle-service-cpu' | 'memory-growth' | 'thermal-pressure';
export const ALERT_RULE_IDS: readonly AlertRuleId[] = [
  'idle-power',
  'idle-service-cpu',
  'memory-growth',
  'thermal-pressure',
];

export type AlertSeverity = 'warning' | 'critical';
export type AlertEventKind = 'fired' | 'escalated' | 'deescalated' | 'cleared' | 'snoozed';

export interface AlertEvent {
  /** Unique, stable id (used for dedupe in the UI and the store). */
  id: string;
  at: number;
  rule: AlertRuleId;
  kind: AlertEventKind;
  severity: AlertSeverity | null;
  /** The service the rule is about (per-service rules), or the likely culprit (system rules). */
  serviceId: string | null;
  /** The measured value that breached, in the rule's unit. */
  value: number | null;
  unit: 'W' | '%' | 'MB/h' | 'level' | null;
  threshold: number | null;
  /** How long the condition has held, in seconds. */
  durationSeconds: number | null;
  title: string;
  /** Says what, how much, for how long, and the likely culprit. */
  message: string;
}

export interface SnoozeRequest {
  /** A rule, or 'all'. With `serviceId` it must be 'all': a service's snooze covers its per-service rules. */
  rule: AlertRuleId | 'all';
  /** Either a duration or 'tomorrow' (until the next local midnight). */
  until: { minutes: number } | 'tomorrow';
  /** Snooze only this service's per-service alerts (idle CPU, memory growth). */
  serviceId?: string;
}

export interface SnoozeState {
  /** Rule (or 'all') → epoch ms when the snooze ends. */
  snoozedUntil: Partial<Record<AlertRuleId | 'all', number>>;
  /**
   * Service id → epoch ms when that service's per-service alerts wake again. Absent when no service
   * is snoozed (and in states written before per-service snoozes existed).
   */
  snoozedServices?: Record<string, number>;
}

/** Rules about the whole machine: one alert at a time, whichever service an event names as the culprit. */
export const SYSTEM_ALERT_RULES: readonly AlertRuleId[] = ['idle-power', 'thermal-pressure'];

/** Which alert an event belongs to: the rule for whole-machine rules, the rule and service otherwise. */
export function alertKeyOf(event: Pick<AlertEvent, 'rule' | 'serviceId'>): string {
  return SYSTEM_ALERT_RULES.includes(event.rule) ? event.rule : `${event.rule}\u0000${event.serviceId ?? ''}`;
}

/**
 * The newest event of each alert (snoozes left out), oldest first: an alert is open while its newest
 * event is not 'cleared'.
 */
export function newestAlertEvents(events: readonly AlertEvent[]): AlertEvent[] {
  const newest = new Map<string, AlertEvent>();
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    if (event.kind === 'snoozed') continue;
    newest.set(alertKeyOf(event), event);
  }
  return [...newest.values()];
}

/** Alerts still open: the newest event of each, unless it cleared the alert. */
export function openAlertEvents(events: readonly AlertEvent[]): AlertEvent[] {
  return newestAlertEvents(events).filter((event) => event.kind !== 'cleared');
}
