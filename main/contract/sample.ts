/** One sampler tick in its JSON form: plain numbers or null, units in names, epoch-millisecond times. */

export type ThermalPressure = 'nominal' | 'fair' | 'serious' | 'critical';
export const THERMAL_PRESSURES: readonly ThermalPressure[] = ['nominal', 'fair', 'serious', 'critical'];

/**
 * macOS's own five thermal pressure levels, in the order of their values (OSThermalPressureLevel,
 * libkern/OSThermalNotification.h: 0 nominal … 4 sleeping on macOS), as published through the
 * notify(3) key `com.apple.system.thermalpressurelevel` and printed by older powermetrics.
 */
export type OsThermalLevel = 'nominal' | 'moderate' | 'heavy' | 'trapping' | 'sleeping';
export const OS_THERMAL_LEVELS: readonly OsThermalLevel[] = [
  'nominal',
  'moderate',
  'heavy',
  'trapping',
  'sleeping',
];

/**
 * The four-level scale the UI shows, mapped the way macOS maps its levels to
 * ProcessInfo.thermalState: moderate and heavy are both "fair", trapping is "serious", sleeping is
 * "critical" (documented by MacThrottle's README, which reads the same notify key).
 */
const OS_LEVEL_PRESSURE: Readonly<Record<OsThermalLevel, ThermalPressure>> = {
  nominal: 'nominal',
  moderate: 'fair',
  heavy: 'fair',
  trapping: 'serious',
  sleeping: 'critical',
};

export function pressureOfOsLevel(level: OsThermalLevel): ThermalPressure {
  return OS_LEVEL_PRESSURE[level];
}

export type Platform = 'darwin' | 'linux' | 'other';

/** Where a figure came from: e.g. `{source: 'rapl', kind: 'measured'}` or `{source: 'cpu-share', kind: 'estimated'}`. */
export interface Provenance {
  source: string;
  kind: 'measured' | 'estimated';
}

export interface PowerFigures {
  cpuWatts: number | null;
  gpuWatts: number | null;
  aneWatts: number | null;
  dramWatts: number | null;
  /**
   * The CPU/SoC package only: powermetrics `combined_power` on Apple silicon ("SoC"), the Intel
   * package figure, RAPL `package-*` on Linux ("package"). Never the whole machine.
   */
  packageWatts: number | null;
  /**
   * The whole machine (display, SSD, Wi-Fi, memory included): AppleSmartBattery
   * PowerTelemetryData.SystemLoad, the SMC PSTR key, an ACPI power meter, or battery discharge while
   * discharging. Never a package figure: null when no whole-machine source is measured.
   */
  systemWatts: number | null;
}

/** Which measured figure a split or a rule is based on. */
export type PowerBasis = 'system' | 'package';

export const POWER_BASIS_PATH: Readonly<Record<PowerBasis, 'systemWatts' | 'packageWatts'>> = {
  system: 'systemWatts',
  package: 'packageWatts',
};

/** What the per-service estimates were split from: services + rest = that figure. */
export interface AttributionFigures {
  /** `system` when the whole machine is measured, else `package`; null when neither is. */
  basis: PowerBasis | null;
  /** The basis figure minus the services' estimates ("rest"); null without a basis. */
  restWatts: number | null;
}

/**
 * How to name the package figure: "SoC" on Apple silicon (powermetrics `combined_power` = CPU + GPU +
 * ANE, and only Apple silicon has an ANE figure), "package" elsewhere (Intel package, RAPL package-*).
 */
export function packageLabel(sample: Pick<Sample, 'platform' | 'power'>): 'SoC' | 'package' {
  return sample.platform === 'darwin' && sample.power.aneWatts !== null ? 'SoC' : 'package';
}

/** The basis per-service estimates split: the whole machine where measured, else the package. */
export function attributionBasis(power: PowerFigures): PowerBasis | null {
  if (power.systemWatts !== null) return 'system';
  if (power.packageWatts !== null) return 'package';
  return null;
}

export interface TemperatureSensor {
  label: string;
  celsius: number;
}

