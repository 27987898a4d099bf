import type { Sample } from '../contract/index.js';
import type { OtelPrometheus } from './prometheus-otel.js';
import { SampleMetricsState } from './sample-state.js';

/** Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusMetrics {
  /** Called by the core for every sample; a scrape only reads what was pushed here. */
  update(sample: Sample): void;
  /** The `/metrics` body. */
  render(): Promise<string>;
  readonly contentType: string;
  close(): Promise<void>;
}

/**
 * `/metrics` built with the OpenTelemetry SDK and its Prometheus exporter. The exporter's own HTTP
 * server is never started: the API server serves the text, behind its loopback and Host rules.
 * Samples are kept from the start; the SDK itself is loaded at the first scrape, so a monitor nobody
 * scrapes never pays its memory (several MB at start).
 */
export function createPrometheusMetrics(options: { instanceId?: string } = {}): PrometheusMetrics {
  const state = new SampleMetricsState();
  let exporter: Promise<OtelPrometheus> | null = null;
  let closed = false;

  return {
    contentType: PROMETHEUS_CONTENT_TYPE,
    update: (sample) => state.update(sample),
    async render() {
      if (closed) throw new Error('the Prometheus exporter is closed');
      exporter ??= import('./prometheus-otel.js')
        .then((m) => m.createOtelPrometheus(state, options.instanceId))
        .catch((error: Error) => {
          exporter = null; // the next scrape tries again
          throw new Error(`the Prometheus exporter could not start: ${error.message}`);
        });
      return (await exporter).render();
    },
    async close() {
      if (closed) return;
      closed = true;
      const started = exporter && (await exporter.catch(() => null));
      if (started) await started.close();
    },
  };
}
