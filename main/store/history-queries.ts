import type { HistoryQuery, Sample, ServiceHistoryQuery, TimeRange } from '../contract/index.js';
import { decodeAlert } from './alert-codec.js';
import { bucketServiceColumns, bucketSystemColumns } from './column-buckets.js';
import { bucketSamples, checkQuery, toHistoryPoint, toServicePoint } from './downsample.js';
import type { LiveMinute } from './live-minute.js';
import type { Retention } from './maintenance.js';
import type { RecentSamples } from './recent-samples.js';
import { decodePowerView, decodeSample } from './record-codec.js';
import { serviceColumnsBuilder, systemColumnsBuilder } from './rollup-columns.js';
import { isServiceColumns, isSystemColumns, type RollupReader } from './rollup-reader.js';
import { minuteOf, MINUTE_MS } from './rollup.js';
import type { SegmentFiles } from './segment-files.js';
import type { SegmentLayout } from './segment-layout.js';
import { HOUR_MS } from './segments.js';
import type { SerialQueue } from './serial-queue.js';

/** Ranges longer than this are answered from per-minute rollups (a day and a half of 5 s samples ≈ 26 k lines). */
const RAW_QUERY_MAX_MS = 36 * HOUR_MS;

export interface HistoryQueriesOptions {
  layout: SegmentLayout;
  segments: SegmentFiles;
  rollups: RollupReader;
  recent: RecentSamples;
  live: LiveMinute;
  queue: SerialQueue;
  retention: Retention;
  /** Raw samples exist only in `recent`. */
  memoryOnly: boolean;
  now: () => number;
}

/** Which lines answer a query (recent samples, raw segments or rollups) and how they become points. */
export class HistoryQueries {
  constructor(private readonly o: HistoryQueriesOptions) {}

  async history(query: HistoryQuery) {
    const q = checkQuery(query);
    if (!this.wantsRollups(q)) {
      return bucketSamples(await this.rawSamples(q.from, q.to, decodePowerView), q).map(toHistoryPoint);
    }
    const from = this.rollupFrom(q.from);
    const segments = await this.o.rollups.columns(this.o.layout.kinds.sys, from, q.to, systemColumnsBuilder);
    const current = this.o.live.within(from, q.to);
    return bucketSystemColumns({ segments: segments.filter(isSystemColumns), current, from }, q).map(
      toHistoryPoint,
    );
  }

  async serviceHistory(query: ServiceHistoryQuery) {
    const q = checkQuery(query);
    const serviceId = query.serviceId;
    if (!this.wantsRollups(q)) {
      const samples = (await this.rawSamples(q.from, q.to)).filter((s) =>
        s.services.some((x) => x.id === serviceId),
      );
      return bucketSamples(samples, q).flatMap((agg) => toServicePoint(agg, serviceId) ?? []);
    }
    const from = this.rollupFrom(q.from);
    const segments = await this.o.rollups.columns(this.o.layout.kinds.svc, from, q.to, serviceColumnsBuilder);
    const current = this.o.live.within(from, q.to);
    return bucketServiceColumns({ segments: segments.filter(isServiceColumns), current, from }, serviceId, q);
  }

  async alerts(since?: number) {
    const from = since ?? this.o.now() - this.o.retention.rollupMs;
    const events = await this.o.segments.scanKind(
      this.o.layout.kinds.alerts,
      from,
      Infinity,
      decodeAlert,
      null,
    );
    const byId = new Map<string, (typeof events)[number]>();
    for (const event of events) if (event.at >= from) byId.set(event.id, event);
    return [...byId.values()].sort((a, b) => a.at - b.at);
  }

  async *samples(range: TimeRange): AsyncIterable<Sample> {
    const { recent, segments, queue } = this.o;
    if (range.from >= recent.completeFrom) {
      yield* recent.between(range.from, range.to);
      return;
    }
    for (const file of await segments.files(this.o.layout.kinds.raw, range.from, range.to)) {
      const samples = await queue.run(() => segments.scan(file, range.from, range.to, decodeSample));
      yield* samples.sort((a, b) => a.at - b.at);
    }
  }

  async rawSamples(from: number, to: number, decode = decodeSample): Promise<Sample[]> {
    const { recent } = this.o;
    if (from >= recent.completeFrom && recent.length > 0) return recent.between(from, to);
    const samples = await this.o.segments.scanKind(this.o.layout.kinds.raw, from, to, decode);
    return samples.sort((a, b) => a.at - b.at);
  }

  /**
   * The first minute a rollup query answers: minutes that ended by now − rollup retention are past
   * it, the rule retention deletes whole day files by. Deletion lags the rule (a pass runs at open,
   * then hourly after a write, and a minute can be written after this hour's pass: the minute in
   * progress finishes only when the next sample comes, maybe days later), so answering by the rule
   * rather than by what is still on disk keeps answers independent of when deletion ran.
   */
  private rollupFrom(from: number): number {
    return Math.max(minuteOf(from), minuteOf(this.o.now() - this.o.retention.rollupMs));
  }

  /**
   * Rollups answer long ranges, ranges older than the raw samples, and any query whose buckets are a
   * minute or wider: raw samples add nothing there, and rollups keep each minute's min and max.
   */
  private wantsRollups(q: HistoryQuery): boolean {
    const rawFrom = this.o.memoryOnly ? this.o.recent.completeFrom : this.o.now() - this.o.retention.rawMs;
    const span = q.to - q.from;
    return span > RAW_QUERY_MAX_MS || q.from < rawFrom || span / q.points >= MINUTE_MS;
  }
}
