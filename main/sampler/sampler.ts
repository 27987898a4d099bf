import type {
  CollectorHealth,
  Platform,
  ProcessSample,
  Sample,
  ServiceSample,
  Settings,
  ThermalPressure,
} from '../contract/index.js';
import type {
  CollectRequest,
  Connection,
  ListeningSocket,
  Observation,
  ProcessInfo,
  SamplerCollector,
} from '../collectors/types.js';
import { ActivityTracker } from './activity.js';
import { attributePower } from './attribution.js';
import { CpuRateTracker } from './cpu-rates.js';
import { IdleEnergyTracker } from './idle-energy.js';
import { mergeFigures } from './merge.js';
import { describeOllama } from './ollama-detail.js';
import { matchServices, type ServiceMatch } from './service-matcher.js';

export type { SamplerCollector } from '../collectors/types.js';

export interface SamplerOptions {
  collectors: SamplerCollector[];
  /** Read on every tick, so edited settings apply without a restart. */
  settings: () => Settings;
  now?: () => number;
  platform?: Platform;
}

/** A tick slower than this many intervals is a gap (sleep, clock jump): nothing is integrated across it. */
const GAP_INTERVALS = 3;
const TOP_PROCESSES = 5;

interface CachedReading {
  observation: Observation | null;
  health: CollectorHealth;
}

/**
 * The one clock (ARCHITECTURE.md): calls collectors by tier, turns counters into rates, matches
 * processes to services, tracks requests and idle time, attributes power and emits one Sample per tick.
 */
export class Sampler {
  private readonly now: () => number;
  private readonly platform: Platform;
  private readonly cpu = new CpuRateTracker();
  private readonly activity = new ActivityTracker();
  private readonly idle: IdleEnergyTracker;
  private readonly slowCache = new Map<string, CachedReading>();
  private readonly listeningPid = new Map<number, number>();
  private servicePids = new Set<number>();
  private lastMatches = new Map<string, ServiceMatch>();
  private lastTickAt: number | null = null;
  private lastSlowAt: number | null = null;
  private pendingGap: string | null = null;
  private userIdleSeconds: number | null = null;
  private platformOnBattery: boolean | null = null;
  private platformThermalPressure: ThermalPressure | null = null;
  private watched = false;
  private timer: NodeJS.Timeout | null = null;
  private loop: (() => Promise<void>) | null = null;
  private running = false;
  private ticking = false;

  constructor(private readonly options: SamplerOptions) {
    this.now = options.now ?? Date.now;
    this.platform = options.platform ?? toPlatform(process.platform);
    this.idle = new IdleEnergyTracker(this.now());
  }

  markGap(reason: string): void {
    this.pendingGap = reason;
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
    const changed = watched !== this.watched;
    this.watched = watched;
    // A tick in flight reschedules with the new interval when it ends; starting one now would overlap it.
    if (changed && this.running && !this.ticking) this.schedule(0);
  }

  /** The interval between ticks now: faster while a UI watches. */
  intervalMs(): number {
    const s = this.options.settings().sampling;
    return (this.watched ? Math.min(s.processIntervalSeconds, s.intervalSeconds) : s.intervalSeconds) * 1000;
  }

