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
  /** A rule, or 'all'. */
  rule: AlertRuleId | 'all';
  /** Either a duration or 'tomorrow' (until the next local midnight). */
  until: { minutes: number } | 'tomorrow';
}

export interface SnoozeState {
  /** Rule (or 'all') → epoch ms when the snooze ends. */
  snoozedUntil: Partial<Record<AlertRuleId | 'all', number>>;
}