export interface ThermalFigures {
  pressure: ThermalPressure | null;
  /** macOS's raw five-level value where the source gives it (`pressure` is its mapping); else null. */
  osLevel: OsThermalLevel | null;
  cpuTempCelsius: number | null;
  gpuTempCelsius: number | null;
  fanRpm: number[];
  sensors: TemperatureSensor[];
  /** True when cooling devices or the OS report throttling; null when unknown. */
  throttled: boolean | null;
}

export type BatteryState = 'charging' | 'discharging' | 'full' | 'not-charging' | 'unknown';

export interface BatteryFigures {
  percent: number | null;
  state: BatteryState | null;
  onAc: boolean | null;
  /** Positive while discharging. */
  dischargeWatts: number | null;
  /**
   * Energy the battery holds when full, as it is now (worn capacity, not the design figure): Linux
   * `energy_full`, or `charge_full` × `voltage_min_design`; macOS full-charge mAh × the pack voltage.
   * null when the battery does not say.
   */
  fullChargeWattHours: number | null;
}

export interface GpuDevice {
  name: string;
  powerWatts: number | null;
  tempCelsius: number | null;
  utilizationPercent: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
}

export type ServiceStatus = 'running' | 'stopped';

/** The models a service's Ollama probe (`GET /api/ps`) says are held in memory. */
export interface LoadedModels {
  count: number;
  /** Their total size in bytes (decimal, as Ollama reports); null when not known. */
  bytes: number | null;
  /** When the last of them unloads, epoch ms; null when none is loaded, one is kept loaded, or it is not known. */
  unloadsAt: number | null;
  /** A model has no expiry (a negative OLLAMA_KEEP_ALIVE): it stays loaded until asked to unload. */
  keptLoaded: boolean;
}

/** Requests told apart by who sent them. */
export interface RequestCounts {
  /** From anyone else: a person, a browser, a script. These keep a service from being idle. */
  user: number;
  /** From a monitored service or IdleWatt itself: idle waste, never activity. */
  internal: number;
}

/** Who sent a service's internal requests: another monitored service, or IdleWatt itself (`idlewatt`). */
export interface InternalClient {
  id: string;
  name: string;
  requests5m: number;
  /**
   * The mean spacing of those requests (null under two). Requests on one kept-alive connection
   * count at most once per tick, so a client polling faster than the ticks reads as the tick interval.
   */
  everySeconds: number | null;
}

/**
 * A service's traffic, from its TCP connections. Each connection is seen from both ends on
 * loopback; the client end's owner pid tells a request from a monitored service (internal) from
 * anyone else's (user). A client end seen only after it closed (TIME_WAIT) has no owner: it is
 * IdleWatt's own probe while one is unaccounted for, else that of a monitored service seen closing
 * a connection to this service in the last 5 minutes, else a user's.
 */
export interface ServiceActivity {
  /** Client connections opened since the previous tick. */
  connectionsOpened: RequestCounts;
  /** ESTABLISHED connections on its ports now (TIME_WAIT leftovers are not counted). */
  activeConnections: number;
  /** Payload bytes received on its connections since the previous tick; null where the socket source has no byte counters. */
  bytesIn: number | null;
  /** Payload bytes sent (and acknowledged) since the previous tick; null likewise. */
  bytesOut: number | null;
  /**
   * An estimate from traffic over the last 5 minutes: each new connection counts one request, and
   * so does each tick in which an open connection received bytes, so fast request streams on one
   * connection are undercounted.
   */
  requestCount5m: RequestCounts;
  lastUserRequestAt: number | null;
  lastInternalRequestAt: number | null;
  internalClients: InternalClient[];
  /**
   * Ollama only: a lower bound of inferences in the last 5 minutes, from /api/ps — each request
   * pushes its model's expiry forward and each new load counts; several requests between two
   * probes count once. null for other services and without a probe reading.
   */
  inferenceCount5m: number | null;
}

