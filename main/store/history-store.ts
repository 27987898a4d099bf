import { join } from 'node:path';
import type {
  AlertEvent,
  HistoryPoint,
  HistoryQuery,
  Sample,
  ServiceHistoryQuery,
  ServicePoint,
  TimeRange,
} from '../contract/index.js';
import { encodeAlert } from './alert-codec.js';
import { HistoryQueries } from './history-queries.js';
import { LiveMinute } from './live-minute.js';
import { Maintenance, type Retention } from './maintenance.js';
import { Outbox } from './outbox.js';
import { RecentSamples } from './recent-samples.js';
import { encodeSample } from './record-codec.js';
import { RollupReader, type CachedSegment } from './rollup-reader.js';
import { MINUTE_MS } from './rollup.js';
import { SegmentCache } from './segment-cache.js';
import { SegmentFiles } from './segment-files.js';
import { SegmentLayout } from './segment-layout.js';
import { SegmentRotation } from './segment-rotation.js';
import { DAY_MS, HOUR_MS } from './segments.js';
import { SerialQueue } from './serial-queue.js';
import { describeFsError, memoryStoreFs, nodeStoreFs, type StoreFs } from './store-fs.js';
import { StoreHealth, type HistoryHealth } from './store-health.js';

export type { HistoryHealth } from './store-health.js';

export interface HistoryStore {
  /** Ring buffer now; the disk write is batched. */
  append(sample: Sample): void;
  appendAlert(event: AlertEvent): void;
  latest(): Sample | null;
  /** From the in-memory ring (the last hour at full resolution). */
  recent(sinceAt: number): Sample[];
  /**
   * Raw samples for short ranges with buckets under a minute, per-minute rollups otherwise (long or
   * old ranges, wide buckets); min/max kept either way.
   */
  history(q: HistoryQuery): Promise<HistoryPoint[]>;
  serviceHistory(q: ServiceHistoryQuery): Promise<ServicePoint[]>;
  alerts(since?: number): Promise<AlertEvent[]>;
  /** For report/compare: streams stored samples (in their reduced on-disk form) oldest first. */
  samples(range: TimeRange): AsyncIterable<Sample>;
  /** Samples held at full resolution in memory. */
  size(): number;
  /** Memory held by rollup files decoded for long-range queries; at most `rollupCacheBytes`. */
  cachedRollupBytes(): number;
  health(): HistoryHealth;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface HistoryStoreOptions {
  /** null keeps everything in memory: raw samples for the ring window, rollups for up to 7 days. */
  dataDir: string | null;
  rawDays: number;
  rollupDays: number;
  now?: () => number;
  ringMinutes?: number;
  /** For report/compare next to a running monitor: no writes, repairs, retention or quarantine. */
  readOnly?: boolean;
  /** Injected file system (tests simulate a full disk with it). */
  fs?: StoreFs;
  flushIntervalMs?: number;
  /** Flush as soon as this many lines wait. */
  flushBatch?: number;
  /** After a failed write, wait this long before the next automatic try. */
  retryAfterMs?: number;
  /** Unsaved lines kept while the disk fails; the oldest go first beyond this. */
  maxUnsavedLines?: number;
  /** A raw segment past this size is continued in a new file (default 64 MiB). */
  maxSegmentBytes?: number;
  /** Lines longer than this are not read (skipped, their file quarantined) nor written (default 16 MiB). */
  maxLineBytes?: number;
  /**
   * Memory for rollup files decoded into columns, so long-range queries skip parsing (about 0.13 MB
   * per day of system rollups, 0.3 MB per day of six services' rollups). 0 parses on every query.
   */
  rollupCacheBytes?: number;
}

const MEMORY_ROLLUP_DAYS = 7;
/** About a week of six services' raw lines: an hour never comes close unless something is wrong. */
const DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
/** A sample line is a few kB; far below the longest string a JS engine can build (~512 MiB). */
const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Holds 30 days of system and six services' rollups with room to spare. */
const DEFAULT_ROLLUP_CACHE_BYTES = 16 * 1024 * 1024;

export async function openHistoryStore(options: HistoryStoreOptions): Promise<HistoryStore> {
  const store = new SegmentedHistoryStore(options);
  await store.open();
  return store;
}

/**
 * Samples and alerts as append-only JSON-lines segment files (raw per hour, per-minute rollups and
 * alerts per day) behind an in-memory window of recent samples. The parts: the outbox (batched
 * writes, retried while the disk fails), segment files (reading, repair, quarantine), maintenance
 * (retention, rollups rebuilt at open) and the query planner.
 */
class SegmentedHistoryStore implements HistoryStore {
  private readonly fs: StoreFs;
  private readonly layout: SegmentLayout;
  private readonly now: () => number;
  private readonly readOnly: boolean;
  private readonly storeHealth = new StoreHealth();
  private readonly queue = new SerialQueue();
  private readonly recentSamples: RecentSamples;
  private readonly outbox: Outbox;
  private readonly segments: SegmentFiles;
  private readonly rollups: RollupReader;
  private readonly live: LiveMinute;
  private readonly maintenance: Maintenance;
  private readonly queries: HistoryQueries;
  private readonly rawRotation: SegmentRotation;
  private readonly maxLineBytes: number;
  private closed = false;

