import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type AggregationOption,
  type AggregationTemporality,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Sample } from '../contract/index.js';
import { idlewattResource, registerCatalog } from './metric-catalog.js';
import { SampleMetricsState } from './sample-state.js';

export interface OtlpExportOptions {
  /** OTLP/HTTP endpoint: a base URL (`http://collector:4318`, `/v1/metrics` is appended) or the full metrics URL. */
  endpoint: string;
  intervalSeconds: number;
  headers?: Record<string, string>;
  /** Per-export timeout; default: 10 s or half the interval, whichever is shorter. */
  timeoutMs?: number;
  instanceId?: string;
  log?: (line: string) => void;
}

export interface OtlpExport {
  readonly url: string;
  /** Called by the core for every sample. Synchronous and cheap: the network is never on this path. */
  update(sample: Sample): void;
  /** Exports now; resolves (never rejects) within the timeout, even when the endpoint is dead. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Resolves the metrics URL the way OTEL_EXPORTER_OTLP_ENDPOINT does: a bare base gets `/v1/metrics`. */
export function otlpMetricsUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`OTLP endpoint '${endpoint}' is not a URL (expected e.g. http://127.0.0.1:4318)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`OTLP endpoint '${endpoint}' must use http:// or https://`);
  }
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/metrics';
  return url.toString();
}

/**
 * Pushes the exported metrics (OpenTelemetry names) to an OTLP/HTTP endpoint (JSON encoding) on the
 * reader's own timer. Off unless the user configures an endpoint; the lead calls it only then.
 */
export function startOtlpExport(options: OtlpExportOptions): OtlpExport {
  const url = otlpMetricsUrl(options.endpoint);
  const intervalMs = Math.max(1, options.intervalSeconds) * 1000;
  const timeoutMs = options.timeoutMs ?? Math.min(10_000, Math.floor(intervalMs / 2));
  const state = new SampleMetricsState();
  const exporter = new ReportingExporter(
    new OTLPMetricExporter({ url, headers: options.headers ?? {}, timeoutMillis: timeoutMs }),
    url,
    options.log ?? (() => {}),
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: timeoutMs,
  });
  const provider = new MeterProvider({
    resource: idlewattResource(options.instanceId),
    readers: [reader],
  });
  registerCatalog(provider.getMeter('idlewatt'), state, 'otel');
  let closing: Promise<void> | null = null;

  return {
    url,
    update: (sample) => state.update(sample),
    flush: () => withinTimeout(reader.forceFlush(), timeoutMs + 1000),
    close() {
      closing ??= withinTimeout(provider.shutdown(), timeoutMs + 1000);
      return closing;
    },
  };
}

/** Settles when `work` settles or after `ms`, whichever comes first; never rejects. */
async function withinTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type ExportResultCallback = Parameters<PushMetricExporter['export']>[1];
/** `ExportResultCode.SUCCESS` of @opentelemetry/core (not a direct dependency). */
const EXPORT_SUCCESS = 0;

/** Logs when the endpoint starts failing and when it recovers, not on every failed export. */
class ReportingExporter implements PushMetricExporter {
  private failing = false;

  constructor(
    private readonly inner: OTLPMetricExporter,
    private readonly url: string,
    private readonly log: (line: string) => void,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: ExportResultCallback): void {
    this.inner.export(metrics, (result) => {
      const failed = result.code !== EXPORT_SUCCESS;
      if (failed && !this.failing) {
        this.log(
          `OTLP export to ${this.url} failed: ${result.error?.message ?? 'unknown error'} (will retry)`,
        );
      } else if (!failed && this.failing) {
        this.log(`OTLP export to ${this.url} works again`);
      }
      this.failing = failed;
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality(instrumentType);
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation(instrumentType);
  }
}
