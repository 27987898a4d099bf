import type { Platform, Sample, SelfCost, Settings, ThermalPressure } from '../contract/index.js';
import type {
  CollectRequest,
  Connection,
  Observation,
  ProcessInfo,
  SamplerCollector,
} from '../collectors/types.js';
import { SamplerClock } from './clock.js';
import { CollectorCalls } from './collector-calls.js';
import { IdleEnergyTracker } from './idle-energy.js';
import { mergeFigures, type MergedFigures } from './merge.js';
import { HelperMeter } from './helper-meter.js';
import { SelfMeter } from './self-meter.js';
import { ServiceBuilder } from './service-builder.js';

export type { SamplerCollector } from '../collectors/types.js';

export interface SamplerOptions {
  collectors: SamplerCollector[];
  /** Read on every tick, so edited settings apply without a restart. */
  settings: () => Settings;
  now?: () => number;
  /**
   * A replay's timeline: the time each tick measures (its `at`, CPU rates, energy, idle time) comes
   * from the recording, not from this machine's clock; only marked gaps are gaps.
   */
  timeline?: () => number;
  /** With a timeline: the wall-clock time the next tick is due, so the recording keeps its own pace. */
  nextTickDueAt?: () => number;
  platform?: Platform;
  /** Measures the monitor's own CPU and memory once per tick. */
  selfMeter?: SelfMeter;
  /** IdleWatt's own pid: its requests to services are internal traffic (default: this process). */
  selfPid?: number;
}

/** A tick slower than this many intervals is a gap (sleep, clock jump): nothing is integrated across it. */
const GAP_INTERVALS = 3;

/**
 * Emits one Sample per tick: calls the collectors (the slow tier on its own cadence), merges their
 * figures, builds the services, tracks idle time and integrates energy. The clock decides when.
 */
export class Sampler {
  private readonly now: () => number;
  private readonly platform: Platform;
  private readonly clock: SamplerClock;
  private readonly calls: CollectorCalls;
  private readonly idle: IdleEnergyTracker;
  private readonly services: ServiceBuilder;
  private readonly selfMeter: SelfMeter;
  private readonly helperMeter = new HelperMeter();
  private lastTickAt: number | null = null;
  private lastSlowAt: number | null = null;
  private pendingGap: string | null = null;
  /**
   * CPU baselines are to be set (at start, after a gap): every process is read until a tick brings a
   * process reading, and once more on the tick after it, so each has a rate from then on.
   */
  private baselinePending = true;
  private allProcessesNext = false;
  private userIdleSeconds: number | null = null;
  private platformOnBattery: boolean | null = null;
  private platformThermalPressure: ThermalPressure | null = null;
  /** The configured services' ports, kept while the settings hand back the same services list. */
  private ports: { services: Settings['services']; ports: ReadonlySet<number> } | null = null;

  constructor(private readonly options: SamplerOptions) {
    this.now = options.now ?? Date.now;
    this.platform = options.platform ?? toPlatform(process.platform);
    this.clock = new SamplerClock({
      settings: options.settings,
      now: this.now,
      tick: () => this.tick(),
      dueAt: options.nextTickDueAt,
    });
    this.calls = new CollectorCalls(options.collectors);
    this.idle = new IdleEnergyTracker(this.measuredAt());
    this.services = new ServiceBuilder(this.idle, options.selfPid ?? process.pid);
    this.selfMeter = options.selfMeter ?? new SelfMeter();
  }

  markGap(reason: string): void {
    this.pendingGap = reason;
  }

  /**
   * The next tick's cumulative counters start over (a replay's next pass): a process whose counter
   * fell keeps its last CPU rate for that tick instead of reading as new.
   */
  countersRestart(): void {
    this.services.carryRates();
  }

  private measuredAt(): number {
    return this.options.timeline?.() ?? this.now();
  }

  setUserIdleSeconds(seconds: number | null): void {
    this.userIdleSeconds = seconds;
  }

  /** From the platform (macOS powerMonitor thermal state): used where no collector reports pressure. */
  setPlatformThermalPressure(pressure: ThermalPressure | null): void {
    this.platformThermalPressure = pressure;
  }

  /** From the platform (Electron powerMonitor): used where no battery collector reports AC state. */
  setOnBattery(onBattery: boolean | null): void {
    this.platformOnBattery = onBattery;
  }

  setWatched(watched: boolean): void {
    this.clock.setWatched(watched);
  }

  /** The interval between ticks now: faster while a UI watches. */
  intervalMs(): number {
    return this.clock.intervalMs();
  }

  start(onSample: (sample: Sample) => void, onError?: (error: Error) => void): void {
    this.clock.start(onSample, onError);
  }

  stop(): void {
    this.clock.stop();
  }

