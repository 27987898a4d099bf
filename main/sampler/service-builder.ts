import {
  attributionBasis,
  POWER_BASIS_PATH,
  type AttributionFigures,
  type PowerFigures,
  type ProcessSample,
  type Provenance,
  type ServiceConfig,
  type ServiceSample,
} from '../contract/index.js';
import type {
  Connection,
  ListeningSocket,
  OllamaModel,
  ProcessInfo,
  ProcessTraffic,
  TaskObservation,
} from '../collectors/types.js';
import { TrafficTracker } from './activity.js';
import { attributePower } from './attribution.js';
import { CpuRateTracker } from './cpu-rates.js';
import type { IdleEnergyTracker } from './idle-energy.js';
import { summarizeModels } from './loaded-models.js';
import { OllamaInferenceCounter } from './ollama-inferences.js';
import { ProcessTrafficTracker } from './process-traffic.js';
import { serviceActivity } from './service-activity.js';
import { matchServices, withAncestors, type ServiceMatch } from './service-matcher.js';

const TOP_PROCESSES = 5;

export interface ServiceInputs {
  at: number;
  configs: readonly ServiceConfig[];
  /** Undefined when no collector read the processes this tick. */
  processes: readonly ProcessInfo[] | undefined;
  /** Null when no collector read the sockets this tick. */
  sockets: {
    listening: readonly ListeningSocket[];
    connections: readonly Connection[];
    /** The source reports per-connection byte counters. */
    countsBytes: boolean;
    /** Requests IdleWatt itself made this tick, by port (its Ollama probe). */
    selfRequests: ReadonlyMap<number, number>;
  } | null;
  servicePorts: ReadonlySet<number>;
  tasks: readonly TaskObservation[] | undefined;
  ollama: readonly OllamaModel[] | undefined;
  /** Per-process byte counters (macOS nettop): a service's bytes where its connections have no counters. */
  processTraffic?: readonly ProcessTraffic[];
  power: PowerFigures;
}

export interface BuiltServices {
  services: ServiceSample[];
  /** The busiest processes no service claims. */
  topProcesses: ProcessSample[];
  /** Provenance of each estimated figure. */
  sources: Record<string, Provenance>;
  /** The measured total the estimates were split from (system where measured, else package). */
  attribution: AttributionFigures;
}

/**
 * Turns one tick's processes, sockets and GPU tasks into the configured services: which processes
 * and ports each one owns, its CPU, memory and requests, and its share of the measured power.
 */
export class ServiceBuilder {
  private readonly cpu = new CpuRateTracker();
  private readonly traffic = new TrafficTracker();
  private readonly inferences = new OllamaInferenceCounter();
  private readonly processTraffic = new ProcessTrafficTracker();
  private readonly listeningPid = new Map<number, number>();
  private servicePids = new Set<number>();
  private lastMatches = new Map<string, ServiceMatch>();

  constructor(
    private readonly idle: IdleEnergyTracker,
    private readonly selfPid: number,
  ) {}

  /** The services' pids at the last process reading: collectors read per-pid extras for these. */
  get watchPids(): ReadonlySet<number> {
    return this.servicePids;
  }

  /** Whose connections to service ports are internal traffic: the services' processes and IdleWatt. */
  get clientPids(): ReadonlySet<number> {
    return new Set([...this.servicePids, this.selfPid]);
  }

  /** After a gap, CPU rates start again from the next reading. */
  resetRates(): void {
    this.cpu.reset();
  }

  /** The next reading's counters start over: see CpuRateTracker.carryOver. */
  carryRates(): void {
    this.cpu.carryOver();
  }

