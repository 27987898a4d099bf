import { DEFAULT_SERVICES, type AlertEvent, type Sample } from '../../../main/contract/index.js';
import {
  makeAlert as makeBaseAlert,
  makeSample as makeBaseSample,
  makeService,
  type SampleOverrides,
} from '../../sample-factory.js';

export { makeService, type SampleOverrides };

export const T0 = Date.UTC(2025, 0, 6, 0, 0, 0); // a Monday, 00:00 UTC

/**
 * A complete, valid Sample (Linux, RAPL-measured 8 W, nominal thermals, stack idle, no services)
 * with one level of overrides merged: `makeSample({ at, power: { systemWatts: 12 } })`.
 */
export function makeSample(overrides: SampleOverrides = {}): Sample {
  const at = overrides.at ?? T0;
  const { power, thermal, idle, energy, ...rest } = overrides;
  return makeBaseSample({
    battery: { percent: 80, state: 'discharging', onAc: false, dischargeWatts: 8, fullChargeWattHours: 52.6 },
    attribution: { basis: 'system', restWatts: 8 },
    collectors: [{ id: 'rapl', status: 'ok', reason: null, durationMs: 1 }],
    sources: { 'power.systemWatts': { source: 'power-supply-discharge', kind: 'measured' } },
    ...rest,
    at,
    power: { cpuWatts: 6, dramWatts: 1, packageWatts: 7, systemWatts: 8, ...power },
    thermal: {
      pressure: 'nominal',
      cpuTempCelsius: 45,
      sensors: [{ label: 'Package id 0', celsius: 45 }],
      throttled: false,
      ...thermal,
    },
    idle: {
      stackIdle: true,
      stackIdleSinceAt: at - 600_000,
      lastActivityAt: at - 900_000,
      userIdleSeconds: 120,
      ...idle,
    },
    energy: { systemWattHours: (8 * 5) / 3600, ...energy },
  });
}

/** The six default services with per-service energy that matches their estimated watts. */
export function makeStackSample(overrides: SampleOverrides = {}): Sample {
  const intervalMs = overrides.intervalMs ?? 5000;
  const services =
    overrides.services ??
    DEFAULT_SERVICES.map((s, i) =>
      makeService(s.id, {
        cpuPercent: 2 + i,
        estimatedWatts: 0.2 * (i + 1),
        pids: [2000 + i],
        models:
          s.id === 'ollama'
            ? { count: 1, bytes: 4.7e9, unloadsAt: (overrides.at ?? T0) + 4 * 60_000, keptLoaded: false }
            : null,
      }),
    );
  const serviceWattHours = Object.fromEntries(
    services.map((s) => [s.id, ((s.estimatedWatts ?? 0) * intervalMs) / 3_600_000]),
  );
  return makeSample({
    ...overrides,
    intervalMs,
    services,
    energy: { serviceWattHours, ...overrides.energy },
  });
}

export function makeAlert(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return makeBaseAlert({
    id: `idle-power-${overrides.at ?? T0}`,
    at: T0,
    serviceId: 'ollama',
    message: 'The stack has drawn 7.2 W for 1 min while idle; likely culprit: ollama.',
    ...overrides,
  });
}
