import type { Attributes, Meter } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { idleDurationSeconds, type Sample, type ThermalPressure } from '../contract/index.js';
import type { SampleMetricsState } from './sample-state.js';
import { VERSION } from '../version.js';

/** The OpenTelemetry resource both exporters describe IdleWatt with. */
export function idlewattResource(instanceId?: string): Resource {
  return resourceFromAttributes({
    'service.name': 'idlewatt',
    'service.version': VERSION,
    ...(instanceId ? { 'service.instance.id': instanceId } : {}),
  });
}

export interface MetricPoint {
  value: number;
  attributes: Attributes;
}

export interface MetricDefinition {
  /** The name on `/metrics`, following Prometheus conventions (unit suffix, `_total` for counters). */
  prometheusName: string;
  /**
   * The name sent over OTLP. The eight metrics the UnaMentis monitoring plan lists keep its names
   * exactly (`unamentis.server.power.cpu_watts`, …); the rest follow the same pattern.
   */
  otelName: string;
  /**
   * UCUM unit, as OpenTelemetry expects it (W, Cel, %, s, By); Prometheus carries it as the name's
   * suffix instead. Flags have none: unit '1' would become `_ratio`.
   */
  unit: string;
  /** Where the OTLP metric has another unit than the Prometheus one (memory: MB on OTLP, bytes here). */
  otel?: { unit: string; scale: number };
  kind: 'gauge' | 'counter';
  description: string;
  /** Points for the latest state; a figure that is absent yields no point (never a fake 0). */
  read(state: SampleMetricsState): MetricPoint[];
}

/** The popover's and the plan's MB: ps's RSS in KiB divided by 1024. */
const MIB = 1024 * 1024;

const PRESSURE_LEVEL: Record<ThermalPressure, number> = { nominal: 0, fair: 1, serious: 2, critical: 3 };

function fromLatest(
  pick: (sample: Sample) => number | null | undefined,
): (s: SampleMetricsState) => MetricPoint[] {
  return (state) => {
    const sample = state.latest;
    if (sample === null) return [];
    const value = pick(sample);
    return isFiniteNumber(value) ? [{ value, attributes: {} }] : [];
  };
}