  build(input: ServiceInputs): BuiltServices {
    const { at, configs, tasks, ollama } = input;
    // A tick without a process reading (the collector failed) says nothing about the services: keep
    // their last status and the CPU baseline, and report the figures as unknown.
    const processesKnown = input.processes !== undefined;
    const processes = input.processes ?? [];
    this.updateListening(input.sockets?.listening ?? [], processes);

    const rates = processesKnown ? this.cpu.update(processes, at) : new Map<number, number | null>();
    const matches = processesKnown
      ? matchServices(configs, processes, this.listeningPid, {
          notLaunchers: withAncestors(this.selfPid, processes),
        })
      : this.lastMatches;
    this.lastMatches = matches;
    if (processesKnown) this.servicePids = new Set([...matches.values()].flatMap((m) => m.pids));
    // Without a socket reading this tick, keep the last one as the baseline: replacing it with "no
    // connections" would make every open connection look like a new request on the next tick.
    const serviceByPid = new Map<number, string>();
    for (const [id, m] of matches) for (const pid of m.pids) serviceByPid.set(pid, id);
    const traffic = input.sockets
      ? this.traffic.update({
          at,
          connections: input.sockets.connections,
          countsBytes: input.sockets.countsBytes,
          serviceByPort: new Map(configs.flatMap((c) => c.ports.map((port) => [port, c.id] as const))),
          serviceByPid,
          selfPid: this.selfPid,
          selfRequests: input.sockets.selfRequests,
        })
      : null;
    const inferenceCount = ollama ? this.inferences.update(ollama, at) : null;
    const processBytes =
      input.processTraffic && !input.sockets?.countsBytes
        ? this.processTraffic.update(
            input.processTraffic,
            new Map([...matches].map(([id, m]) => [id, m.pids] as const)),
          )
        : null;
    const names = new Map(configs.map((c) => [c.id, c.name]));

    const byPid = new Map(processes.map((p) => [p.pid, p]));
    const gpuByService = tasks ? gpuMsByService(tasks, serviceByPid) : null;
    const serviceCpu = new Map<string, number | null>();
    const serviceGpu = new Map<string, number>();
    const services: ServiceSample[] = configs.map((config) => {
      const match = matches.get(config.id) ?? { pids: [], ports: [] };
      const members = match.pids
        .map((pid) => byPid.get(pid))
        .filter((p): p is ProcessInfo => p !== undefined);
      const running = processesKnown ? members.length > 0 : match.pids.length > 0;
      const cpuPercent = running ? sumOrNull(members.map((p) => rates.get(p.pid) ?? null)) : null;
      serviceCpu.set(config.id, running ? cpuPercent : 0);
      if (gpuByService) serviceGpu.set(config.id, gpuByService.get(config.id) ?? 0);
      const serviceTraffic = traffic?.get(config.id);
      const active = (serviceTraffic?.requests.user ?? 0) > 0;
      const lastActiveAt = this.idle.serviceActivity(config.id, active, at);
      const activity = serviceTraffic
        ? serviceActivity(serviceTraffic, names, config.probe === 'ollama' ? inferenceCount : null)
        : undefined;
      const perProcess = processBytes?.get(config.id);
      if (activity && activity.bytesIn === null && perProcess) {
        activity.bytesIn = perProcess.bytesIn;
        activity.bytesOut = perProcess.bytesOut;
      }
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
        connections: running && serviceTraffic ? serviceTraffic.activeConnections : null,
        active,
        lastActiveAt,
        ...(config.probe === 'ollama' && ollama && running ? { inference: this.inferences.latest > 0 } : {}),
        ...(activity ? { activity } : {}),
        estimatedWatts: null,
        models: config.probe === 'ollama' && running && ollama ? summarizeModels(ollama) : null,
      };
    });

    const basis = attributionBasis(input.power);
    const attribution = attributePower({
      serviceCpuPercent: serviceCpu,
      totalCpuPercent: [...rates.values()].reduce<number>((s, r) => s + (r ?? 0), 0),
      serviceGpuMsPerSecond: tasks ? serviceGpu : undefined,
      totalGpuMsPerSecond: tasks?.reduce((s, t) => s + (t.gpuMsPerSecond ?? 0), 0),
      cpuWatts: input.power.cpuWatts ?? input.power.packageWatts,
      gpuWatts: input.power.gpuWatts,
      totalWatts: basis === null ? null : input.power[POWER_BASIS_PATH[basis]],
    });
    const sources: Record<string, Provenance> = {};
    for (const service of services) {
      service.estimatedWatts =
        service.status === 'running' ? (attribution.estimatedWatts.get(service.id) ?? null) : null;
      if (service.estimatedWatts !== null) {
        sources[`services.${service.id}.estimatedWatts`] = { source: 'cpu-share', kind: 'estimated' };
      }
    }
    return {
      services,
      topProcesses: topUnclaimed(processes, rates, this.servicePids),
      sources,
      attribution: { basis, restWatts: attribution.remainderWatts },
    };
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

/**
 * GPU milliseconds per second of each service's tasks, summed in task order. A process belongs to
 * one service at most (matchServices claims each once), so one pass serves every service.
 */
function gpuMsByService(
  tasks: readonly TaskObservation[],
  serviceByPid: ReadonlyMap<number, string>,
): Map<string, number> {
  const byService = new Map<string, number>();
  for (const t of tasks) {
    const id = serviceByPid.get(t.pid);
    if (id !== undefined) byService.set(id, (byService.get(id) ?? 0) + (t.gpuMsPerSecond ?? 0));
  }
  return byService;
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
