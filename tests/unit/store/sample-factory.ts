import {
  DEFAULT_SERVICES,
  type AlertEvent,
  type EnergyFigures,
  type IdleFigures,
  type PowerFigures,
  type Sample,
  type ServiceSample,
  type ThermalFigures,
} from '../../../main/contract/index.js';

/** A service entry: running, idle, with plausible figures; override what the test is about. */
export function makeService(id: string, overrides: Partial<ServiceSample> = {}): ServiceSample {
  const config = DEFAULT_SERVICES.find((s) => s.id === id);
  return {
    id,
    name: config?.name ?? id,
    status: 'running',
    pids: [1000],
    ports: config ? [...config.ports] : [],
    cpuPercent: 1,
    rssBytes: 100 * 1024 * 1024,
    threads: 8,
    openFiles: 20,
    connections: 0,
    active: false,
    lastActiveAt: null,
    estimatedWatts: 0.1,
    models: null,
    ...overrides,
  };
}

export interface SampleOverrides extends Partial<Omit<Sample, 'power' | 'thermal' | 'idle' | 'energy'>> {
  power?: Partial<PowerFigures>;
  thermal?: Partial<ThermalFigures>;
  idle?: Partial<IdleFigures>;
  energy?: Partial<EnergyFigures>;
}

export const T0 = Date.UTC(2025, 0, 6, 0, 0, 0); // a Monday, 00:00 UTC

/**
 * A complete, valid Sample (Linux, RAPL-measured 8 W, nominal thermals, stack idle, no services)
 * with one level of overrides merged: `makeSample({ at, power: { systemWatts: 12 } })`.
 */
export function makeSample(overrides: SampleOverrides = {}): Sample {
  const at = overrides.at ?? T0;
  const base: Sample = {
    at,
    intervalMs: 5000,
    gap: false,
    platform: 'linux',
    power: { cpuWatts: 6, gpuWatts: null, aneWatts: null, dramWatts: 1, packageWatts: 7, systemWatts: 8 },
    thermal: {
      osLevel: null,
      pressure: 'nominal',
      cpuTempCelsius: 45,
      gpuTempCelsius: null,
      fanRpm: [],
      sensors: [{ label: 'Package id 0', celsius: 45 }],
      throttled: false,
    },
    battery: { percent: 80, state: 'discharging', onAc: false, dischargeWatts: 8, fullChargeWattHours: 52.6 },
    gpus: [],
    services: [],
    topProcesses: [],
    idle: {
      stackIdle: true,
      stackIdleSinceAt: at - 600_000,
      lastActivityAt: at - 900_000,
      userIdleSeconds: 120,
    },
    energy: { systemWattHours: (8 * 5) / 3600, serviceWattHours: {} },
    attribution: { basis: 'system', restWatts: 8 },
    collectors: [{ id: 'rapl', status: 'ok', reason: null, durationMs: 1 }],
    self: null,
    sources: { 'power.systemWatts': { source: 'power-supply-discharge', kind: 'measured' } },
    absent: {},
  };
  const { power, thermal, idle, energy, ...rest } = overrides;
  return {
    ...base,
    ...rest,
    power: { ...base.power, ...power },
    thermal: { ...base.thermal, ...thermal },
    idle: { ...base.idle, ...idle },
    energy: { ...base.energy, ...energy },
  };
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
  return {
    id: `idle-power-${overrides.at ?? T0}`,
    at: T0,
    rule: 'idle-power',
    kind: 'fired',
    severity: 'warning',
    serviceId: 'ollama',
    value: 7.2,
    unit: 'W',
    threshold: 5,
    durationSeconds: 60,
    title: 'Idle power above 5 W',
    message: 'The stack has drawn 7.2 W for 1 min while idle; likely culprit: ollama.',
    ...overrides,
  };
}
