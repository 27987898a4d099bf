import type {
  AlertEvent,
  CompareResult,
  MonitorApi,
  MonitorStatus,
  MonitorSubscriber,
  PowerPermission,
  Report,
  Sample,
  SettingsUpdateResult,
  TimeRange,
} from '../contract/index.js';
import type { Settings } from '../contract/settings.js';
import type { Sampler } from '../sampler/sampler.js';
import type { MonitorCore } from './types.js';
import { unloadOllamaModels } from './ollama-unload.js';
import type { AlertRunner } from '../alerts/runner.js';
import { withBaselineThreshold, type BaselineService } from '../baseline/index.js';

/** The history store as the core uses it (main/store). */
export interface CoreStore {
  append(sample: Sample): void;
  appendAlert(event: AlertEvent): void;
  latest(): Sample | null;
  size(): number;
  history: MonitorApi['getHistory'];
  serviceHistory: MonitorApi['getServiceHistory'];
  alerts(since?: number): Promise<AlertEvent[]>;
  close(): Promise<void>;
  /** Unsaved and lost line counts after close(); absent for stores that cannot lose lines. */
  health?(): { unsavedLines: number; lostLines: number; error: string | null };
}

export interface CoreSettings {
  get(): Settings;
  update(next: unknown): SettingsUpdateResult;
  readonly notices: string[];
}

export interface MonitorCoreOptions {
  sampler: Sampler;
  store: CoreStore;
  settings: CoreSettings;
  alerts: Omit<AlertRunner, 'restore'>;
  report(range: TimeRange, settings: Settings): Promise<Report>;
  compare(before: TimeRange, after: TimeRange): Promise<CompareResult>;
  mode: MonitorStatus['mode'];
  version: string;
  dataDir: string | null;
  permission?: () => PowerPermission;
  /** Conditions the UI should show besides the settings' notices (e.g. history not being saved). */
  notices?: () => string[];
  requestPermission?: () => Promise<PowerPermission>;
  /** The idle baseline, fed with every sample; without it the baseline reads as not learned. */
  baseline?: BaselineService;
  /** Called for every error a tick or a consumer raised: the sampler keeps running. */
  onError?: (error: Error) => void;
  /** Ends collectors' background work (powermetrics stream, root helpers). */
  closeCollectors?: () => Promise<void>;
  fetch?: typeof fetch;
  ollamaUrl?: string;
  now?: () => number;
}

const NOT_NEEDED: PowerPermission = {
  state: 'not-needed',
  message: 'No elevated access is needed.',
  canRequest: false,
};

/**
 * Composes sampler → history store → alert engine → listeners, and serves the MonitorApi from
 * the store: an API call never triggers a collector, so however many clients poll, the sampling
 * cost stays that of one clock.
 */
