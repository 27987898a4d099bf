import type { AlertRuleId, AlertSeverity } from '../contract/alerts.js';

/** One rule for one subject (the system, or one service): its streaks and whether it is firing. */
export interface RuleTracker {
  /** The active alert's severity; null while nothing is firing. */
  severity: AlertSeverity | null;
  /** Start of the current run of readings at or above the warning level (null: no run). */
  warningSince: number | null;
  criticalSince: number | null;
  /** Start of the current run of readings low enough to clear (below 90 % of warning). */
  clearSince: number | null;
  /** Start of the current run of readings low enough to de-escalate (below 90 % of critical). */
  deescalateSince: number | null;
  /** When the breach behind the active alert began ("for 5 min"). */
  breachStartedAt: number | null;
  /** When the last alert of this rule and subject cleared: the cooldown runs from here. */
  clearedAt: number | null;
}

export interface RssPoint {
  at: number;
  rssBytes: number;
}

/** Everything the engine remembers between samples. Plain JSON, so it can be persisted. */
export interface AlertState {
  /** Keyed by `${rule}:${subject}` where subject is a service id or 'system'. */
  trackers: Record<string, RuleTracker>;
  /** Per service id: the RSS readings the memory-growth fit runs over. */
  rss: Record<string, RssPoint[]>;
}

export function initialAlertState(): AlertState {
  return { trackers: {}, rss: {} };
}

export function emptyTracker(): RuleTracker {
  return {
    severity: null,
    warningSince: null,
    criticalSince: null,
    clearSince: null,
    deescalateSince: null,
    breachStartedAt: null,
    clearedAt: null,
  };
}

export const SYSTEM_SUBJECT = 'system';

export function trackerKey(rule: AlertRuleId, subject: string): string {
  return `${rule}:${subject}`;
}

/** An alert currently firing, for the UI's "active alerts" list. */
export interface ActiveAlert {
  rule: AlertRuleId;
  subject: string;
  severity: AlertSeverity;
  since: number | null;
}

export function activeAlerts(state: AlertState): ActiveAlert[] {
  return Object.entries(state.trackers).flatMap(([key, tracker]) => {
    if (tracker.severity === null) return [];
    const split = key.indexOf(':');
    return [
      {
        rule: key.slice(0, split) as AlertRuleId,
        subject: key.slice(split + 1),
        severity: tracker.severity,
        since: tracker.breachStartedAt,
      },
    ];
  });
}
