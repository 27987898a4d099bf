import {
  DEFAULT_SERVICES,
  type AlertEvent,
  type EnergyFigures,
  type IdleFigures,
  type PowerFigures,
  type Sample,
  type ServiceActivity,
  type ServiceSample,
  type ThermalFigures,
} from '../main/contract/index.js';

/**
 * The one factory for Samples, services and alert events in tests. Every figure defaults to
 * unknown (null) or empty, so a test states the figures it is about; suites that need richer
 * defaults (a RAPL-measured machine, a stack of services) wrap these with their own.
 */

export interface SampleOverrides extends Partial<Omit<Sample, 'power' | 'thermal' | 'idle' | 'energy'>> {
  power?: Partial<PowerFigures>;
  thermal?: Partial<ThermalFigures>;
  idle?: Partial<IdleFigures>;
  energy?: Partial<EnergyFigures>;
}

/** A valid Sample with nothing measured, and one level of overrides merged: `makeSample({ power: { systemWatts: 12 } })`. */
export function makeSample(overrides: SampleOverrides = {}): Sample {
  const { power, thermal, idle, energy, ...rest } = overrides;
  return {
    at: 0,
    intervalMs: 5000,
    gap: false,
    platform: 'linux',
    battery: null,
    gpus: [],
    services: [],
    topProcesses: [],
    collectors: [],
    self: null,
    attribution: { basis: null, restWatts: null },
    sources: {},
    absent: {},
    ...rest,
    power: {
      cpuWatts: null,
      gpuWatts: null,
      aneWatts: null,
      dramWatts: null,
      packageWatts: null,
      systemWatts: null,
      ...power,
    },
    thermal: {
      pressure: null,
      osLevel: null,
      cpuTempCelsius: null,
      gpuTempCelsius: null,
      fanRpm: [],
      sensors: [],
      throttled: null,
      ...thermal,
    },
    idle: {
      stackIdle: false,
      stackIdleSinceAt: null,
      lastActivityAt: null,
      userIdleSeconds: null,
      ...idle,
    },
    energy: { systemWattHours: null, serviceWattHours: {}, ...energy },
  };
}

/** A running, idle service with plausible figures (named and on the ports of a default service when `id` is one). */
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

/** A service's traffic with no requests and nothing flowing; override what the test is about. */
export function makeActivity(overrides: Partial<ServiceActivity> = {}): ServiceActivity {
  return {
    connectionsOpened: { user: 0, internal: 0 },
    activeConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    requestCount5m: { user: 0, internal: 0 },
    lastUserRequestAt: null,
    lastInternalRequestAt: null,
    internalClients: [],
    inferenceCount5m: null,
    ...overrides,
  };
}

/** A stopped service: no processes, nothing measured. */
export function makeStoppedService(id: string, overrides: Partial<ServiceSample> = {}): ServiceSample {
  return makeService(id, {
    status: 'stopped',
    pids: [],
    ports: [],
    cpuPercent: null,
    rssBytes: null,
    threads: null,
    openFiles: null,
    connections: null,
    estimatedWatts: null,
    ...overrides,
  });
}

/** A fired idle-power warning; override what the test is about. */
export function makeAlert(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    id: `idle-power-${overrides.at ?? 0}`,
    at: 0,
    rule: 'idle-power',
    kind: 'fired',
    severity: 'warning',
    serviceId: null,
    value: 7.2,
    unit: 'W',
    threshold: 5,
    durationSeconds: 60,
    title: 'Idle power above 5 W',
    message: 'Idle power 7.2 W for 60 s',
    ...overrides,
  };
}