export function createMonitorCore(
  options: MonitorCoreOptions,
): MonitorCore & { tickOnce(): Promise<Sample> } {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const sampleListeners = new Set<(s: Sample) => void>();
  const alertListeners = new Set<(e: AlertEvent) => void>();
  const onError = options.onError ?? (() => {});

  const emitAlert = (event: AlertEvent) => {
    options.store.appendAlert(event);
    for (const listener of alertListeners) safely(() => listener(event), onError);
  };

  const handleSample = (sample: Sample) => {
    options.store.append(sample);
    safely(() => options.baseline?.add(sample), onError);
    for (const listener of sampleListeners) safely(() => listener(sample), onError);
    let events: AlertEvent[] = [];
    safely(() => {
      const settings = options.settings.get();
      const baseline =
        settings.alerts.idlePowerAboveBaselineWatts === null
          ? null
          : (options.baseline?.baselineFor(sample) ?? null);
      events = options.alerts.evaluate(sample, withBaselineThreshold(settings, baseline));
    }, onError);
    for (const event of events) emitAlert(event);
  };

  const api: MonitorApi = {
    async getStatus() {
      return {
        version: options.version,
        platform: process.platform,
        startedAt,
        mode: options.mode,
        historyLength: options.store.size(),
        dataDir: options.dataDir,
        permission: options.permission?.() ?? NOT_NEEDED,
        notices: [...options.settings.notices, ...(options.notices?.() ?? [])],
        self: options.store.latest()?.self ?? null,
      };
    },
    getLatest: async () => options.store.latest(),
    getHistory: (query) => options.store.history(query),
    getServiceHistory: (query) => options.store.serviceHistory(query),
    getServices: async () => options.store.latest()?.services ?? [],
    getCollectors: async () => options.store.latest()?.collectors ?? [],
    getAlerts: (query) => options.store.alerts(query.since),
    async snoozeAlerts(request) {
      const { state, events } = options.alerts.snooze(request, now());
      for (const event of events) emitAlert(event);
      return state;
    },
    getSettings: async () => options.settings.get(),
    async updateSettings(next) {
      return options.settings.update(next);
    },
    getReport: (range) => options.report(range, options.settings.get()),
    compare: (before, after) => options.compare(before, after),
    unloadOllama: (request) =>
      unloadOllamaModels(
        options.ollamaUrl ?? ollamaUrlFrom(options.settings.get()),
        options.fetch ?? fetch,
        request?.models,
      ),
    requestPowerPermission: async () =>
      options.requestPermission ? options.requestPermission() : NOT_NEEDED,
    getBaseline: async () =>
      options.baseline?.state() ?? {
        current: null,
        aboveWatts: null,
        entries: [],
        note: 'No idle baseline in this mode.',
      },
    async pinBaseline(request) {
      if (!options.baseline) throw new Error('no idle baseline in this mode');
      return options.baseline.pin(request);
    },
    subscribe(subscriber: MonitorSubscriber) {
      const onSample = (s: Sample) => subscriber.onSample?.(s);
      const onAlert = (e: AlertEvent) => subscriber.onAlert?.(e);
      sampleListeners.add(onSample);
      alertListeners.add(onAlert);
      subscriber.onConnection?.({ connected: true });
      // Subscribing is not watching: the shell (popover shown) and the API (stream clients) say so.
      return () => {
        sampleListeners.delete(onSample);
        alertListeners.delete(onAlert);
      };
    },
  };

  let started = false;
  return {
    api,
    onSample(listener) {
      sampleListeners.add(listener);
      return () => sampleListeners.delete(listener);
    },
    onAlert(listener) {
      alertListeners.add(listener);
      return () => alertListeners.delete(listener);
    },
    snoozeState: () => options.alerts.snoozeState(),
    signals: {
      markGap: (reason) => options.sampler.markGap(reason),
      setUserIdleSeconds: (seconds) => options.sampler.setUserIdleSeconds(seconds),
      setOnBattery: (onBattery) => options.sampler.setOnBattery(onBattery),
      setThermalPressure: (pressure) => options.sampler.setPlatformThermalPressure(pressure),
      setWatched: (watched) => options.sampler.setWatched(watched),
    },
    start() {
      if (started) return;
      started = true;
      options.sampler.start(handleSample, onError);
    },
    async tickOnce() {
      const sample = await options.sampler.tick();
      handleSample(sample);
      return sample;
    },
    async close() {
      options.sampler.stop();
      await options.closeCollectors?.().catch(onError);
      await options.store.close().catch(onError);
      // Stopping while the disk still fails: what could not be saved is gone, and says so.
      const health = options.store.health?.();
      const lost = health ? health.unsavedLines + health.lostLines : 0;
      if (health && lost > 0) {
        onError(
          new Error(
            `history: ${lost} lines (samples and alert events) were not saved and are lost${health.error ? ` (${health.error})` : ''}`,
          ),
        );
      }
    },
  };
}

function ollamaUrlFrom(settings: Settings): string {
  const port = settings.services.find((s) => s.probe === 'ollama')?.ports[0] ?? 11434;
  return `http://127.0.0.1:${port}`;
}

function safely(fn: () => void, onError: (e: Error) => void): void {
  try {
    fn();
  } catch (error) {
    onError(error as Error);
  }
}