  constructor(options: HistoryStoreOptions) {
    const memoryOnly = options.dataDir === null;
    const fs = (this.fs = options.fs ?? (memoryOnly ? memoryStoreFs() : nodeStoreFs));
    const layout = (this.layout = new SegmentLayout(
      memoryOnly ? '/memory/history' : join(options.dataDir!, 'history'),
    ));
    const now = (this.now = options.now ?? Date.now);
    const readOnly = (this.readOnly = options.readOnly === true);
    const { storeHealth: health, queue } = this;
    const ringMs = Math.max(1, options.ringMinutes ?? 60) * MINUTE_MS;
    this.recentSamples = new RecentSamples(ringMs);
    const rollupDays = positiveDays(options.rollupDays);
    const retention: Retention = {
      rawMs: memoryOnly ? ringMs + HOUR_MS : positiveDays(options.rawDays) * DAY_MS,
      rollupMs: (memoryOnly ? Math.min(rollupDays, MEMORY_ROLLUP_DAYS) : rollupDays) * DAY_MS,
    };
    const maxLineBytes = (this.maxLineBytes = positiveBytes(options.maxLineBytes, DEFAULT_MAX_LINE_BYTES));
    this.rawRotation = new SegmentRotation(
      layout.kinds.raw,
      positiveBytes(options.maxSegmentBytes, DEFAULT_MAX_SEGMENT_BYTES),
    );
    const cacheBytes = options.rollupCacheBytes ?? DEFAULT_ROLLUP_CACHE_BYTES;
    // Null when disabled or when the file system cannot tell whether a file changed.
    const cache = cacheBytes > 0 && fs.version ? new SegmentCache<CachedSegment>(cacheBytes) : null;

    this.outbox = new Outbox({
      fs,
      health,
      queue,
      now,
      readOnly,
      flushIntervalMs: options.flushIntervalMs ?? 5000,
      // Every sample is appended when it is taken (about 41 µs): a crash loses at most a torn line.
      flushBatch: options.flushBatch ?? 1,
      retryAfterMs: options.retryAfterMs ?? 30_000,
      maxUnsavedLines: options.maxUnsavedLines ?? 20_000,
      afterWrite: () => this.maintenance.retainIfDue(this.now()),
      repair: () => this.repairAll(),
    });
    this.segments = new SegmentFiles({
      fs,
      layout,
      outbox: this.outbox,
      health,
      queue,
      now,
      readOnly,
      cache,
      maxLineBytes,
    });
    this.rollups = new RollupReader(this.segments, this.outbox, queue, cache);
    this.live = new LiveMinute(this.outbox, layout);
    this.maintenance = new Maintenance({
      fs,
      layout,
      segments: this.segments,
      health,
      queue,
      retention,
      cache,
    });
    this.queries = new HistoryQueries({
      layout,
      segments: this.segments,
      rollups: this.rollups,
      recent: this.recentSamples,
      live: this.live,
      queue,
      retention,
      memoryOnly,
      now,
    });
  }