export interface ServiceSample {
  id: string;
  name: string;
  status: ServiceStatus;
  pids: number[];
  /** Ports the service's processes listen on. */
  ports: number[];
  /** 100 = one core; null while it cannot be computed honestly (first sight, restart). */
  cpuPercent: number | null;
  rssBytes: number | null;
  threads: number | null;
  openFiles: number | null;
  /** ESTABLISHED connections on its ports (the same figure as `activity.activeConnections`). */
  connections: number | null;
  /** A user request arrived this tick (a new connection, or bytes in on an open one). CPU never counts as activity, nor do internal requests. */
  active: boolean;
  /** Last user request seen. */
  lastActiveAt: number | null;
  /**
   * Ollama only: a model inference was seen this tick (a model's expiry moved forward or a model was
   * loaded, from /api/ps). Absent for other services and in records written before it was kept.
   */
  inference?: boolean;
  /** Traffic this tick and over the last 5 minutes; absent in samples read back from history and where no socket reading exists yet. */
  activity?: ServiceActivity;
  /** Always an estimate (CPU/GPU time share of measured watts), part of `Sample.attribution.basis`. */
  estimatedWatts: number | null;
  /** What the service's model probe read (Ollama); null for a service without one, or with no answer. */
  models: LoadedModels | null;
}

export interface ProcessSample {
  pid: number;
  name: string;
  cpuPercent: number | null;
  rssBytes: number | null;
}

/** IdleWatt's own cost, measured from its own process over the latest interval. */
export interface SelfCost {
  /** Its CPU time over the interval as a percent of one core; null before a second measurement. */
  cpuPercent: number | null;
  /** Its resident memory at the end of the interval. */
  rssBytes: number;
  /**
   * macOS: the root powermetrics process IdleWatt started, listed apart from IdleWatt's own figures.
   * Absent (with why) while it is not running; missing where IdleWatt starts none.
   */
  powermetrics?: HelperProcessCost;
}

/** A process IdleWatt started, measured from `ps` by its pid. */
export interface HelperProcessCost {
  pid: number | null;
  /** CPU time over the latest 10–20 s as a percent of one core; null until 10 s of this pid are measured. */
  cpuPercent: number | null;
  rssBytes: number | null;
  /** Why it is not measured (not started yet, waiting for permission, a replayed recording…); null when it is. */
  absent: string | null;
}

export interface IdleFigures {
  /** No service active for `idleAfterMinutes`. */
  stackIdle: boolean;
  /** When the stack became idle (null while active). */
  stackIdleSinceAt: number | null;
  /** Last request seen on any service. */
  lastActivityAt: number | null;
  /** From the platform (powerMonitor, logind, HIDIdleTime); null where none. */
  userIdleSeconds: number | null;
}

export interface EnergyFigures {
  /** Energy of this interval (trapezoid of system watts); null across gaps or with no power source. */
  systemWattHours: number | null;
  /** Estimated energy per service id for this interval. */
  serviceWattHours: Record<string, number>;
}

export interface CollectorHealth {
  id: string;
  status: 'ok' | 'absent' | 'error';
  reason: string | null;
  durationMs: number;
}

export interface Sample {
  at: number;
  /** Measured time since the previous tick. */
  intervalMs: number;
  /** True when the time since the previous tick was longer than 3 intervals (sleep, clock jump). */
  gap: boolean;
  platform: Platform;
  power: PowerFigures;
  thermal: ThermalFigures;
  battery: BatteryFigures | null;
  gpus: GpuDevice[];
  services: ServiceSample[];
  /** Top processes by CPU that belong to no configured service. */
  topProcesses: ProcessSample[];
  idle: IdleFigures;
  energy: EnergyFigures;
  /** Which total the services' estimated watts were split from, and what is left of it. */
  attribution: AttributionFigures;
  collectors: CollectorHealth[];
  /** The monitor's own cost; null where it was not measured (e.g. a sample read back from history). */
  self: SelfCost | null;
  /** Figure path (e.g. `power.packageWatts`) → where it came from. */
  sources: Record<string, Provenance>;
  /** Figure path → why it is null. */
  absent: Record<string, string>;
}

/** Seconds the service stack has been idle at the latest sample; 0 while it is active. */
export function idleDurationSeconds(sample: Sample): number {
  const since = sample.idle.stackIdleSinceAt;
  if (!sample.idle.stackIdle || since === null) return 0;
  return Math.max(0, (sample.at - since) / 1000);
}
