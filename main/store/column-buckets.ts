import type { HistoryQuery, ServicePoint } from '../contract/index.js';
import { AggregateBuckets, Buckets, toServicePoint } from './downsample.js';
import { rowInRange, type Column, type ServiceColumns, type SystemColumns } from './rollup-columns.js';
import { emptyAggregate, emptyServiceAggregate, mergeAggregate, type Aggregate } from './rollup.js';

/**
 * Downsampling straight from rollup columns. Rows are added in the order a line scan would add
 * them, with the same arithmetic as Aggregates, so the points equal those of the parsed lines added
 * one by one (the reference in the column-buckets test).
 */

/** Segments in file order, then the minute in progress; rows are kept when their time is in [from, q.to]. */
export interface ColumnSources<C> {
  segments: readonly C[];
  current: Aggregate | null;
  from: number;
}

export function bucketSystemColumns(src: ColumnSources<SystemColumns>, q: HistoryQuery): Aggregate[] {
  const { segments, current, from } = src;
  let total = current ? 1 : 0;
  for (const c of segments) for (let i = 0; i < c.rows; i += 1) if (rowInRange(c, i, from, q.to)) total += 1;
  const buckets = new Buckets(q, total);
  const sums = new SystemSums(Math.min(total, q.points));
  for (const c of segments) {
    for (let i = 0; i < c.rows; i += 1) {
      if (rowInRange(c, i, from, q.to)) sums.add(buckets.numberFor(c.at[i]!), c, i);
    }
  }
  const live = current ? buckets.numberFor(current.at) : -1;
  const aggregates = buckets.at.map((at, n) => sums.aggregate(n, at));
  if (current) mergeAggregate(aggregates[live]!, current);
  return buckets.byTime().map((n) => aggregates[n]!);
}

/**
 * Per-bucket running totals in flat arrays: what addSystemRollupRow adds into an Aggregate, in
 * the same order. Only sums and counts of cpu/gpu/package/temperature: points show their means.
 */
class SystemSums {
  private readonly count: Float64Array;
  private readonly watts: { sum: Float64Array; n: Float64Array; min: Float64Array; max: Float64Array };
  /** cpu, gpu, package, temperature. */
  private readonly means: [Sums, Sums, Sums, Sums];
  /** NaN while no row had a level. */
  private readonly level: Float64Array;
  private readonly idle: Float64Array;
  private readonly gap: Uint8Array;
  private readonly active: (Set<string> | undefined)[] = [];
  private readonly inference: (Set<string> | undefined)[] = [];

  constructor(size: number) {
    const zeros = (): Float64Array => new Float64Array(size);
    this.count = zeros();
    this.watts = { sum: zeros(), n: zeros(), min: zeros().fill(Infinity), max: zeros().fill(-Infinity) };
    const sums = (): Sums => ({ sum: zeros(), n: zeros() });
    this.means = [sums(), sums(), sums(), sums()];
    this.level = zeros().fill(NaN);
    this.idle = zeros();
    this.gap = new Uint8Array(size);
  }

  add(b: number, c: SystemColumns, i: number): void {
    this.count[b] = this.count[b]! + c.count[i]!;
    const watts = c.watts.sum[i]!;
    if (!Number.isNaN(watts)) {
      const w = this.watts;
      w.sum[b] = w.sum[b]! + watts;
      w.n[b] = w.n[b]! + c.watts.n[i]!;
      w.min[b] = Math.min(w.min[b]!, c.watts.min[i]!);
      w.max[b] = Math.max(w.max[b]!, c.watts.max[i]!);
    }
    const m = this.means;
    addSum(m[0], b, c.cpu.sum, c.cpu.n, i);
    addSum(m[1], b, c.gpu.sum, c.gpu.n, i);
    addSum(m[2], b, c.pkg.sum, c.pkg.n, i);
    addSum(m[3], b, c.temp.sum, c.temp.n, i);
    const level = c.level[i]!;
    if (!Number.isNaN(level)) {
      const was = this.level[b]!;
      this.level[b] = Number.isNaN(was) ? level : Math.max(was, level);
    }
    this.idle[b] = this.idle[b]! + c.idle[i]!;
    if (c.gap[i] === 1) this.gap[b] = 1;
    for (let k = c.activeStart[i]!; k < c.activeStart[i + 1]!; k += 1) {
      (this.active[b] ??= new Set()).add(c.activeNames[c.activeIds[k]!]!);
    }
    for (let k = c.inferenceStart[i]!; k < c.inferenceStart[i + 1]!; k += 1) {
      (this.inference[b] ??= new Set()).add(c.activeNames[c.inferenceIds[k]!]!);
    }
  }