  async open(): Promise<void> {
    const now = this.now();
    const { kinds, root } = this.layout;
    if (this.readOnly) {
      this.storeHealth.writable = false;
    } else {
      try {
        for (const dir of [kinds.raw.dir, kinds.sys.dir, kinds.alerts.dir]) await this.fs.mkdirp(dir);
        const probe = join(root, '.write-probe');
        await this.fs.write(probe, '');
        await this.fs.remove(probe);
      } catch (error) {
        this.outbox.fail(`cannot write history under ${root}: ${describeFsError(error)}`);
      }
    }
    if (this.storeHealth.writable) {
      await this.repairAll();
      await this.maintenance.applyRetention(now);
      await this.rawRotation.load(this.fs, await this.segments.namesOnDisk(kinds.raw));
    } else if (!this.readOnly) {
      // Writing may resume (a remount, space freed): the torn tails are cut first.
      this.outbox.repairOwed = true;
    }
    const from = now - this.recentSamples.windowMs;
    this.recentSamples.load(await this.queries.rawSamples(from, Infinity), from);
    await this.maintenance.rebuildRollups(now, this.live);
  }

  /** Cuts (or ends) a torn last line in the newest file of each kind; true when all succeeded. */
  private async repairAll(): Promise<boolean> {
    let ok = true;
    for (const kind of Object.values(this.layout.kinds)) {
      if (!(await this.segments.repairLatest(kind))) ok = false;
    }
    return ok;
  }

  append(sample: Sample): void {
    if (this.closed) return;
    this.recentSamples.push(sample);
    const line = encodeSample(sample);
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > this.maxLineBytes) {
      // It could not be read back: kept in memory only, and said so.
      this.storeHealth.oversizeLines += 1;
    } else {
      const file = this.rawRotation.fileFor(sample.at, bytes);
      if (!this.outbox.appendNow(file, line)) this.outbox.enqueue(file, line);
    }
    this.live.add(sample);
    this.outbox.scheduleFlush();
  }

  appendAlert(event: AlertEvent): void {
    if (this.closed) return;
    this.outbox.enqueue(this.layout.fileFor('alerts', event.at), encodeAlert(event));
    this.outbox.scheduleFlush();
  }

  latest(): Sample | null {
    return this.recentSamples.latest();
  }

  recent(sinceAt: number): Sample[] {
    return this.recentSamples.between(sinceAt, Infinity);
  }

  size(): number {
    return this.recentSamples.length;
  }

  cachedRollupBytes(): number {
    return this.rollups.cache?.bytes ?? 0;
  }

  history(query: HistoryQuery): Promise<HistoryPoint[]> {
    return this.queries.history(query);
  }

  serviceHistory(query: ServiceHistoryQuery): Promise<ServicePoint[]> {
    return this.queries.serviceHistory(query);
  }

  alerts(since?: number): Promise<AlertEvent[]> {
    return this.queries.alerts(since);
  }

  samples(range: TimeRange): AsyncIterable<Sample> {
    return this.queries.samples(range);
  }

  health(): HistoryHealth {
    return this.storeHealth.snapshot();
  }

  flush(): Promise<void> {
    return this.outbox.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    // The minute in progress is not written: the next open rebuilds it from the raw lines.
    await this.outbox.close();
  }
}

function positiveBytes(bytes: number | undefined, fallback: number): number {
  return bytes !== undefined && Number.isFinite(bytes) && bytes >= 1 ? Math.floor(bytes) : fallback;
}

function positiveDays(days: number): number {
  return Number.isFinite(days) && days > 0 ? days : 1;
}
