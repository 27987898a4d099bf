import type { AlertEvent, SnoozeState } from '../main/contract/alerts.js';
import type { BaselineState } from '../main/contract/baseline.js';
import type { ConnectionState, MonitorStatus } from '../main/contract/api.js';
import type { HistoryPoint } from '../main/contract/history.js';
import type { Report } from '../main/contract/report.js';
import type { Sample } from '../main/contract/sample.js';
import type { Settings } from '../main/contract/settings.js';
import { appendLivePoint, chartRange, sampleToHistoryPoint, type RangeId } from './model/chart-data.js';
import { mergeAlerts } from './model/services-model.js';

/** Everything the popover shows, as last heard from the monitor. */
export interface AppState {
  status: MonitorStatus | null;
  latest: Sample | null;
  settings: Settings | null;
  alerts: AlertEvent[];
  snooze: SnoozeState | null;
  history: HistoryPoint[];
  thermalHistory: HistoryPoint[];
  today: Report | null;
  week: Report | null;
  reportError: string | null;
  connection: ConnectionState | null;
  loadError: string | null;
  permissionAsking: boolean;
  /** The idle baseline for the current power source and AC/battery state, refreshed with the reports. */
  baseline: BaselineState | null;
  /** The user chose "Not now" on the first-run explanation. */
  explanationDeclined: boolean;
}

export function emptyState(): AppState {
  return {
    status: null,
    latest: null,
    settings: null,
    alerts: [],
    snooze: null,
    history: [],
    thermalHistory: [],
    today: null,
    week: null,
    reportError: null,
    connection: null,
    loadError: null,
    permissionAsking: false,
    baseline: null,
    explanationDeclined: false,
  };
}

/**
 * A live sample becomes the latest and, on the live chart ranges (15 m, 1 h), a new point. Returns
 * the window to plot when the chart's history changed, null otherwise.
 */
export function applySample(
  state: AppState,
  sample: Sample,
  range: RangeId,
): { from: number; to: number } | null {
  state.latest = sample;
  if (range !== '15m' && range !== '1h') return null;
  const { durationMs } = chartRange(range);
  state.history = appendLivePoint(state.history, sampleToHistoryPoint(sample), durationMs);
  return { from: sample.at - durationMs, to: sample.at };
}

export function applyAlerts(state: AppState, events: readonly AlertEvent[]): void {
  state.alerts = mergeAlerts(state.alerts, events);
}

/** Records the stream's connection state; true when it has just come back (time to reload). */
export function applyConnection(state: AppState, next: ConnectionState): boolean {
  const recovered = next.connected && state.connection?.connected === false;
  state.connection = next;
  return recovered;
}

/** Today's and this week's reports; a failed one keeps the last answer, and today's failure is shown. */
export function applyReports(
  state: AppState,
  today: PromiseSettledResult<Report>,
  week: PromiseSettledResult<Report>,
): void {
  state.today = today.status === 'fulfilled' ? today.value : state.today;
  state.week = week.status === 'fulfilled' ? week.value : state.week;
  state.reportError = today.status === 'rejected' ? (today.reason as Error).message : null;
}

/** The answer to asking for the power permission, or why asking failed. */
export function applyPermissionAnswer(
  state: AppState,
  answer: { permission: MonitorStatus['permission'] } | { error: Error },
): void {
  if (!state.status) return;
  state.status =
    'permission' in answer
      ? { ...state.status, permission: answer.permission }
      : {
          ...state.status,
          permission: { ...state.status.permission, message: `Asking failed: ${answer.error.message}` },
        };
}
