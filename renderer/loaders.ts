import type { MonitorApi } from '../main/contract/api.js';
import type { HistoryPoint } from '../main/contract/history.js';
import type { ApiKind } from './api/select-api.js';
import { applyReports, type AppState } from './app-state.js';
import { chartRange } from './model/chart-data.js';
import { startOfLocalDay } from './model/compare-windows.js';
import { mergeAlerts } from './model/services-model.js';
import type { PowerChartView } from './views/power-chart.js';
import type { SettingsPanelView } from './views/settings-panel.js';

const DAY = 24 * 3600_000;
const REPORT_REFRESH_MS = 60_000;
const RETRY_MS = 5_000;

export interface LoaderDeps {
  api: MonitorApi;
  apiKind: ApiKind;
  state: AppState;
  root: HTMLElement;
  chart: PowerChartView;
  settingsPanel: SettingsPanelView;
  render: { live(): void; banners(): void; tab(): void };
  /** Subscribes to live events once the first load succeeded. */
  subscribeOnce(): void;
  /** The first render with data (or with the unreachable state) is done. */
  markReady(): void;
}

export interface Loaders {
  /** Everything: status, latest sample, settings, a day of alerts, the chart, then the reports. */
  load(): Promise<void>;
  /** The chart's current range from the store. */
  loadHistory(): Promise<void>;
  /** The last hour for the thermal panel. */
  loadThermalHistory(): Promise<void>;
  /** Today's and this week's reports, at most once a minute unless forced. */
  loadReports(force?: boolean): Promise<void>;
}

function weekStart(now: number): number {
  const d = new Date(startOfLocalDay(now));
  const mondayOffset = (d.getDay() + 6) % 7;
  return d.getTime() - mondayOffset * DAY;
}

/** What the popover reads from the monitor, into the state; an unreachable monitor is retried. */
export function createLoaders(d: LoaderDeps): Loaders {
  const { api, state, chart } = d;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let reportsLoadedAt = 0;

  async function loadHistory(): Promise<void> {
    const id = chart.range();
    const range = chartRange(id);
    const to = Date.now();
    const from = to - range.durationMs;
    let points: HistoryPoint[];
    try {
      points = await api.getHistory({ from, to, points: range.points });
    } catch {
      points = [];
    }
    // A slower answer for a range the user has already left must not replace the newer range's data.
    if (chart.range() !== id) return;
    state.history = points;
    chart.setHistory(state.history, from, to);
  }

  async function loadThermalHistory(): Promise<void> {
    const to = Date.now();
    try {
      state.thermalHistory = await api.getHistory({ from: to - 3600_000, to, points: 240 });
    } catch {
      state.thermalHistory = [];
    }
    d.render.tab();
  }

  async function loadReports(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - reportsLoadedAt < REPORT_REFRESH_MS) return;
    reportsLoadedAt = now;
    const [today, week, baseline] = await Promise.allSettled([
      api.getReport({ from: startOfLocalDay(now), to: now }),
      api.getReport({ from: weekStart(now), to: now }),
      api.getBaseline(),
    ]);
    applyReports(state, today, week);
    if (baseline.status === 'fulfilled') state.baseline = baseline.value;
    d.render.live();
  }

  async function load(): Promise<void> {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    try {
      state.status = await api.getStatus();
      state.loadError = null;
    } catch (e) {
      state.loadError = (e as Error).message;
      d.render.banners();
      d.root.dataset.state = 'unreachable';
      d.markReady();
      if (d.apiKind !== 'none') retryTimer = setTimeout(() => void load(), RETRY_MS);
      return;
    }
    const [latest, settings, alerts] = await Promise.allSettled([
      api.getLatest(),
      api.getSettings(),
      api.getAlerts({ since: Date.now() - DAY }),
      loadHistory(),
    ]);
    if (latest.status === 'fulfilled') state.latest = latest.value;
    if (settings.status === 'fulfilled') {
      state.settings = settings.value;
      d.settingsPanel.setSettings(settings.value, state.status);
    }
    if (alerts.status === 'fulfilled') state.alerts = mergeAlerts([], alerts.value);
    chart.setAlerts(state.alerts);
    d.root.dataset.state = state.latest ? 'live' : 'empty';
    d.render.live();
    d.subscribeOnce();
    requestAnimationFrame(() => {
      if (!performance.getEntriesByName('idlewatt:first-data').length)
        performance.mark('idlewatt:first-data');
      d.markReady();
    });
    void loadReports(true);
  }

  return { load, loadHistory, loadThermalHistory, loadReports };
}
