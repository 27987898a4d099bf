import { newestAlertEvents, SYSTEM_ALERT_RULES, type AlertEvent } from '../contract/alerts.js';
import { emptyTracker, initialAlertState, SYSTEM_SUBJECT, trackerKey, type AlertState } from './state.js';

/**
 * The engine's memory rebuilt from stored alert events after a restart: an alert whose newest event
 * did not clear it is open again (same severity, same breach start), so the next samples clear or
 * keep it through the normal rules and a condition that still holds does not fire a second time. An
 * alert cleared within the cooldown keeps its cooldown. Streaks start afresh: they need fresh samples.
 */
export function restoreAlertState(
  events: readonly AlertEvent[],
  now: number,
  cooldownMs: number,
): AlertState {
  const state = initialAlertState();
  for (const event of newestAlertEvents(events)) {
    const subject = SYSTEM_ALERT_RULES.includes(event.rule) ? SYSTEM_SUBJECT : event.serviceId;
    if (subject === null) continue;
    const key = trackerKey(event.rule, subject);
    if (event.kind === 'cleared') {
      if (now - event.at < cooldownMs) state.trackers[key] = { ...emptyTracker(), clearedAt: event.at };
      continue;
    }
    state.trackers[key] = {
      ...emptyTracker(),
      severity: event.severity ?? 'warning',
      breachStartedAt: event.at - (event.durationSeconds ?? 0) * 1000,
    };
  }
  return state;
}
