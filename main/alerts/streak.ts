import type { AlertSeverity } from '../contract/alerts.js';
import type { RuleTracker } from './state.js';

/** One reading of a rule's condition, already compared against its thresholds. */
export interface Observation {
  /** The measured value in the rule's unit; null where the condition no longer applies (service stopped). */
  value: number | null;
  /** The condition holds above the warning / critical threshold. */
  warning: boolean;
  critical: boolean;
  /** Low enough to count towards clearing (below 90 % of warning, or the condition no longer applies). */
  clearable: boolean;
  /** Low enough to count towards de-escalating (below 90 % of critical). */
  deescalatable: boolean;
  /** Evidence reaching back before this sample (a least-squares fit): runs start here instead of now. */
  evidenceSince?: number;
  /** Why the condition no longer applies, as a sentence: "The stack is in use again". */
  note?: string;
}

export type Transition = 'fired' | 'escalated' | 'deescalated' | 'cleared';

export interface StepContext {
  at: number;
  /** The time since the previous sample is unknown (sleep, clock jump): runs restart here. */
  gap: boolean;
  windowMs: number;
  cooldownMs: number;
  snoozed: boolean;
}

export interface StepResult {
  tracker: RuleTracker;
  transition: Transition | null;
}

/**
 * Advances one rule for one subject by one sample. Runs are measured in sample time; an absent
 * reading (observation null) ends every run, so it can neither fire nor clear, and keeps the
 * severity. Firing is held back by the cooldown after a clear and by a snooze; escalation by a snooze.
 */
export function stepTracker(
  previous: RuleTracker,
  observation: Observation | null,
  ctx: StepContext,
): StepResult {
  const { at } = ctx;
  const start = observation?.evidenceSince ?? at;
  const run = (since: number | null, holds: boolean | undefined): number | null => {
    if (!holds) return null;
    return since !== null && !ctx.gap ? since : start;
  };
  const tracker: RuleTracker = {
    ...previous,
    warningSince: run(previous.warningSince, observation?.warning),
    criticalSince: run(previous.criticalSince, observation?.critical),
    clearSince: run(previous.clearSince, observation?.clearable),
    deescalateSince: run(previous.deescalateSince, observation?.deescalatable),
  };
  const held = (since: number | null): boolean => since !== null && at - since >= ctx.windowMs;

  if (tracker.severity === null) {
    if (!held(tracker.warningSince)) return { tracker, transition: null };
    const coolingDown = tracker.clearedAt !== null && at - tracker.clearedAt < ctx.cooldownMs;
    if (coolingDown || ctx.snoozed) return { tracker, transition: null };
    const severity: AlertSeverity = held(tracker.criticalSince) ? 'critical' : 'warning';
    return {
      tracker: { ...tracker, severity, breachStartedAt: tracker.warningSince },
      transition: 'fired',
    };
  }
  if (held(tracker.clearSince)) {
    return { tracker: { ...tracker, severity: null, clearedAt: at }, transition: 'cleared' };
  }
  if (tracker.severity === 'warning' && held(tracker.criticalSince) && !ctx.snoozed) {
    return { tracker: { ...tracker, severity: 'critical' }, transition: 'escalated' };
  }
  if (tracker.severity === 'critical' && held(tracker.deescalateSince)) {
    return { tracker: { ...tracker, severity: 'warning' }, transition: 'deescalated' };
  }
  return { tracker, transition: null };
}
