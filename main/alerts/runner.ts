import type { AlertEvent, Sample, Settings, SnoozeRequest, SnoozeState } from '../contract/index.js';
import { restoreAlertState } from './restore.js';
import { applySnooze, emptySnooze, evaluateAlerts, initialAlertState, pruneExpired } from './index.js';

/** The alert engine as the running monitor drives it: engine state and snooze state between samples. */
export interface AlertRunner {
  evaluate(sample: Sample, settings: Settings): AlertEvent[];
  snooze(request: SnoozeRequest, now: number): { state: SnoozeState; events: AlertEvent[] };
  snoozeState(): SnoozeState;
  /**
   * Takes up the alerts stored before a restart: open ones stay open (no second 'fired') until the
   * fresh samples clear them through the normal rules.
   */
  restore(events: readonly AlertEvent[], settings: Settings, now: number): void;
}

export function createAlertRunner(onError: (message: string) => void = () => {}): AlertRunner {
  let state = initialAlertState();
  let snooze: SnoozeState = emptySnooze();
  return {
    evaluate(sample: Sample, settings: Settings): AlertEvent[] {
      snooze = pruneExpired(snooze, sample.at);
      const step = evaluateAlerts(settings.alerts, state, sample, snooze);
      if (step.error) onError(step.error);
      state = step.state;
      return step.events;
    },
    snooze(request, now) {
      const result = applySnooze(snooze, request, now);
      if (!result.ok) throw new Error(result.error);
      snooze = result.state;
      return { state: snooze, events: result.events };
    },
    snoozeState: () => snooze,
    restore(events, settings, now) {
      state = restoreAlertState(events, now, settings.alerts.cooldownMinutes * 60_000);
    },
  };
}
