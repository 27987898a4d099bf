import type { AlertEvent, Settings } from '../contract/index.js';
import { createWebhookSink } from '../alerts/index.js';
import { loadOrCreateToken } from '../api/auth.js';
import { startApiServer, type ApiServer } from '../api/server.js';
import { createPrometheusMetrics } from '../exporters/prometheus.js';
import type { OtlpExport } from '../exporters/otlp.js';
import { historyNotices, type HistoryStore } from '../store/index.js';
import type { MonitorCore } from './types.js';
import { createWatcherCount, type WatcherCount } from './watchers.js';

export interface ConsumerOptions {
  core: MonitorCore;
  /** Its problems (saving stopped, torn lines, quarantined files) are reported once each, and when saving resumes. */
  store: Pick<HistoryStore, 'health'>;
  /** Read at start (export, API port) and per alert (webhook URL). */
  settings: () => Settings;
  dataDir: string;
  /** One line per problem or change worth telling (history, OTLP, API, webhook). */
  log: (line: string) => void;
  api: {
    host?: string;
    /** Names accepted in the Host header besides loopback (and the interface addresses for 0.0.0.0). */
    allowedHosts?: readonly string[];
    port: number;
    /** The built renderer served at `/`; null serves no UI. */
    staticDir: string | null;
    /** true: a failing API fails the start (the headless monitor); false: logged, run without it (the app). */
    required: boolean;
  };
  /** Alert sinks besides the webhook: the app's notifications, the CLI's terminal lines. */
  alertSinks?: readonly ((event: AlertEvent) => void)[];
}

export interface Consumers {
  /** null when the API could not start and was not required. */
  readonly server: ApiServer | null;
  /** Add a watcher source here (the popover); dashboard streams are counted already. */
  readonly watchers: WatcherCount;
  /** Stops serving, stops the core (sampler, history flush), then drains exports and the webhook. */
  close(): Promise<void>;
}

/**
 * Wires everything that consumes the core's samples and alerts — history health, Prometheus,
 * OTLP, the HTTP API with its dashboard, the webhook and the caller's alert sinks — the same way for
 * the Electron app and the headless monitor. The caller starts the core afterwards.
 */
export async function wireConsumers(options: ConsumerOptions): Promise<Consumers> {
  const { core, log } = options;
  const settings = options.settings();
  const unsubscribe: (() => void)[] = [];

  let historyWritable = true;
  const printed = new Set<string>();
  const reportHistory = (): void => {
    const health = options.store.health();
    for (const notice of historyNotices(health)) {
      const key = notice.replace(/\(\d+ lines unsaved(, \d+ lost)?\)/, '');
      if (printed.has(key)) continue;
      printed.add(key);
      log(notice.replace(/^History: /, 'history: '));
    }
    if (health.writable && !historyWritable && !health.error) log('history: writes resumed');
    if (health.writable) for (const key of printed) if (key.includes('cannot save')) printed.delete(key);
    historyWritable = health.writable;
  };
  reportHistory();
  unsubscribe.push(core.onSample(reportHistory));

  const metrics = createPrometheusMetrics();
  unsubscribe.push(core.onSample((sample) => metrics.update(sample)));
  let otlp: OtlpExport | null = null;
  if (settings.export.otlpEndpoint) {
    // Loaded only when configured: the OpenTelemetry SDK costs several MB at start.
    const { startOtlpExport } = await import('../exporters/otlp.js');
    const exporter = startOtlpExport({
      endpoint: settings.export.otlpEndpoint,
      intervalSeconds: settings.export.otlpIntervalSeconds,
      log: (line) => log(`otlp: ${line}`),
    });
    otlp = exporter;
    unsubscribe.push(core.onSample((sample) => exporter.update(sample)));
  }

  const webhook = createWebhookSink({ url: () => options.settings().alerts.webhookUrl, fetch });
  const sinks = [...(options.alertSinks ?? []), (event: AlertEvent) => webhook.notify(event)];
  unsubscribe.push(
    core.onAlert((event) => {
      for (const sink of sinks) {
        try {
          sink(event);
        } catch (error) {
          log(`an alert sink failed: ${(error as Error).message}`);
        }
      }
    }),
  );

  const watchers = createWatcherCount((watched) => core.signals.setWatched(watched));
  const drain = async (): Promise<void> => {
    unsubscribe.forEach((off) => off());
    await otlp?.close();
    await metrics.close();
    await webhook.settled();
  };

  let server: ApiServer | null = null;
  try {
    server = await startApiServer({
      api: core.api,
      host: options.api.host,
      allowedHosts: options.api.allowedHosts,
      port: options.api.port,
      token: await loadOrCreateToken(options.dataDir),
      staticDir: options.api.staticDir,
      metrics,
      log,
      // Sample faster while a dashboard is open, whatever the popover does.
      onStreamClients: (count) => watchers.set('dashboard streams', count),
    });
  } catch (error) {
    if (options.api.required) {
      await drain();
      throw error;
    }
    log(`the HTTP API did not start: ${(error as Error).message}`);
  }

  let closing: Promise<void> | null = null;
  return {
    server,
    watchers,
    close() {
      // The sampler stops before the sinks drain, so no alert or export starts after its sink is gone.
      closing ??= (async () => {
        await server?.close();
        await core.close();
        await drain();
      })();
      return closing;
    },
  };
}
