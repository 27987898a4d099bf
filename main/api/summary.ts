import {
  idleDurationSeconds,
  type BatteryFigures,
  type IdleFigures,
  type PowerFigures,
  type ProcessSample,
  type Provenance,
  type Sample,
  type ServiceActivity,
  type ServiceSample,
  type ThermalFigures,
} from '../contract/index.js';

export const SUMMARY_WINDOW_MS = 60_000;
const MAX_WINDOW_SAMPLES = 1200;

/** The samples of the last minute (by sample time, so replays work), fed by the core's stream. */
export class RecentSamples {
  private samples: Sample[] = [];

  get latest(): Sample | null {
    return this.samples.at(-1) ?? null;
  }

  get all(): readonly Sample[] {
    return this.samples;
  }

  /**
   * An older sample is ignored (pushed twice, or a stale start-up read), except one the sampler marks
   * as a gap: the clock went back, so the window restarts there instead of freezing until it catches up.
   */
  push(sample: Sample): void {
    const latest = this.latest;
    if (latest !== null && sample.at <= latest.at) {
      if (!sample.gap || sample.at === latest.at) return;
      this.samples = [];
    }
    this.samples.push(sample);
    const oldest = sample.at - SUMMARY_WINDOW_MS;
    const firstKept = this.samples.findIndex((s) => s.at >= oldest);
    if (firstKept > 0) this.samples = this.samples.slice(firstKept);
    if (this.samples.length > MAX_WINDOW_SAMPLES) this.samples = this.samples.slice(-MAX_WINDOW_SAMPLES);
  }
}

export interface ServiceAverage {
  id: string;
  name: string;
  status: ServiceSample['status'];
  active: boolean;
  lastActiveAt: number | null;
  /** The latest sample's traffic (requests in the last 5 min, user and internal apart); null when unknown. */
  activity: ServiceActivity | null;
  /** Means over the window, of the samples where the figure was known; null when never known. */
  cpuPercent: number | null;
  rssBytes: number | null;
  estimatedWatts: number | null;
  samples: number;
}

/** The UnaMentis plan's summary fields (snake_case, as it names them), beside IdleWatt's own. */
export interface PlanPowerSummary {
  /** Mean measured package watts over the last minute; null when none was measured. */
  avg_package_watts: number | null;
  /** nominal, fair, serious, critical, or "unknown" where this machine reports none. */
  current_thermal_pressure: string;
  /** Latest CPU temperature in °C; null when not measured (never 0). */
  current_cpu_temp: number | null;
}

export interface SystemSummary {
  /** Epoch seconds, as the plan's `timestamp`; `at` is the same instant in milliseconds. */
  timestamp: number;
  at: number;
  power: PowerFigures & PlanPowerSummary;
  /** Service id → mean CPU % over the last minute (null when never known), as the plan's `processes`. */
  processes: Record<string, number | null>;
  /** Minutes of samples held in memory: samples × interval, as the plan counts it. */
  history_minutes: number;
  thermal: Pick<ThermalFigures, 'pressure' | 'cpuTempCelsius' | 'gpuTempCelsius' | 'throttled'>;
  battery: BatteryFigures | null;
  idle: IdleFigures & { idleDurationSeconds: number };
  services: ServiceAverage[];
  window: { seconds: number; samples: number; from: number; to: number };
  historyLength: number;
  /** Where each figure came from (measured vs estimated), and why any is missing. */
  sources: Record<string, Provenance>;
  absent: Record<string, string>;
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

export function averageServices(window: readonly Sample[]): ServiceAverage[] {
  const latest = window.at(-1);
  if (!latest) return [];
  return latest.services.map((service) => {
    const seen = window.flatMap((s) => s.services.filter((x) => x.id === service.id));
    return {
      id: service.id,
      name: service.name,
      status: service.status,
      active: service.active,
      lastActiveAt: service.lastActiveAt,
      activity: service.activity ?? null,
      cpuPercent: mean(seen.map((x) => x.cpuPercent)),
      rssBytes: mean(seen.map((x) => x.rssBytes)),
      estimatedWatts: mean(seen.map((x) => x.estimatedWatts)),
      samples: seen.length,
    };
  });
}

function round2(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

export function buildSystemSummary(window: readonly Sample[], historyLength: number): SystemSummary | null {
  const latest = window.at(-1);
  const first = window[0];
  if (!latest || !first) return null;
  const { pressure, cpuTempCelsius, gpuTempCelsius, throttled } = latest.thermal;
  const services = averageServices(window);
  return {
    timestamp: latest.at / 1000,
    at: latest.at,
    power: {
      ...latest.power,
      avg_package_watts: round2(mean(window.map((s) => s.power.packageWatts))),
      current_thermal_pressure: pressure ?? 'unknown',
      current_cpu_temp: cpuTempCelsius,
    },
    processes: Object.fromEntries(services.map((s) => [s.id, round2(s.cpuPercent)])),
    history_minutes: Math.round(((historyLength * latest.intervalMs) / 60_000) * 10) / 10,
    thermal: { pressure, cpuTempCelsius, gpuTempCelsius, throttled },
    battery: latest.battery,
    idle: { ...latest.idle, idleDurationSeconds: idleDurationSeconds(latest) },
    services,
    window: { seconds: SUMMARY_WINDOW_MS / 1000, samples: window.length, from: first.at, to: latest.at },
    historyLength,
    sources: latest.sources,
    absent: latest.absent,
  };
}

function pick<T>(record: Record<string, T>, prefix: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key.startsWith(prefix)));
}

export function powerView(sample: Sample) {
  return {
    at: sample.at,
    intervalMs: sample.intervalMs,
    power: sample.power,
    battery: sample.battery,
    gpus: sample.gpus,
    energy: sample.energy,
    sources: pick(sample.sources, 'power.'),
    absent: pick(sample.absent, 'power.'),
  };
}

export function thermalView(sample: Sample) {
  return {
    at: sample.at,
    thermal: sample.thermal,
    sources: pick(sample.sources, 'thermal.'),
    absent: pick(sample.absent, 'thermal.'),
  };
}

export function processesView(sample: Sample): {
  at: number;
  services: ServiceSample[];
  topProcesses: ProcessSample[];
} {
  return { at: sample.at, services: sample.services, topProcesses: sample.topProcesses };
}

export function idleView(sample: Sample) {
  return {
    at: sample.at,
    idle: sample.idle,
    idleDurationSeconds: idleDurationSeconds(sample),
    services: sample.services.map((s) => ({
      id: s.id,
      status: s.status,
      active: s.active,
      lastActiveAt: s.lastActiveAt,
    })),
  };
}
