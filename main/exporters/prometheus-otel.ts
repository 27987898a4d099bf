import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { idlewattResource, registerCatalog } from './metric-catalog.js';
import type { SampleMetricsState } from './sample-state.js';

export interface OtelPrometheus {
  render(): Promise<string>;
  close(): Promise<void>;
}

/** The OpenTelemetry meter and Prometheus serializer over `state`, which the samples keep current. */
export function createOtelPrometheus(state: SampleMetricsState, instanceId?: string): OtelPrometheus {
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const provider = new MeterProvider({ resource: idlewattResource(instanceId), readers: [reader] });
  registerCatalog(provider.getMeter('idlewatt'), state, 'prometheus');
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  return {
    async render() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
      const text = serializer.serialize(resourceMetrics);
      // The text format ends every line with \n; the serializer leaves the last one open.
      return text.endsWith('\n') ? text : `${text}\n`;
    },
    close: () => provider.shutdown(),
  };
}
