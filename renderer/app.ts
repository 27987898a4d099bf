import type { AlertEvent } from '../main/contract/alerts.js';
import type { ConnectionState, MonitorApi } from '../main/contract/api.js';
import type { HistoryPoint } from '../main/contract/history.js';
import { packageLabel, type Sample } from '../main/contract/sample.js';
import type { ApiKind } from './api/select-api.js';
import { applyAlerts, applyConnection, applyPermissionAnswer, applySample, emptyState } from './app-state.js';
import { h } from './dom.js';
import { formatWattHours, plural } from '../main/contract/format.js';
import { bannersFor, type BannerAction } from './model/banners.js';
import { baselineText } from './model/baseline-model.js';
import { createLoaders } from './loaders.js';
import { selfCostLine } from './model/self-cost-model.js';
import { attributionLine, openAlertsByService } from './model/services-model.js';
import { createTabs, type TabId } from './tabs.js';
import { createAlertsPanel } from './views/alerts-panel.js';
import { createBanners } from './views/banners.js';
import { createComparePanel } from './views/compare-panel.js';
import { createHeader } from './views/header.js';
import { createIdlePanel } from './views/idle-panel.js';
import { createPowerChart } from './views/power-chart.js';
import { createServicesTable } from './views/services-table.js';
import { createSettingsPanel } from './views/settings-panel.js';
import { createThermalPanel } from './views/thermal-panel.js';
import { createWasteLine } from './views/waste-line.js';
import { createAttributionPanel } from './attribution-panel.js';
import { CpuTrails, TRAIL_MS } from './model/cpu-trail.js';
import { whyFlagged } from './model/why-flagged.js';
import { idleWasteLine } from './model/waste-model.js';

const DAY = 24 * 3600_000;

export interface PopoverApp {
  focusService(id: string): void;
  /** Resolves after the first render with data (or with the unreachable state). */
  ready: Promise<void>;
  /** For benchmarks: plots the points and returns how long the chart update took (ms). */
  renderChartPoints(points: HistoryPoint[]): number;
  chartPointCount(): number;
}

