import {
  MAX_HISTORY_POINTS,
  rangeOrderProblem,
  type HistoryPoint,
  type HistoryQuery,
  type Sample,
  type ServicePoint,
} from '../contract/index.js';
import { addSample, emptyAggregate, maxOf, meanOf, minOf, type Aggregate } from './rollup.js';

/**
 * At most `q.points` equal-width buckets over [from, to]. When there are no more items than points,
 * every item is its own point at its own time (items at the same time merge); otherwise a bucket's
 * time is its start. Buckets are numbered densely in the order first seen.
 */
export class Buckets {
  /** Each bucket's time, by bucket number. */
  readonly at: number[] = [];
  private readonly perItem: boolean;
  private readonly width: number;
  private readonly numbers = new Map<number, number>();

  constructor(
    private readonly q: HistoryQuery,
    itemCount: number,
  ) {
    this.perItem = itemCount <= q.points;
    this.width = (q.to - q.from) / q.points;
  }

  /** The number of the bucket an item at `at` falls in. */
  numberFor(at: number): number {
    const { q, width, perItem } = this;
    const key = perItem ? at : Math.min(q.points - 1, Math.max(0, Math.floor((at - q.from) / width)));
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.at.length;
      this.numbers.set(key, n);
      this.at.push(perItem ? at : Math.round(q.from + key * width));
    }
    return n;
  }

  /** Bucket numbers by time; buckets with equal times keep the order they were first seen in. */
  byTime(): number[] {
    return this.at.map((_, n) => n).sort((a, b) => this.at[a]! - this.at[b]!);
  }
}

/** Buckets holding Aggregates. */
export class AggregateBuckets {
  private readonly buckets: Buckets;
  private readonly aggregates: Aggregate[] = [];

  constructor(q: HistoryQuery, itemCount: number) {
    this.buckets = new Buckets(q, itemCount);
  }

  for(at: number): Aggregate {
    const n = this.buckets.numberFor(at);
    return (this.aggregates[n] ??= emptyAggregate(this.buckets.at[n]!));
  }

  sorted(): Aggregate[] {
    return this.buckets.byTime().map((n) => this.aggregates[n]!);
  }
}

export function bucketSamples(samples: readonly Sample[], q: HistoryQuery): Aggregate[] {
  const buckets = new AggregateBuckets(q, samples.length);
  for (const sample of samples) addSample(buckets.for(sample.at), sample);
  return buckets.sorted();
}

export function toHistoryPoint(agg: Aggregate): HistoryPoint {
  return {
    at: agg.at,
    systemWatts: meanOf(agg.systemWatts),
    systemWattsMin: minOf(agg.systemWatts),
    systemWattsMax: maxOf(agg.systemWatts),
    cpuWatts: meanOf(agg.cpuWatts),
    gpuWatts: meanOf(agg.gpuWatts),
    aneWatts: meanOf(agg.aneWatts),
    packageWatts: meanOf(agg.packageWatts),
    cpuTempCelsius: meanOf(agg.cpuTempCelsius),
    thermalLevel: agg.thermalLevel,
    // Idle only when every sample in the bucket was: shading never hides a request.
    stackIdle: agg.count > 0 && agg.idleCount === agg.count,
    activeServices: [...agg.activeServices].sort(),
    inferenceServices: [...agg.inferenceServices].sort(),
    gap: agg.gap,
  };
}

/** The service's point for a bucket, or null when the service was not seen in it. */
export function toServicePoint(agg: Aggregate, serviceId: string): ServicePoint | null {
  const s = agg.services.get(serviceId);
  if (!s) return null;
  return {
    at: agg.at,
    cpuPercent: meanOf(s.cpu),
    rssBytes: meanOf(s.rss),
    estimatedWatts: meanOf(s.watts),
  };
}

/** Rejects what no chart can ask for on purpose; clamps points to MAX_HISTORY_POINTS. */
export function checkQuery(q: HistoryQuery): HistoryQuery {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) {
    throw new Error('history query: from and to must be epoch milliseconds');
  }
  const order = rangeOrderProblem(q);
  if (order) throw new Error(`history query: from ${order}`);
  if (!Number.isFinite(q.points) || q.points < 1) throw new Error('history query: points must be at least 1');
  return { from: q.from, to: q.to, points: Math.min(MAX_HISTORY_POINTS, Math.floor(q.points)) };
}
