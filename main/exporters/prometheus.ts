import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Sample } from '../contract/index.js';
import { idlewattResource, registerCatalog } from './metric-catalog.js';
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
 */
export function createPrometheusMetrics(options: { instanceId?: string } = {}): PrometheusMetrics {
  const state = new SampleMetricsState();
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({
    resource: idlewattResource(options.instanceId),
    readers: [reader],
  });
  registerCatalog(provider.getMeter('idlewatt'), state, 'prometheus');
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  let closed = false;

  return {
    contentType: PROMETHEUS_CONTENT_TYPE,
    update: (sample) => state.update(sample),
    async render() {
      if (closed) throw new Error('the Prometheus exporter is closed');
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
      const text = serializer.serialize(resourceMetrics);
      // The text format ends every line with \n; the serializer leaves the last one open.
      return text.endsWith('\n') ? text : `${text}\n`;
    },
    async close() {
      if (closed) return;
      closed = true;
      await provider.shutdown();
    },
  };
}
