import type { Sample, ServiceSample } from '../../../main/contract/sample.js';
import { defaultSettings, type AlertSettings } from '../../../main/contract/settings.js';

export const T0 = Date.UTC(2025, 4, 1, 10, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export function service(overrides: Partial<ServiceSample> & { id: string }): ServiceSample {
  return {
    name: overrides.id,
    status: 'running',
    pids: [100],
    ports: [8880],
    cpuPercent: 0.5,
    rssBytes: 200 * 1024 * 1024,
    threads: 4,
    openFiles: 10,
    connections: 0,
    active: false,
    lastActiveAt: null,
    estimatedWatts: 0.1,
    models: null,
    ...overrides,
  };
}

export interface SampleSpec {
  at: number;
  systemWatts?: number | null;
  stackIdle?: boolean;
  pressure?: Sample['thermal']['pressure'];
  gap?: boolean;
  services?: ServiceSample[];
}

/** A minimal sample: only the fields the alert rules read carry meaning. */
export function sample(spec: SampleSpec): Sample {
  return {
    at: spec.at,
    intervalMs: 5000,
    gap: spec.gap ?? false,
    platform: 'linux',
    power: {
      cpuWatts: null,
      gpuWatts: null,
      aneWatts: null,
      dramWatts: null,
      packageWatts: null,
      systemWatts: spec.systemWatts === undefined ? 2 : spec.systemWatts,
    },
    thermal: {
      osLevel: null,
      pressure: spec.pressure === undefined ? 'nominal' : spec.pressure,
      cpuTempCelsius: null,
      gpuTempCelsius: null,
      fanRpm: [],
      sensors: [],
      throttled: null,
    },
    battery: null,
    gpus: [],
    services: spec.services ?? [],
    topProcesses: [],
    idle: {
      stackIdle: spec.stackIdle ?? true,
      stackIdleSinceAt: null,
      lastActivityAt: null,
      userIdleSeconds: null,
    },
    energy: { systemWattHours: null, serviceWattHours: {} },
    attribution: { basis: spec.systemWatts === null ? null : 'system', restWatts: null },
    collectors: [],
    self: null,
    sources: {},
    absent: {},
  };
}

/** Default rules with only the rule under test enabled, so other rules never add events. */
export function onlyRule(
  key: keyof Pick<AlertSettings, 'idlePower' | 'idleServiceCpu' | 'memoryGrowth' | 'thermalPressure'>,
  cooldownMinutes = 15,
): AlertSettings {
  const alerts = defaultSettings().alerts;
  alerts.idlePower.enabled = key === 'idlePower';
  alerts.idleServiceCpu.enabled = key === 'idleServiceCpu';
  alerts.memoryGrowth.enabled = key === 'memoryGrowth';
  alerts.thermalPressure.enabled = key === 'thermalPressure';
  alerts.cooldownMinutes = cooldownMinutes;
  return alerts;
}
