import type { Sample, ServiceSample } from '../../../main/contract/sample.js';
import { defaultSettings, type AlertSettings } from '../../../main/contract/settings.js';
import { makeSample, makeService } from '../../sample-factory.js';

export const T0 = Date.UTC(2025, 4, 1, 10, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** A running service as the alert rules see it; `id` doubles as its name. */
export function service(overrides: Partial<ServiceSample> & { id: string }): ServiceSample {
  return makeService(overrides.id, {
    name: overrides.id,
    pids: [100],
    ports: [8880],
    cpuPercent: 0.5,
    rssBytes: 200 * 1024 * 1024,
    threads: 4,
    openFiles: 10,
    ...overrides,
  });
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
  return makeSample({
    at: spec.at,
    gap: spec.gap ?? false,
    power: { systemWatts: spec.systemWatts === undefined ? 2 : spec.systemWatts },
    thermal: { pressure: spec.pressure === undefined ? 'nominal' : spec.pressure },
    services: spec.services ?? [],
    idle: { stackIdle: spec.stackIdle ?? true },
    attribution: { basis: spec.systemWatts === null ? null : 'system', restWatts: null },
  });
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