/** The popover: wires the MonitorApi to the views. Same code in Electron (IPC) and a browser (HTTP). */
export function startApp(root: HTMLElement, api: MonitorApi, apiKind: ApiKind): PopoverApp {
  const state = emptyState();
  let unsubscribe: (() => void) | null = null;
  let pendingRender = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const header = createHeader();
  const headerWaste = createWasteLine('header-waste', 'waste-line');
  header.element.append(headerWaste.element);
  const banners = createBanners((kind, button) => void onBannerAction(kind, button));
  const tabs = createTabs((id) => onTab(id));
  const chart = createPowerChart({
    initialRange: '15m',
    serviceName: (id) => state.settings?.services.find((s) => s.id === id)?.name ?? id,
    onRangeChange: () => {
      void loaders.loadHistory();
      attribution.onRangeChange();
    },
  });
  const attribution = createAttributionPanel({ api, chart, latest: () => state.latest });
  const cpuTrails = new CpuTrails();
  const seeding = new Set<string>();
  /** Each running service's last 15 minutes, once, so the rows' sparklines start full. */
  function seedTrails(sample: Sample): void {
    for (const s of sample.services) {
      if (s.status !== 'running' || seeding.has(s.id)) continue;
      seeding.add(s.id);
      const to = Date.now();
      api.getServiceHistory({ serviceId: s.id, from: to - TRAIL_MS, to, points: 90 }).then(
        (points) => {
          cpuTrails.seed(s.id, points);
          renderLive();
        },
        () => seeding.delete(s.id), // tried again with the next sample
      );
    }
  }
  const services = createServicesTable({
    loadHistory: (serviceId) =>
      api.getServiceHistory({ serviceId, from: Date.now() - 15 * 60_000, to: Date.now(), points: 90 }),
    onConfigure: () => tabs.select('settings', true),
  });
  const idleSummary = h('button', { type: 'button', class: 'idle-summary', id: 'idle-summary' });
  idleSummary.addEventListener('click', () => tabs.select('idle', true));
  const idle = createIdlePanel({
    unloadOllama: () => api.unloadOllama(),
    compareAfterFix: () => {
      tabs.select('compare', true);
      compare.runPreset('hour-vs-previous');
    },
    pinBaseline: async (request) => {
      state.baseline = await api.pinBaseline(request);
      renderLive();
      return state.baseline;
    },
    snooze: async (request) => {
      state.snooze = await api.snoozeAlerts(request);
      return state.snooze;
    },
  });
  const thermal = createThermalPanel();
  const alertsPanel = createAlertsPanel({
    snooze: async (request) => {
      state.snooze = await api.snoozeAlerts(request);
      return state.snooze;
    },
  });
  const compare = createComparePanel({ compare: (before, after) => api.compare(before, after) });
  const settingsPanel = createSettingsPanel({
    save: async (settings) => {
      const result = await api.updateSettings(settings);
      if (result.ok) state.settings = result.settings;
      return result;
    },
  });

  tabs.panels.overview.append(chart.element, services.element, idleSummary);
  tabs.panels.idle.append(idle.element);
  tabs.panels.thermal.append(thermal.element);
  tabs.panels.alerts.append(alertsPanel.element);
  tabs.panels.compare.append(compare.element);
  tabs.panels.settings.append(settingsPanel.element);
  const selfCost = h('footer', { class: 'self-cost', id: 'self-cost' });
  root.replaceChildren(
    header.element,
    banners.element,
    tabs.bar,
    h('div', { class: 'panels' }, Object.values(tabs.panels)),
    selfCost,
  );
  root.dataset.api = apiKind;

  const visible = () => !document.hidden;

  function renderBanners(): void {
    banners.update(
      bannersFor({
        status: state.status,
        latest: state.latest,
        connection: state.connection,
        loadError: state.loadError,
        permissionAsking: state.permissionAsking,
        explanationDeclined: state.explanationDeclined,
        intervalSeconds: state.settings?.sampling.intervalSeconds ?? null,
      }),
    );
  }

  function renderLive(): void {
    if (!visible()) {
      pendingRender = true;
      return;
    }
    pendingRender = false;
    const now = Date.now();
    const openAlerts = openAlertsByService(state.alerts);
    if (state.latest) root.dataset.sampleAt = String(state.latest.at);
    header.update(state.latest, now, {
      text: baselineText(state.latest, state.baseline),
      title: state.baseline?.note ?? '',
    });
    headerWaste.update(wasteLine());
    chart.setSystemSource(state.latest?.sources['power.systemWatts']?.source ?? null);
    if (state.latest) chart.setPackageName(packageLabel(state.latest));
    renderBanners();
    services.update({
      services: state.latest?.services ?? [],
      topProcesses: state.latest?.topProcesses ?? [],
      // Without a measured power source there is no energy to share out: show "—", not 0.0 Wh.
      idleWattHoursToday: state.today?.powerSource
        ? Object.fromEntries(
            state.today.services.flatMap((s) =>
              s.idleWattHours === null ? [] : [[s.serviceId, s.idleWattHours]],
            ),
          )
        : {},
      alerts: state.alerts,
      configuredCount: state.settings ? state.settings.services.length : null,
      hasSample: state.latest !== null,
      basisLine: attributionLine(state.latest),
      now,
      idleAfterMs: state.settings ? state.settings.sampling.idleAfterMinutes * 60_000 : undefined,
      cpuTrail: (id) => cpuTrails.values(id, now),
      whyFlagged: (service) =>
        whyFlagged(service, {
          openAlerts: openAlerts.get(service.id) ?? [],
          recommendations: state.today?.recommendations ?? [],
          meanCpuPercent: cpuTrails.mean(service.id, now),
          now,
        }),
    });
    const wasted = state.today?.systemIdleWattHours;
    idleSummary.textContent = !state.today
      ? 'Idle analysis \u203A'
      : state.today.powerSource && wasted !== null && wasted !== undefined
        ? `${formatWattHours(wasted)} used while idle today \u2014 see Idle analysis \u203A`
        : 'Idle energy unknown: no power reading \u2014 see Idle analysis \u203A';
    const self = selfCostLine(state.latest);
    selfCost.hidden = self === null;
    selfCost.textContent = self?.text ?? '';
    selfCost.title = self?.title ?? '';
    const open = [...openAlertsByService(state.alerts).values()].flat().length;
    tabs.setBadge('alerts', open ? String(open) : '', open ? plural(open, 'open alert') : '');
    renderTab(tabs.current(), now);
  }

  function wasteLine() {
    return idleWasteLine({
      today: state.today,
      latest: state.latest,
      energy: state.settings?.energy ?? null,
    });
  }

  function renderTab(id: TabId, now: number): void {
    if (id === 'idle') {
      idle.update({
        waste: wasteLine(),
        baseline: state.baseline,
        latest: state.latest,
        today: state.today,
        week: state.week,
        reportError: state.reportError,
        now,
      });
    } else if (id === 'thermal') {
      thermal.update({ latest: state.latest, history: state.thermalHistory, today: state.today });
    } else if (id === 'alerts') {
      alertsPanel.update(state.alerts, state.snooze, now);
    }
  }

  function onTab(id: TabId): void {
    if (id === 'thermal') void loaders.loadThermalHistory();
    if (id === 'idle' || id === 'thermal') void loaders.loadReports();
    if (id === 'overview') {
      chart.flush();
      attribution.flush();
    }
    renderTab(id, Date.now());
  }

  function onSample(sample: Sample): void {
    const plotted = applySample(state, sample, chart.range());
    if (plotted) chart.setHistory(state.history, plotted.from, plotted.to);
    attribution.onSample();
    cpuTrails.add(sample);
    seedTrails(sample);
    renderLive();
  }

  function onAlert(event: AlertEvent): void {
    applyAlerts(state, [event]);
    chart.setAlerts(state.alerts);
    renderLive();
  }

  function onConnection(next: ConnectionState): void {
    const recovered = applyConnection(state, next);
    renderBanners();
    if (recovered) void loaders.load();
  }

  function subscribe(): void {
    unsubscribe?.();
    // onFocusService: a notification click in the app (forwarded by the preload) opens that service.
    unsubscribe = api.subscribe({
      onSample,
      onAlert,
      onConnection,
      onFocusService: (id) => window.dispatchEvent(new CustomEvent('idlewatt:focus-service', { detail: id })),
    });
  }

  const loaders = createLoaders({
    api,
    apiKind,
    state,
    root,
    chart,
    settingsPanel,
    render: { live: renderLive, banners: renderBanners, tab: () => renderTab(tabs.current(), Date.now()) },
    subscribeOnce: () => {
      if (!unsubscribe) subscribe();
    },
    markReady: () => markReady(),
  });

  async function onBannerAction(kind: BannerAction, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    if (kind === 'retry') {
      subscribe();
      await loaders.load();
      button.disabled = false;
      return;
    }
    if (kind === 'decline-permission') {
      // Nothing asks; the plain permission banner keeps offering the prompt.
      state.explanationDeclined = true;
      renderBanners();
      return;
    }
    // No button while the password prompt is up; afterwards the monitor's answer decides (a cancelled
    // prompt may be asked again, README "Power readings and your password").
    state.permissionAsking = true;
    renderBanners();
    try {
      applyPermissionAnswer(state, { permission: await api.requestPowerPermission() });
    } catch (e) {
      applyPermissionAnswer(state, { error: e as Error });
    } finally {
      state.permissionAsking = false;
    }
    renderBanners();
  }

  document.addEventListener('visibilitychange', () => {
    if (!visible()) return;
    chart.flush();
    attribution.flush();
    if (pendingRender) renderLive();
    void loaders.loadReports();
  });
  // Relative times ("5 m ago") age even without samples; cheap, and skipped while hidden. The status
  // is re-read too, so monitor notices that come and go (history not being saved) are shown.
  setInterval(() => {
    if (!visible()) return;
    renderLive();
    if (state.status) {
      api.getStatus().then(
        (status) => {
          state.status = status;
          renderBanners();
        },
        () => undefined, // the stream's connection state reports an unreachable monitor
      );
    }
  }, 30_000);

  void loaders.load();

  return {
    ready,
    focusService(id) {
      tabs.select('overview');
      if (!services.focusService(id)) tabs.select('overview', true);
    },
    renderChartPoints(points) {
      const started = performance.now();
      const to = points[points.length - 1]?.at ?? Date.now();
      chart.setHistory(points, points[0]?.at ?? to - DAY, to);
      return performance.now() - started;
    },
    chartPointCount: () => chart.pointCount(),
  };
}
