import type { AlertEvent, Sample, Settings, SnoozeState } from '../contract/index.js';
import {
  applySnooze,
  emptySnooze,
  evaluateAlerts,
  initialAlertState,
  pruneExpired,
} from '../alerts/index.js';
import type { AlertRunner } from './monitor-core.js';

/** Keeps the alert engine's state and the snooze state between samples. */
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
  };
}