function perService(
  pick: (service: Sample['services'][number]) => number | null,
): (s: SampleMetricsState) => MetricPoint[] {
  return (state) =>
    (state.latest?.services ?? []).flatMap((service) => {
      const value = pick(service);
      return isFiniteNumber(value) ? [{ value, attributes: { service: service.id } }] : [];
    });
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Every metric IdleWatt exports. Labels are service ids, collector ids and sensor kinds only:
 * never command lines, paths or process arguments.
 */
export const METRIC_CATALOG: readonly MetricDefinition[] = [
  {
    prometheusName: 'unamentis_server_power_cpu_watts',
    otelName: 'unamentis.server.power.cpu_watts',
    unit: 'W',
    kind: 'gauge',
    description: 'CPU power, measured (powermetrics, RAPL core).',
    read: fromLatest((s) => s.power.cpuWatts),
  },
  {
    prometheusName: 'unamentis_server_power_gpu_watts',
    otelName: 'unamentis.server.power.gpu_watts',
    unit: 'W',
    kind: 'gauge',
    description: 'GPU power, measured (powermetrics, nvidia-smi, hwmon).',
    read: fromLatest((s) => s.power.gpuWatts),
  },
  {
    prometheusName: 'unamentis_server_power_package_watts',
    otelName: 'unamentis.server.power.package_watts',
    unit: 'W',
    kind: 'gauge',
    description: 'Processor package power, measured (powermetrics combined power, RAPL package).',
    read: fromLatest((s) => s.power.packageWatts),
  },
  {
    prometheusName: 'unamentis_server_power_system_watts',
    otelName: 'unamentis.server.power.system_watts',
    unit: 'W',
    kind: 'gauge',
    description:
      'Best whole-machine power figure available (package, psys, system input or battery discharge).',
    read: fromLatest((s) => s.power.systemWatts),
  },
  {
    prometheusName: 'unamentis_server_thermal_temperature_celsius',
    otelName: 'unamentis.server.thermal.temperature',
    unit: 'Cel',
    kind: 'gauge',
    description: 'Temperature by sensor kind (cpu, gpu).',
    read: (state) => {
      const thermal = state.latest?.thermal;
      if (!thermal) return [];
      const points: MetricPoint[] = [];
      if (isFiniteNumber(thermal.cpuTempCelsius)) {
        points.push({ value: thermal.cpuTempCelsius, attributes: { sensor: 'cpu' } });
      }
      if (isFiniteNumber(thermal.gpuTempCelsius)) {
        points.push({ value: thermal.gpuTempCelsius, attributes: { sensor: 'gpu' } });
      }
      return points;
    },
  },
  {
    prometheusName: 'unamentis_server_thermal_pressure',
    otelName: 'unamentis.server.thermal.pressure',
    unit: '{level}',
    kind: 'gauge',
    description: 'Thermal pressure: 0 nominal, 1 fair, 2 serious, 3 critical.',
    read: fromLatest((s) => (s.thermal.pressure === null ? null : PRESSURE_LEVEL[s.thermal.pressure])),
  },
  {
    prometheusName: 'unamentis_server_service_up',
    otelName: 'unamentis.server.service.up',
    unit: '',
    kind: 'gauge',
    description: 'Whether a configured service is running (1) or stopped (0).',
    read: perService((service) => (service.status === 'running' ? 1 : 0)),
  },
  {
    prometheusName: 'unamentis_server_service_cpu_percent',
    otelName: 'unamentis.server.service.cpu_percent',
    unit: '%',
    kind: 'gauge',
    description: 'CPU use of a service and its process tree (100 = one core).',
    read: perService((service) => service.cpuPercent),
  },
  {
    prometheusName: 'unamentis_server_service_memory_bytes',
    otelName: 'unamentis.server.service.memory_mb',
    unit: 'By',
    otel: { unit: 'MiBy', scale: 1 / MIB },
    kind: 'gauge',
    description:
      'Resident memory of a service and its process tree (OTLP: in MB of 1,048,576 bytes, as the popover shows it).',
    read: perService((service) => service.rssBytes),
  },
  {
    prometheusName: 'unamentis_server_service_power_watts',
    otelName: 'unamentis.server.service.power_watts',
    unit: 'W',
    kind: 'gauge',
    description: 'Estimated power of a service (its CPU/GPU time share of the measured power).',
    read: perService((service) => service.estimatedWatts),
  },
  {
    prometheusName: 'unamentis_server_service_requests',
    otelName: 'unamentis.server.service.requests',
    unit: '{request}',
    kind: 'gauge',
    description:
      "Requests a service received over the last 5 minutes, an estimate from its TCP traffic (a new connection, or a sample with bytes in on an open one); client: 'user' (anyone else: these keep the stack awake) or 'internal' (a monitored service or IdleWatt).",
    read: (state) =>
      (state.latest?.services ?? []).flatMap((service) => {
        const counts = service.activity?.requestCount5m;
        if (!counts) return [];
        return (['user', 'internal'] as const).map((client) => ({
          value: counts[client],
          attributes: { service: service.id, client },
        }));
      }),
  },
  {
    prometheusName: 'unamentis_server_service_active_connections',
    otelName: 'unamentis.server.service.active_connections',
    unit: '{connection}',
    kind: 'gauge',
    description: 'ESTABLISHED TCP connections on a service’s ports (TIME_WAIT leftovers not counted).',
    read: perService((service) => service.activity?.activeConnections ?? null),
  },
  {
    prometheusName: 'unamentis_server_service_inferences',
    otelName: 'unamentis.server.service.inferences',
    unit: '{inference}',
    kind: 'gauge',
    description:
      "Ollama inferences over the last 5 minutes, a lower bound from /api/ps (a model's expiry moved forward, or a new load).",
    read: perService((service) => service.activity?.inferenceCount5m ?? null),
  },
  {
    prometheusName: 'unamentis_server_self_cpu_percent',
    otelName: 'unamentis.server.self.cpu_percent',
    unit: '%',
    kind: 'gauge',
    description:
      "IdleWatt's own CPU use over the latest interval, measured from its process (100 = one core).",
    read: fromLatest((s) => s.self?.cpuPercent),
  },
  {
    prometheusName: 'unamentis_server_self_memory_bytes',
    otelName: 'unamentis.server.self.memory_bytes',
    unit: 'By',
    kind: 'gauge',
    description: "IdleWatt's own resident memory at the latest sample.",
    read: fromLatest((s) => s.self?.rssBytes),
  },
  {
    prometheusName: 'unamentis_server_self_powermetrics_cpu_percent',
    otelName: 'unamentis.server.self.powermetrics.cpu_percent',
    unit: '%',
    kind: 'gauge',
    description:
      'macOS: CPU use of the root powermetrics process IdleWatt started, from ps over the latest 10–20 s (100 = one core); not counted in the self metrics.',
    read: fromLatest((s) => s.self?.powermetrics?.cpuPercent),
  },
  {
    prometheusName: 'unamentis_server_self_powermetrics_memory_bytes',
    otelName: 'unamentis.server.self.powermetrics.memory_bytes',
    unit: 'By',
    kind: 'gauge',
    description: 'macOS: resident memory of the root powermetrics process IdleWatt started.',
    read: fromLatest((s) => s.self?.powermetrics?.rssBytes),
  },
  {
    prometheusName: 'unamentis_server_idle_duration_seconds',
    otelName: 'unamentis.server.idle.duration_seconds',
    unit: 's',
    kind: 'gauge',
    description: 'How long no configured service has served a request; 0 while the stack is active.',
    read: fromLatest(idleDurationSeconds),
  },
  {
    prometheusName: 'unamentis_server_energy_joules_total',
    otelName: 'unamentis.server.energy.system_joules',
    unit: 'J',
    kind: 'counter',
    description: 'Whole-machine energy since the monitor started (integrated system power; gaps excluded).',
    read: (state) => {
      const joules = state.systemEnergyJoules;
      return state.latest === null || joules === null ? [] : [{ value: joules, attributes: {} }];
    },
  },
  {
    prometheusName: 'unamentis_server_service_energy_joules_total',
    otelName: 'unamentis.server.service.energy_joules',
    unit: 'J',
    kind: 'counter',
    description: 'Estimated energy per service since the monitor started.',
    read: (state) =>
      [...state.serviceEnergyJoules].map(([service, joules]) => ({ value: joules, attributes: { service } })),
  },
  {
    prometheusName: 'unamentis_server_collector_success',
    otelName: 'unamentis.server.collector.success',
    unit: '',
    kind: 'gauge',
    description: 'Whether a collector returned a reading on the latest tick (1) or was absent or failed (0).',
    read: (state) =>
      (state.latest?.collectors ?? []).map((c) => ({
        value: c.status === 'ok' ? 1 : 0,
        attributes: { collector: c.id },
      })),
  },
  {
    prometheusName: 'unamentis_server_collector_duration_seconds',
    otelName: 'unamentis.server.collector.duration_seconds',
    unit: 's',
    kind: 'gauge',
    description: 'How long a collector took on the latest tick.',
    read: (state) =>
      (state.latest?.collectors ?? []).flatMap((c) =>
        isFiniteNumber(c.durationMs) ? [{ value: c.durationMs / 1000, attributes: { collector: c.id } }] : [],
      ),
  },
];

/** Registers one observable instrument per catalog entry; callbacks read `state` at collection time. */
export function registerCatalog(
  meter: Meter,
  state: SampleMetricsState,
  naming: 'prometheus' | 'otel',
): void {
  for (const definition of METRIC_CATALOG) {
    const otel = naming === 'otel';
    const name = otel ? definition.otelName : definition.prometheusName;
    const unit = otel && definition.otel ? definition.otel.unit : definition.unit;
    const scale = otel && definition.otel ? definition.otel.scale : 1;
    const options = { description: definition.description, unit };
    const instrument =
      definition.kind === 'counter'
        ? meter.createObservableCounter(name, options)
        : meter.createObservableGauge(name, options);
    instrument.addCallback((result) => {
      for (const point of definition.read(state)) result.observe(point.value * scale, point.attributes);
    });
  }
}
