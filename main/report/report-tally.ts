import {
  packageLabel,
  THERMAL_PRESSURES,
  type Sample,
  type ServiceConfig,
  type ThermalPressure,
} from '../contract/index.js';

/** Per-service sums over a report range. "Quiet" = running with no request for idleAfterMinutes. */
export interface ServiceTally {
  id: string;
  name: string;
  isOllama: boolean;
  idleWattHours: number;
  activeWattHours: number;
  /** Whether any sample carried an energy estimate for it; without one its energy is unknown, not 0. */
  hasEnergy: boolean;
  /** Running while the stack was idle. */
  idleSeconds: number;
  cpuSum: number;
  cpuCount: number;
  rssSum: number;
  rssCount: number;
  quietSeconds: number;
  quietWattHours: number;
  /** CPU % × seconds over quiet time with a CPU reading, and those seconds. */
  quietCpuSeconds: number;
  quietCpuCoverage: number;
  loadedQuietSeconds: number;
  loadedQuietWattHours: number;
  largestLoad: { count: number; bytes: number | null } | null;
}

export interface ProcessTally {
  name: string;
  cpuSum: number;
  seen: number;
}

/** Everything one pass over the samples learns; report and recommendations read it. */
export interface ReportTally {
  sampleCount: number;
  coveredSeconds: number;
  idleSeconds: number;
  idleSampleCount: number;
  systemIdleWattHours: number;
  systemActiveWattHours: number;
  hasSystemEnergy: boolean;
  peakSystemWatts: number | null;
  systemWattsSum: number;
  systemWattsCount: number;
  packageWattsSum: number;
  packageWattsCount: number;
  packageName: string;
  idleSystemWattsSum: number;
  idleSystemWattsCount: number;
  sourceCounts: Map<string, number>;
  thermalSeconds: Record<ThermalPressure, number>;
  /** Estimated watts per service summed over samples at serious or critical pressure. */
  hotServiceWatts: Map<string, number>;
  services: Map<string, ServiceTally>;
  processes: Map<string, ProcessTally>;
}

export function emptyTally(): ReportTally {
  return {
    sampleCount: 0,
    coveredSeconds: 0,
    idleSeconds: 0,
    idleSampleCount: 0,
    systemIdleWattHours: 0,
    systemActiveWattHours: 0,
    hasSystemEnergy: false,
    peakSystemWatts: null,
    systemWattsSum: 0,
    systemWattsCount: 0,
    packageWattsSum: 0,
    packageWattsCount: 0,
    packageName: 'package',
    idleSystemWattsSum: 0,
    idleSystemWattsCount: 0,
    sourceCounts: new Map(),
    thermalSeconds: Object.fromEntries(THERMAL_PRESSURES.map((p) => [p, 0])) as Record<
      ThermalPressure,
      number
    >,
    hotServiceWatts: new Map(),
    services: new Map(),
    processes: new Map(),
  };
}

const finite = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v);

/**
 * Adds one sample. Each sample stands for the interval that ended at it; the part of that interval
 * before `rangeFrom` is left out (energy pro rata), and nothing is counted across a gap.
 */