  start(onSample: (sample: Sample) => void, onError: (error: Error) => void = () => {}): void {
    this.running = true;
    this.loop = async () => {
      const startedAt = this.now();
      this.ticking = true;
      try {
        const sample = await this.tick();
        // A tick that ends after stop() is dropped: its consumers (store, API, notifier) may be closed.
        if (this.running) onSample(sample);
      } catch (error) {
        onError(error as Error); // a tick must never kill the clock
      } finally {
        this.ticking = false;
      }
      if (this.running) this.schedule(Math.max(0, this.intervalMs() - (this.now() - startedAt)));
    };
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop?.(), delayMs);
    this.timer.unref?.();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async tick(): Promise<Sample> {
    const settings = this.options.settings();
    const at = this.now();
    const interval = settings.sampling.intervalSeconds * 1000;
    const elapsed = this.lastTickAt === null ? 0 : at - this.lastTickAt;
    const gap =
      this.pendingGap !== null ||
      (this.lastTickAt !== null &&
        (elapsed < 0 || elapsed > GAP_INTERVALS * Math.max(interval, this.intervalMs())));
    this.pendingGap = null;
    if (gap) this.cpu.reset();
    this.lastTickAt = at;

    const slow =
      this.lastSlowAt === null ||
      at - this.lastSlowAt >= settings.sampling.slowIntervalSeconds * 1000 ||
      at < this.lastSlowAt;
    if (slow) this.lastSlowAt = at;
    const request: CollectRequest = {
      slow,
      watchPids: this.servicePids,
      servicePorts: new Set(settings.services.flatMap((s) => s.ports)),
    };
    const readings = await Promise.all(this.options.collectors.map((c) => this.collect(c, request, slow)));
    const observations = readings.map((r) => r.observation).filter((o): o is Observation => o !== null);
    const health = readings.map((r) => r.health);

    const reasons = absenceReasons(this.options.collectors, health);
    const merged = mergeFigures(observations, reasons);
    if (merged.battery === null && this.platformOnBattery !== null) {
      merged.battery = { percent: null, state: null, onAc: !this.platformOnBattery, dischargeWatts: null };
      merged.sources.battery = { source: 'platform', kind: 'measured' };
      delete merged.absent.battery;
    }
    if (merged.thermal.pressure === null && this.platformThermalPressure !== null) {
      merged.thermal.pressure = this.platformThermalPressure;
      merged.sources['thermal.pressure'] = { source: 'platform', kind: 'measured' };
      delete merged.absent['thermal.pressure'];
    }
    const processObservation = observations.find((o) => o.processes)?.processes;
    // A tick without a process reading (the collector failed) says nothing about the services: keep
    // their last status and the CPU baseline, and report the figures as unknown.
    const processesKnown = processObservation !== undefined;
    const processes = processObservation ?? [];
    const socketsSeen = observations.some((o) => o.sockets);
    const connections = observations.flatMap((o) => o.sockets?.connections ?? []);
    this.updateListening(
      observations.flatMap((o) => o.sockets?.listening ?? []),
      processes,
    );

    const rates = processesKnown ? this.cpu.update(processes, at) : new Map<number, number | null>();
    const matches = processesKnown
      ? matchServices(settings.services, processes, this.listeningPid)
      : this.lastMatches;
    this.lastMatches = matches;
    if (processesKnown) this.servicePids = new Set([...matches.values()].flatMap((m) => m.pids));
    else merged.absent.processes = reasons.get('processes') ?? 'no process reading this tick';
    // Without a socket reading this tick, keep the last one as the baseline: replacing it with "no
    // connections" would make every open connection look like a new request on the next tick.
    const activePorts = socketsSeen
      ? this.activity.update(connections, request.servicePorts)
      : new Set<number>();

    const byPid = new Map(processes.map((p) => [p.pid, p]));
    const tasks = observations.find((o) => o.tasks)?.tasks;
    const ollama = observations.find((o) => o.ollama)?.ollama;
    const serviceCpu = new Map<string, number | null>();
    const serviceGpu = new Map<string, number>();
    const services: ServiceSample[] = settings.services.map((config) => {
      const match = matches.get(config.id) ?? { pids: [], ports: [] };
      const members = match.pids
        .map((pid) => byPid.get(pid))
        .filter((p): p is ProcessInfo => p !== undefined);
      const running = processesKnown ? members.length > 0 : match.pids.length > 0;
      const cpuPercent = running ? sumOrNull(members.map((p) => rates.get(p.pid) ?? null)) : null;
      serviceCpu.set(config.id, running ? cpuPercent : 0);
      if (tasks) {
        const pidSet = new Set(match.pids);
        serviceGpu.set(
          config.id,
          tasks.filter((t) => pidSet.has(t.pid)).reduce((s, t) => s + (t.gpuMsPerSecond ?? 0), 0),
        );
      }
      const active = config.ports.some((port) => activePorts.has(port));
      const lastActiveAt = this.idle.serviceActivity(config.id, active, at);
      return {
        id: config.id,
        name: config.name,
        status: running ? 'running' : 'stopped',
        pids: match.pids,
        ports: match.ports,
        cpuPercent,
        rssBytes: running ? sumOrNull(members.map((p) => p.rssBytes)) : null,
        threads: running ? sumOrNull(members.map((p) => p.threads)) : null,
        openFiles: running ? sumOrNull(members.map((p) => p.openFiles)) : null,
        connections:
          running && socketsSeen
            ? config.ports.reduce((n, port) => n + this.activity.connectionCount(port), 0)
            : null,
        active,
        lastActiveAt,
        estimatedWatts: null,
        detail: config.probe === 'ollama' && running && ollama ? describeOllama(ollama, at) : null,
      };
    });

    const totalCpuPercent = [...rates.values()].reduce<number>((s, r) => s + (r ?? 0), 0);
    const attribution = attributePower({
      serviceCpuPercent: serviceCpu,
      totalCpuPercent,
      serviceGpuMsPerSecond: tasks ? serviceGpu : undefined,
      totalGpuMsPerSecond: tasks?.reduce((s, t) => s + (t.gpuMsPerSecond ?? 0), 0),
      cpuWatts: merged.power.cpuWatts ?? merged.power.packageWatts,
      gpuWatts: merged.power.gpuWatts,
      totalWatts: merged.power.systemWatts,
    });
    for (const service of services) {
      service.estimatedWatts =
        service.status === 'running' ? (attribution.estimatedWatts.get(service.id) ?? null) : null;
      if (service.estimatedWatts !== null) {
        merged.sources[`services.${service.id}.estimatedWatts`] = { source: 'cpu-share', kind: 'estimated' };
      }
    }

    const idleFigures = this.idle.idleState(
      at,
      settings.sampling.idleAfterMinutes * 60_000,
      this.userIdleSeconds ??
        observations.find((o) => o.userIdleSeconds !== undefined)?.userIdleSeconds ??
        null,
    );
    const energy = this.idle.integrate(at, gap, merged.power.systemWatts, services);

    const topProcesses = topUnclaimed(processes, rates, this.servicePids);
    return {
      at,
      intervalMs: elapsed,
      gap,
      platform: this.platform,
      power: merged.power,
      thermal: merged.thermal,
      battery: merged.battery,
      gpus: observations.flatMap((o) => o.gpu?.devices ?? []),
      services,
      topProcesses,
      idle: idleFigures,
      energy,
      collectors: health,
      sources: merged.sources,
      absent: merged.absent,
    };
  }

