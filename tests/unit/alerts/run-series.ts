import type { AlertEvent, SnoozeState } from '../../../main/contract/alerts.js';
import type { Sample } from '../../../main/contract/sample.js';
import type { AlertSettings } from '../../../main/contract/settings.js';
import { evaluateAlerts } from '../../../main/alerts/engine.js';
import { initialAlertState, type AlertState } from '../../../main/alerts/state.js';

export interface SeriesRun {
  events: AlertEvent[];
  /** Tick index (0-based) of each event, same order as events. */
  ticks: number[];
  state: AlertState;
}

/** Feeds samples through the engine in order, as the sampler would. */
export function runSeries(
  rules: AlertSettings,
  samples: readonly Sample[],
  snooze: SnoozeState | ((tick: number) => SnoozeState) = { snoozedUntil: {} },
  initial: AlertState = initialAlertState(),
): SeriesRun {
  let state = initial;
  const events: AlertEvent[] = [];
  const ticks: number[] = [];
  samples.forEach((s, tick) => {
    const result = evaluateAlerts(rules, state, s, typeof snooze === 'function' ? snooze(tick) : snooze);
    state = result.state;
    for (const event of result.events) {
      events.push(event);
      ticks.push(tick);
    }
  });
  return { events, ticks, state };
}

/** `[tick, kind, severity]` triples: compact to assert on. */
export const timeline = (run: SeriesRun) =>
  run.events.map((e, i) => [run.ticks[i], e.kind, e.severity] as const);