export function tallySample(
  tally: ReportTally,
  sample: Sample,
  rangeFrom: number,
  configs: ReadonlyMap<string, ServiceConfig>,
  idleAfterMs: number,
): void {
  const interval = Math.max(0, sample.intervalMs);
  const share =
    sample.gap || interval === 0 ? 0 : Math.min(1, Math.max(0, (sample.at - rangeFrom) / interval));
  const seconds = (interval * share) / 1000;
  const idle = sample.idle.stackIdle;
  tally.sampleCount += 1;
  tally.coveredSeconds += seconds;
  if (idle) {
    tally.idleSeconds += seconds;
    tally.idleSampleCount += 1;
  }
  const wh = sample.energy.systemWattHours;
  if (finite(wh)) {
    tally.hasSystemEnergy = true;
    if (idle) tally.systemIdleWattHours += wh * share;
    else tally.systemActiveWattHours += wh * share;
  }
  const watts = sample.power.systemWatts;
  if (finite(watts)) {
    tally.peakSystemWatts = tally.peakSystemWatts === null ? watts : Math.max(tally.peakSystemWatts, watts);
    tally.systemWattsSum += watts;
    tally.systemWattsCount += 1;
    if (idle) {
      tally.idleSystemWattsSum += watts;
      tally.idleSystemWattsCount += 1;
    }
  }
  const pkg = sample.power.packageWatts;
  if (finite(pkg)) {
    tally.packageWattsSum += pkg;
    tally.packageWattsCount += 1;
    tally.packageName = packageLabel(sample);
  }
  const source = sample.sources['power.systemWatts']?.source;
  if (source) tally.sourceCounts.set(source, (tally.sourceCounts.get(source) ?? 0) + 1);
  const pressure = sample.thermal.pressure;
  if (pressure !== null) tally.thermalSeconds[pressure] += seconds;
  const hot = pressure === 'serious' || pressure === 'critical';

  for (const s of sample.services) {
    const t = serviceTally(tally, s.id, configs);
    const running = s.status === 'running';
    const swh = sample.energy.serviceWattHours[s.id];
    const energy = finite(swh) ? swh * share : 0;
    if (finite(swh)) t.hasEnergy = true;
    if (idle) t.idleWattHours += energy;
    else t.activeWattHours += energy;
    if (!running) continue;
    if (idle) t.idleSeconds += seconds;
    if (finite(s.cpuPercent)) {
      t.cpuSum += s.cpuPercent;
      t.cpuCount += 1;
    }
    if (finite(s.rssBytes)) {
      t.rssSum += s.rssBytes;
      t.rssCount += 1;
    }
    if (hot && finite(s.estimatedWatts)) {
      tally.hotServiceWatts.set(s.id, (tally.hotServiceWatts.get(s.id) ?? 0) + s.estimatedWatts);
    }
    const quiet = !s.active && (s.lastActiveAt === null || sample.at - s.lastActiveAt >= idleAfterMs);
    if (!quiet) continue;
    t.quietSeconds += seconds;
    t.quietWattHours += energy;
    if (finite(s.cpuPercent)) {
      t.quietCpuSeconds += s.cpuPercent * seconds;
      t.quietCpuCoverage += seconds;
    }
    const models = t.isOllama ? s.models : null;
    if (models && models.count > 0) {
      t.loadedQuietSeconds += seconds;
      t.loadedQuietWattHours += energy;
      if (!t.largestLoad || (models.bytes ?? 0) > (t.largestLoad.bytes ?? 0)) t.largestLoad = models;
    }
  }

  if (idle) {
    for (const p of sample.topProcesses) {
      if (!finite(p.cpuPercent)) continue;
      const pt = tally.processes.get(p.name) ?? { name: p.name, cpuSum: 0, seen: 0 };
      pt.cpuSum += p.cpuPercent;
      pt.seen += 1;
      tally.processes.set(p.name, pt);
    }
  }
}

function serviceTally(
  tally: ReportTally,
  id: string,
  configs: ReadonlyMap<string, ServiceConfig>,
): ServiceTally {
  let t = tally.services.get(id);
  if (!t) {
    const config = configs.get(id);
    t = {
      id,
      name: config?.name ?? id,
      isOllama: config ? config.probe === 'ollama' : id === 'ollama',
      idleWattHours: 0,
      activeWattHours: 0,
      hasEnergy: false,
      idleSeconds: 0,
      cpuSum: 0,
      cpuCount: 0,
      rssSum: 0,
      rssCount: 0,
      quietSeconds: 0,
      quietWattHours: 0,
      quietCpuSeconds: 0,
      quietCpuCoverage: 0,
      loadedQuietSeconds: 0,
      loadedQuietWattHours: 0,
      largestLoad: null,
    };
    tally.services.set(id, t);
  }
  return t;
}