  async tick(): Promise<Sample> {
    const settings = this.options.settings();
    const at = this.measuredAt();
    const elapsed = this.lastTickAt === null ? 0 : at - this.lastTickAt;
    const gap = this.isGap(elapsed, settings);
    this.pendingGap = null;
    if (gap) this.services.resetRates();
    this.lastTickAt = at;

    if (gap) this.baselinePending = true;
    const request: CollectRequest = {
      slow: this.isSlowTick(at, settings),
      allProcesses: this.baselinePending || this.allProcessesNext,
      watchPids: this.services.watchPids,
      servicePorts: this.servicePorts(settings.services),
      clientPids: this.services.clientPids,
    };
    const readings = await this.calls.collectAll(request);
    const observations = readings.map((r) => r.observation).filter((o): o is Observation => o !== null);
    const health = readings.map((r) => r.health);
    const reasons = this.calls.absenceReasons(health);
    const merged = mergeFigures(observations, reasons);
    this.fillFromPlatform(merged);

    const processes = observations.find((o) => o.processes)?.processes;
    this.allProcessesNext = this.baselinePending && processes !== undefined;
    if (processes !== undefined) this.baselinePending = false;
    if (processes === undefined) {
      merged.absent.processes = reasons.get('processes') ?? 'no process reading this tick';
    }
    const socketSource = observations.find((o) => o.sockets)?.sockets?.source;
    const socketsSeen = observations.some((o) => o.sockets);
    const built = this.services.build({
      at,
      configs: settings.services,
      processes,
      sockets: socketsSeen
        ? {
            listening: observations.flatMap((o) => o.sockets?.listening ?? []),
            connections: observations.flatMap((o) => o.sockets?.connections ?? []),
            countsBytes: socketsCountBytes(socketSource),
            selfRequests: new Map(
              observations.flatMap((o) => o.selfRequests ?? []).map((r) => [r.port, r.count] as const),
            ),
          }
        : null,
      servicePorts: request.servicePorts,
      tasks: observations.find((o) => o.tasks)?.tasks,
      ollama: observations.find((o) => o.ollama)?.ollama,
      processTraffic: observations.find((o) => o.processTraffic)?.processTraffic,
      power: merged.power,
    });
    Object.assign(merged.sources, built.sources);
    if (socketSource) {
      merged.sources['services.activity'] = { source: socketSource, kind: 'measured' };
      if (!socketsCountBytes(socketSource) && observations.some((o) => o.processTraffic)) {
        merged.sources['services.activity.bytes'] = { source: 'nettop', kind: 'measured' };
      }
      merged.sources['services.activity.requestCount5m'] = { source: 'traffic', kind: 'estimated' };
    }

    const idleFigures = this.idle.idleState(
      at,
      settings.sampling.idleAfterMinutes * 60_000,
      this.userIdleSeconds ??
        observations.find((o) => o.userIdleSeconds !== undefined)?.userIdleSeconds ??
        null,
    );
    const energy = this.idle.integrate(at, gap, merged.power.systemWatts, built.services);
    return {
      at,
      intervalMs: elapsed,
      gap,
      platform: this.platform,
      power: merged.power,
      thermal: merged.thermal,
      battery: merged.battery,
      gpus: observations.flatMap((o) => o.gpu?.devices ?? []),
      services: built.services,
      topProcesses: built.topProcesses,
      idle: idleFigures,
      energy,
      attribution: built.attribution,
      collectors: health,
      self: this.measureSelf(at, observations, reasons, processes),
      sources: merged.sources,
      absent: merged.absent,
    };
  }

  /** IdleWatt's own process, and apart from it the powermetrics process it started (macOS). */
  private measureSelf(
    at: number,
    observations: readonly Observation[],
    reasons: ReadonlyMap<string, string>,
    processes: ProcessInfo[] | undefined,
  ): SelfCost {
    const self = this.selfMeter.measure();
    const powermetrics = this.helperMeter.measure(
      at,
      observations.find((o) => o.powermetricsHelper)?.powermetricsHelper,
      reasons.get('powermetricsHelper'),
      processes,
    );
    return powermetrics ? { ...self, powermetrics } : self;
  }

  private servicePorts(services: Settings['services']): ReadonlySet<number> {
    if (this.ports?.services !== services) {
      this.ports = { services, ports: new Set(services.flatMap((s) => s.ports)) };
    }
    return this.ports.ports;
  }

  private isGap(elapsed: number, settings: Settings): boolean {
    if (this.pendingGap !== null) return true;
    if (this.lastTickAt === null) return false;
    if (this.options.timeline) return elapsed <= 0;
    const interval = settings.sampling.intervalSeconds * 1000;
    return elapsed < 0 || elapsed > GAP_INTERVALS * Math.max(interval, this.intervalMs());
  }

  private isSlowTick(at: number, settings: Settings): boolean {
    const slow =
      this.lastSlowAt === null ||
      at - this.lastSlowAt >= settings.sampling.slowIntervalSeconds * 1000 ||
      at < this.lastSlowAt;
    if (slow) this.lastSlowAt = at;
    return slow;
  }

  /** What the platform reports stands in where no collector measured it. */
  private fillFromPlatform(merged: MergedFigures): void {
    if (merged.battery === null && this.platformOnBattery !== null) {
      merged.battery = {
        percent: null,
        state: null,
        onAc: !this.platformOnBattery,
        dischargeWatts: null,
        fullChargeWattHours: null,
      };
      merged.sources.battery = { source: 'platform', kind: 'measured' };
      delete merged.absent.battery;
    }
    if (merged.thermal.pressure === null && this.platformThermalPressure !== null) {
      merged.thermal.pressure = this.platformThermalPressure;
      merged.sources['thermal.pressure'] = { source: 'platform', kind: 'measured' };
      delete merged.absent['thermal.pressure'];
    }
  }
}

function toPlatform(p: NodeJS.Platform): Platform {
  return p === 'darwin' || p === 'linux' ? p : 'other';
}

export type { Connection };

/** Sources whose connections carry byte counters: Linux sock_diag and ss, the macOS TCP table. */
function socketsCountBytes(source: string | undefined): boolean {
  return source === 'sock-diag' || source === 'ss' || source === 'pcblist';
}