  private async collect(c: SamplerCollector, request: CollectRequest, slow: boolean): Promise<CachedReading> {
    if (c.definition.tier === 'slow' && !slow) {
      const cached = this.slowCache.get(c.definition.id);
      if (cached) return cached;
    }
    const started = performance.now();
    let result: CachedReading;
    try {
      const reading = await c.instance.collect(request);
      const durationMs = performance.now() - started;
      if (reading.status === 'ok') {
        result = {
          observation: reading.value,
          health: { id: c.definition.id, status: 'ok', reason: null, durationMs },
        };
      } else if (reading.status === 'absent') {
        const reason = reading.detail ? `${reading.reason}: ${reading.detail}` : reading.reason;
        result = { observation: null, health: { id: c.definition.id, status: 'absent', reason, durationMs } };
      } else {
        result = {
          observation: null,
          health: { id: c.definition.id, status: 'error', reason: reading.message, durationMs },
        };
      }
    } catch (error) {
      // Collectors must not throw; if one does anyway, it fails alone and the tick goes on.
      const reason = `collector threw: ${(error as Error).message}`;
      result = {
        observation: null,
        health: { id: c.definition.id, status: 'error', reason, durationMs: performance.now() - started },
      };
    }
    if (c.definition.tier === 'slow') this.slowCache.set(c.definition.id, result);
    return result;
  }

  /** Keeps port → pid from the latest observation that names pids; forgets pids that are gone. */
  private updateListening(listening: readonly ListeningSocket[], processes: readonly ProcessInfo[]): void {
    const withPid = listening.filter((l) => l.pid !== null);
    if (withPid.length > 0) {
      this.listeningPid.clear();
      for (const l of withPid) this.listeningPid.set(l.port, l.pid!);
    }
    if (processes.length > 0) {
      const alive = new Set(processes.map((p) => p.pid));
      for (const [port, pid] of this.listeningPid) if (!alive.has(pid)) this.listeningPid.delete(port);
    }
  }
}

function absenceReasons(
  collectors: readonly SamplerCollector[],
  health: readonly CollectorHealth[],
): Map<string, string> {
  const reasons = new Map<string, string[]>();
  collectors.forEach((c, i) => {
    const h = health[i];
    if (!h || h.status === 'ok') return;
    for (const kind of c.definition.provides ?? []) {
      const list = reasons.get(kind) ?? [];
      list.push(`${h.id}: ${h.reason ?? h.status}`);
      reasons.set(kind, list);
    }
  });
  return new Map([...reasons].map(([k, v]) => [k, v.join('; ')]));
}

/** Sum of the known values; null when none is known (a new or restarted member adds nothing that tick). */
function sumOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let seen = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    seen++;
  }
  return seen === 0 ? null : sum;
}

function topUnclaimed(
  processes: readonly ProcessInfo[],
  rates: ReadonlyMap<number, number | null>,
  claimed: ReadonlySet<number>,
): ProcessSample[] {
  return processes
    .filter((p) => !claimed.has(p.pid) && (rates.get(p.pid) ?? null) !== null)
    .map((p) => ({ pid: p.pid, name: p.name, cpuPercent: rates.get(p.pid)!, rssBytes: p.rssBytes }))
    .sort((a, b) => b.cpuPercent - a.cpuPercent)
    .slice(0, TOP_PROCESSES);
}

function toPlatform(p: NodeJS.Platform): Platform {
  return p === 'darwin' || p === 'linux' ? p : 'other';
}

export type { Connection };