  aggregate(b: number, at: number): Aggregate {
    const agg = emptyAggregate(at);
    agg.count = this.count[b]!;
    const w = this.watts;
    agg.systemWatts = { sum: w.sum[b]!, n: w.n[b]!, min: w.min[b]!, max: w.max[b]! };
    const stats = [agg.cpuWatts, agg.gpuWatts, agg.packageWatts, agg.cpuTempCelsius];
    stats.forEach((stat, k) => {
      stat.sum = this.means[k]!.sum[b]!;
      stat.n = this.means[k]!.n[b]!;
    });
    const level = this.level[b]!;
    agg.thermalLevel = Number.isNaN(level) ? null : level;
    agg.idleCount = this.idle[b]!;
    agg.gap = this.gap[b] === 1;
    agg.activeServices = this.active[b] ?? new Set();
    agg.inferenceServices = this.inference[b] ?? new Set();
    return agg;
  }
}

type Sums = { sum: Float64Array; n: Float64Array };

function addSum(into: Sums, b: number, sum: Float64Array, n: Column, i: number): void {
  const value = sum[i]!;
  if (Number.isNaN(value)) return;
  into.sum[b] = into.sum[b]! + value;
  into.n[b] = into.n[b]! + n[i]!;
}

/**
 * A service's points. Minutes that appear more than once (a clock stepped back, a rebuilt minute)
 * are merged first, so "fewer minutes than points" counts distinct minutes.
 */
export function bucketServiceColumns(
  src: ColumnSources<ServiceColumns>,
  serviceId: string,
  q: HistoryQuery,
): ServicePoint[] {
  const entries = new ServiceEntries();
  for (const c of src.segments) {
    const series = c.services.get(serviceId);
    if (!series) continue;
    for (let k = 0; k < series.row.length; k += 1) {
      const i = series.row[k]!;
      if (!rowInRange(c, i, src.from, q.to)) continue;
      const { cpu, rss, watts } = series;
      entries.push(c.at[i]!, cpu.sum[k]!, cpu.n[k]!, rss.sum[k]!, rss.n[k]!, watts.sum[k]!, watts.n[k]!);
    }
  }
  const live = src.current?.services.get(serviceId);
  if (src.current && live) {
    const { cpu, rss, watts } = live;
    entries.push(src.current.at, cpu.sum, cpu.n, rss.sum, rss.n, watts.sum, watts.n);
  }

  const minutes = entries.mergedByMinute();
  const [cpuSum, cpuN, rssSum, rssN, wattsSum, wattsN] = minutes.values;
  const buckets = new AggregateBuckets(q, minutes.count);
  for (let m = 0; m < minutes.count; m += 1) {
    const bucket = buckets.for(minutes.at[m]!);
    let s = bucket.services.get(serviceId);
    if (!s) bucket.services.set(serviceId, (s = emptyServiceAggregate()));
    s.cpu.sum += cpuSum[m]!;
    s.cpu.n += cpuN[m]!;
    s.rss.sum += rssSum[m]!;
    s.rss.n += rssN[m]!;
    s.watts.sum += wattsSum[m]!;
    s.watts.n += wattsN[m]!;
  }
  const points: ServicePoint[] = [];
  for (const bucket of buckets.sorted()) {
    const point = toServicePoint(bucket, serviceId);
    if (point) points.push(point);
  }
  return points;
}

type SixColumns = [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];

/** A service's (minute, cpu sum, cpu n, rss sum, rss n, watts sum, watts n) entries, in parallel arrays. */
class ServiceEntries {
  private readonly at: number[] = [];
  private readonly values: [number[], number[], number[], number[], number[], number[]] = [
    [],
    [],
    [],
    [],
    [],
    [],
  ];

  push(
    at: number,
    cpuSum: number,
    cpuN: number,
    rssSum: number,
    rssN: number,
    wSum: number,
    wN: number,
  ): void {
    this.at.push(at);
    const v = this.values;
    v[0].push(cpuSum);
    v[1].push(cpuN);
    v[2].push(rssSum);
    v[3].push(rssN);
    v[4].push(wSum);
    v[5].push(wN);
  }

  /** Sorted by minute (stably: rows of a minute keep their order) with each minute's sums folded from 0. */
  mergedByMinute(): { count: number; at: Float64Array; values: SixColumns } {
    const order = this.at.map((_, i) => i);
    if (!this.at.every((at, i) => i === 0 || at >= this.at[i - 1]!))
      order.sort((a, b) => this.at[a]! - this.at[b]!);
    const at = new Float64Array(order.length);
    const values = this.values.map(() => new Float64Array(order.length)) as SixColumns;
    let count = 0;
    for (const i of order) {
      if (count === 0 || at[count - 1] !== this.at[i]) at[count++] = this.at[i]!;
      for (let v = 0; v < 6; v += 1) {
        const column = values[v]!;
        column[count - 1] = column[count - 1]! + this.values[v]![i]!;
      }
    }
    return { count, at, values };
  }
}
