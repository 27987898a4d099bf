import { THERMAL_PRESSURES, type Sample } from '../contract/index.js';

export const MINUTE_MS = 60_000;

/** Running mean / min / max over the non-null values seen. */
export interface Stat {
  sum: number;
  n: number;
  min: number;
  max: number;
}

export const emptyStat = (): Stat => ({ sum: 0, n: 0, min: Infinity, max: -Infinity });

export function addToStat(stat: Stat, value: number | null | undefined): void {
  if (value === null || value === undefined || !Number.isFinite(value)) return;
  stat.sum += value;
  stat.n += 1;
  if (value < stat.min) stat.min = value;
  if (value > stat.max) stat.max = value;
}

export function mergeStat(into: Stat, other: Stat): void {
  into.sum += other.sum;
  into.n += other.n;
  into.min = Math.min(into.min, other.min);
  into.max = Math.max(into.max, other.max);
}

export const meanOf = (stat: Stat): number | null => (stat.n === 0 ? null : stat.sum / stat.n);
export const minOf = (stat: Stat): number | null => (stat.n === 0 ? null : stat.min);
export const maxOf = (stat: Stat): number | null => (stat.n === 0 ? null : stat.max);

export interface ServiceAggregate {
  count: number;
  cpu: Stat;
  rss: Stat;
  watts: Stat;
  idleWattHours: number;
  activeWattHours: number;
  activeCount: number;
}

/**
 * What a run of samples adds up to: the per-minute rollup on disk, and the bucket behind every
 * downsampled history point (raw samples and rollups merge the same way, so spikes survive as min/max).
 */
export interface Aggregate {
  /** Minute start for rollups; first sample time otherwise. */
  at: number;
  count: number;
  /** Sum of the intervals that ended in this aggregate, gaps excluded. */
  coveredMs: number;
  systemWatts: Stat;
  cpuWatts: Stat;
  gpuWatts: Stat;
  /** Kept while aggregating raw samples; the on-disk rollup format does not carry it. */
  aneWatts: Stat;
  packageWatts: Stat;
  cpuTempCelsius: Stat;
  thermalLevel: number | null;
  idleCount: number;
  gap: boolean;
  activeServices: Set<string>;
  inferenceServices: Set<string>;
  systemIdleWattHours: number;
  systemActiveWattHours: number;
  /** Whether any sample carried system energy (so 0 Wh is distinguishable from unknown). */
  hasSystemEnergy: boolean;
  /** Milliseconds at each thermal pressure level, indexed like THERMAL_PRESSURES. */
  thermalMs: number[];
  services: Map<string, ServiceAggregate>;
}

export function emptyAggregate(at: number): Aggregate {
  return {
    at,
    count: 0,
    coveredMs: 0,
    systemWatts: emptyStat(),
    cpuWatts: emptyStat(),
    gpuWatts: emptyStat(),
    aneWatts: emptyStat(),
    packageWatts: emptyStat(),
    cpuTempCelsius: emptyStat(),
    thermalLevel: null,
    idleCount: 0,
    gap: false,
    activeServices: new Set(),
    inferenceServices: new Set(),
    systemIdleWattHours: 0,
    systemActiveWattHours: 0,
    hasSystemEnergy: false,
    thermalMs: THERMAL_PRESSURES.map(() => 0),
    services: new Map(),
  };
}

export const emptyServiceAggregate = (): ServiceAggregate => ({
  count: 0,
  cpu: emptyStat(),
  rss: emptyStat(),
  watts: emptyStat(),
  idleWattHours: 0,
  activeWattHours: 0,
  activeCount: 0,
});

const maxLevel = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);

export function addSample(agg: Aggregate, sample: Sample): void {
  const idle = sample.idle.stackIdle;
  const covered = sample.gap ? 0 : Math.max(0, sample.intervalMs);
  agg.count += 1;
  agg.coveredMs += covered;
  addToStat(agg.systemWatts, sample.power.systemWatts);
  addToStat(agg.cpuWatts, sample.power.cpuWatts);
  addToStat(agg.gpuWatts, sample.power.gpuWatts);
  addToStat(agg.aneWatts, sample.power.aneWatts);
  addToStat(agg.packageWatts, sample.power.packageWatts);
  addToStat(agg.cpuTempCelsius, sample.thermal.cpuTempCelsius);
  const level = sample.thermal.pressure === null ? null : THERMAL_PRESSURES.indexOf(sample.thermal.pressure);
  agg.thermalLevel = maxLevel(agg.thermalLevel, level);
  if (level !== null && level >= 0) agg.thermalMs[level] = (agg.thermalMs[level] ?? 0) + covered;
  if (idle) agg.idleCount += 1;
  if (sample.gap) agg.gap = true;
  const wh = sample.energy.systemWattHours;
  if (wh !== null && Number.isFinite(wh)) {
    agg.hasSystemEnergy = true;
    if (idle) agg.systemIdleWattHours += wh;
    else agg.systemActiveWattHours += wh;
  }
  for (const s of sample.services) {
    if (s.active) agg.activeServices.add(s.id);
    if (s.inference === true) agg.inferenceServices.add(s.id);
    let sa = agg.services.get(s.id);
    if (!sa) agg.services.set(s.id, (sa = emptyServiceAggregate()));
    sa.count += 1;
    addToStat(sa.cpu, s.cpuPercent);
    addToStat(sa.rss, s.rssBytes);
    addToStat(sa.watts, s.estimatedWatts);
    if (s.active) sa.activeCount += 1;
    const swh = sample.energy.serviceWattHours[s.id];
    if (swh !== undefined && Number.isFinite(swh)) {
      if (idle) sa.idleWattHours += swh;
      else sa.activeWattHours += swh;
    }
  }
}

export function mergeAggregate(into: Aggregate, other: Aggregate): void {
  into.count += other.count;
  into.coveredMs += other.coveredMs;
  mergeStat(into.systemWatts, other.systemWatts);
  mergeStat(into.cpuWatts, other.cpuWatts);
  mergeStat(into.gpuWatts, other.gpuWatts);
  mergeStat(into.aneWatts, other.aneWatts);
  mergeStat(into.packageWatts, other.packageWatts);
  mergeStat(into.cpuTempCelsius, other.cpuTempCelsius);
  into.thermalLevel = maxLevel(into.thermalLevel, other.thermalLevel);
  into.idleCount += other.idleCount;
  into.gap ||= other.gap;
  for (const id of other.activeServices) into.activeServices.add(id);
  for (const id of other.inferenceServices) into.inferenceServices.add(id);
  into.systemIdleWattHours += other.systemIdleWattHours;
  into.systemActiveWattHours += other.systemActiveWattHours;
  into.hasSystemEnergy ||= other.hasSystemEnergy;
  other.thermalMs.forEach((ms, i) => (into.thermalMs[i] = (into.thermalMs[i] ?? 0) + ms));
  mergeServices(into.services, other.services);
}

export function mergeServices(
  into: Map<string, ServiceAggregate>,
  other: Map<string, ServiceAggregate>,
): void {
  for (const [id, o] of other) {
    let sa = into.get(id);
    if (!sa) into.set(id, (sa = emptyServiceAggregate()));
    sa.count += o.count;
    mergeStat(sa.cpu, o.cpu);
    mergeStat(sa.rss, o.rss);
    mergeStat(sa.watts, o.watts);
    sa.idleWattHours += o.idleWattHours;
    sa.activeWattHours += o.activeWattHours;
    sa.activeCount += o.activeCount;
  }
}

export const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS) * MINUTE_MS;
