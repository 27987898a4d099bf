import { dirname, join } from 'node:path';
import type {
  AlertEvent,
  HistoryPoint,
  HistoryQuery,
  Sample,
  ServiceHistoryQuery,
  ServicePoint,
  TimeRange,
} from '../contract/index.js';
import { decodeAlert, encodeAlert } from './alert-codec.js';
import { bucketServiceColumns, bucketSystemColumns } from './column-buckets.js';
import {
  bucketAggregates,
  bucketSamples,
  bucketSystemRows,
  checkQuery,
  toHistoryPoint,
  toServicePoint,
} from './downsample.js';
import { decodePowerView, decodeSample, encodeSample } from './record-codec.js';
import {
  serviceColumnsBuilder,
  systemColumnsBuilder,
  type ColumnsBuilder,
  type ServiceColumns,
  type SystemColumns,
} from './rollup-columns.js';
import {
  decodeServiceRollup,
  decodeSystemRollup,
  encodeServiceRollup,
  encodeSystemRollup,
  parseSystemRollupRow,
  type SystemRollupRow,
} from './rollup-codec.js';
import { addSample, emptyAggregate, mergeAggregate, minuteOf, MINUTE_MS, type Aggregate } from './rollup.js';
import { SampleRing } from './sample-ring.js';
import { SegmentCache } from './segment-cache.js';
import {
  DAY_MS,
  HOUR_MS,
  overlapping,
  scanLines,
  segmentName,
  segmentStart,
  type SegmentKind,
} from './segments.js';
import { SerialQueue } from './serial-queue.js';
import { describeFsError, memoryStoreFs, nodeStoreFs, type StoreFs } from './store-fs.js';

export interface HistoryHealth {
  writable: boolean;
  error: string | null;
  tornLines: number;
  /** Segment files moved aside as corrupt (their valid lines were kept). */
  quarantined: string[];
  /** Invalid lines skipped where the store could not quarantine (read-only mode). */
  corruptLines: number;
}

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
  /**
   * Memory for rollup files decoded into columns, so long-range queries skip parsing (about 0.13 MB
   * per day of system rollups, 0.3 MB per day of six services' rollups). 0 parses on every query.
   */
  rollupCacheBytes?: number;
}

/** Ranges longer than this are answered from per-minute rollups (a day and a half of 5 s samples ≈ 26 k lines). */
const RAW_QUERY_MAX_MS = 36 * HOUR_MS;
const MEMORY_ROLLUP_DAYS = 7;
/** Holds 30 days of system and six services' rollups with room to spare. */
const DEFAULT_ROLLUP_CACHE_BYTES = 16 * 1024 * 1024;

type RollupColumns = SystemColumns | ServiceColumns;
/** A rollup file's disk content as columns; whether it ends in a newline decides how unsaved lines join it. */
interface CachedSegment {
  columns: RollupColumns;
  endsWithNewline: boolean;
  bytes: number;
}
const isSystemColumns = (c: RollupColumns): c is SystemColumns => !('services' in c);
const isServiceColumns = (c: RollupColumns): c is ServiceColumns => 'services' in c;

export async function openHistoryStore(options: HistoryStoreOptions): Promise<HistoryStore> {
  const store = new SegmentedHistoryStore(options);
  await store.open();
  return store;
}

class SegmentedHistoryStore implements HistoryStore {
  private readonly fs: StoreFs;
  private readonly root: string;
  private readonly kinds: Record<'raw' | 'sys' | 'svc' | 'alerts', SegmentKind>;
  private readonly now: () => number;
  private readonly ringMs: number;
  private readonly ring: SampleRing;
  private readonly queue = new SerialQueue();
  /** Lines accepted but not yet on disk, per file, in order. Queries read them as if appended. */
  private readonly outbox = new Map<string, string[]>();
  /** Files whose failed append could not be cut back yet: the size to cut them to (null: remove). */
  private readonly pendingCuts = new Map<string, number | null>();
  private readonly readOnly: boolean;
  private readonly memoryOnly: boolean;
  private readonly rawRetentionMs: number;
  private readonly rollupRetentionMs: number;
  private readonly flushIntervalMs: number;
  private readonly flushBatch: number;
  private readonly retryAfterMs: number;
  private readonly maxUnsavedLines: number;
  /** Null when disabled or when the file system cannot tell whether a file changed. */
  private readonly rollupCache: SegmentCache<CachedSegment> | null;

  private ringCompleteFrom = 0;
  private currentMinute: Aggregate | null = null;
  private writable = true;
  private error: string | null = null;
  private lastFailureAt = -Infinity;
  private droppedLines = 0;
  private tornLines = 0;
  private corruptLines = 0;
  private readonly tornSeen = new Set<string>();
  private readonly corruptSeen = new Set<string>();
  private readonly quarantined: string[] = [];
  private lastRetentionHour = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: HistoryStoreOptions) {
    this.memoryOnly = options.dataDir === null;
    this.fs = options.fs ?? (this.memoryOnly ? memoryStoreFs() : nodeStoreFs);
    this.root = this.memoryOnly ? '/memory/history' : join(options.dataDir!, 'history');
    this.kinds = {
      raw: { dir: join(this.root, 'raw'), prefix: '', spanMs: HOUR_MS },
      sys: { dir: join(this.root, 'rollup'), prefix: 'sys-', spanMs: DAY_MS },
      svc: { dir: join(this.root, 'rollup'), prefix: 'svc-', spanMs: DAY_MS },
      alerts: { dir: join(this.root, 'alerts'), prefix: '', spanMs: DAY_MS },
    };
    this.now = options.now ?? Date.now;
    this.ringMs = Math.max(1, options.ringMinutes ?? 60) * MINUTE_MS;
    // Twice the samples a 1 s cadence would produce, so a runaway caller cannot grow it without bound.
    this.ring = new SampleRing(this.ringMs, Math.max(1000, (this.ringMs / 1000) * 2));
    this.readOnly = options.readOnly === true;
    this.rawRetentionMs = this.memoryOnly ? this.ringMs + HOUR_MS : positiveDays(options.rawDays) * DAY_MS;
    const rollupDays = positiveDays(options.rollupDays);
    this.rollupRetentionMs =
      (this.memoryOnly ? Math.min(rollupDays, MEMORY_ROLLUP_DAYS) : rollupDays) * DAY_MS;
    this.flushIntervalMs = options.flushIntervalMs ?? 5000;
    this.flushBatch = options.flushBatch ?? 64;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
    this.maxUnsavedLines = options.maxUnsavedLines ?? 20_000;
    const cacheBytes = options.rollupCacheBytes ?? DEFAULT_ROLLUP_CACHE_BYTES;
    this.rollupCache = cacheBytes > 0 && this.fs.version ? new SegmentCache(cacheBytes) : null;
  }

  async open(): Promise<void> {
    const now = this.now();
    if (this.readOnly) {
      this.writable = false;
    } else {
      try {
        for (const dir of [this.kinds.raw.dir, this.kinds.sys.dir, this.kinds.alerts.dir]) {
          await this.fs.mkdirp(dir);
        }
        const probe = join(this.root, '.write-probe');
        await this.fs.write(probe, '');
        await this.fs.remove(probe);
      } catch (error) {
        this.fail(`cannot write history under ${this.root}: ${describeFsError(error)}`);
      }
    }
    if (this.writable) {
      for (const kind of Object.values(this.kinds)) await this.repairLatest(kind);
      await this.applyRetention(now);
    }
    const recent = await this.rawSamples(now - this.ringMs, Infinity);
    for (const sample of recent) this.ring.push(sample);
    this.ringCompleteFrom = now - this.ringMs;
    await this.rebuildRollups(now);
  }

  append(sample: Sample): void {
    if (this.closed) return;
    const evictedAt = this.ring.push(sample);
    if (evictedAt !== null) this.ringCompleteFrom = Math.max(this.ringCompleteFrom, evictedAt + 1);
    this.enqueue(this.fileFor('raw', sample.at), encodeSample(sample));
    this.rollUp(sample);
    this.scheduleFlush();
  }

  appendAlert(event: AlertEvent): void {
    if (this.closed) return;
    this.enqueue(this.fileFor('alerts', event.at), encodeAlert(event));
    this.scheduleFlush();
  }

  latest(): Sample | null {
    return this.ring.latest();
  }

  recent(sinceAt: number): Sample[] {
    return this.ring.between(sinceAt, Infinity);
  }

  size(): number {
    return this.ring.length;
  }

  cachedRollupBytes(): number {
    return this.rollupCache?.bytes ?? 0;
  }

  async history(query: HistoryQuery): Promise<HistoryPoint[]> {
    const q = checkQuery(query);
    if (this.wantsRollups(q)) {
      const from = minuteOf(q.from);
      if (this.rollupCache) {
        const segments = await this.rollupColumns(this.kinds.sys, from, q.to, systemColumnsBuilder);
        const current = this.liveMinuteIn(from, q.to);
        return bucketSystemColumns({ segments: segments.filter(isSystemColumns), current, from }, q).map(
          toHistoryPoint,
        );
      }
      const rows: (SystemRollupRow | Aggregate)[] = await this.scanKind(
        this.kinds.sys,
        from,
        q.to,
        parseSystemRollupRow,
      );
      const current = this.liveMinuteIn(from, q.to);
      if (current) rows.push(current);
      return bucketSystemRows(rows, q).map(toHistoryPoint);
    }
    return bucketSamples(await this.rawSamples(q.from, q.to, decodePowerView), q).map(toHistoryPoint);
  }

  async serviceHistory(query: ServiceHistoryQuery): Promise<ServicePoint[]> {
    const q = checkQuery(query);
    const serviceId = query.serviceId;
    if (this.wantsRollups(q)) {
      if (this.rollupCache) {
        const from = minuteOf(q.from);
        const segments = await this.rollupColumns(this.kinds.svc, from, q.to, serviceColumnsBuilder);
        const current = this.liveMinuteIn(from, q.to);
        return bucketServiceColumns(
          { segments: segments.filter(isServiceColumns), current, from },
          serviceId,
          q,
        );
      }
      const minutes = (await this.rollups('svc', q.from, q.to)).filter((m) => m.services.has(serviceId));
      return points(bucketAggregates(minutes, q), serviceId);
    }
    const samples = (await this.rawSamples(q.from, q.to)).filter((s) =>
      s.services.some((x) => x.id === serviceId),
    );
    return points(bucketSamples(samples, q), serviceId);
  }

  async alerts(since?: number): Promise<AlertEvent[]> {
    const from = since ?? this.now() - this.rollupRetentionMs;
    const events = await this.scanKind(this.kinds.alerts, from, Infinity, decodeAlert, null);
    const byId = new Map<string, AlertEvent>();
    for (const event of events) if (event.at >= from) byId.set(event.id, event);
    return [...byId.values()].sort((a, b) => a.at - b.at);
  }

  async *samples(range: TimeRange): AsyncIterable<Sample> {
    if (range.from >= this.ringCompleteFrom) {
      yield* this.ring.between(range.from, range.to);
      return;
    }
    for (const file of await this.files(this.kinds.raw, range.from, range.to)) {
      const samples = await this.queue.run(() => this.scan(file, range.from, range.to, decodeSample));
      yield* samples.sort((a, b) => a.at - b.at);
    }
  }

  health(): HistoryHealth {
    return {
      writable: this.writable,
      error: this.error,
      tornLines: this.tornLines,
      quarantined: [...this.quarantined],
      corruptLines: this.corruptLines,
    };
  }

  flush(): Promise<void> {
    return this.queue.run(() => this.writeOutbox());
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // The minute in progress is not written: the next open rebuilds it from the raw lines.
    await this.flush();
  }

  // ── writing ──────────────────────────────────────────────────────────────

  private fileFor(kind: keyof SegmentedHistoryStore['kinds'], at: number): string {
    const k = this.kinds[kind];
    return join(k.dir, segmentName(k, at));
  }

  private enqueue(file: string, line: string): void {
    let lines = this.outbox.get(file);
    if (!lines) this.outbox.set(file, (lines = []));
    lines.push(line);
    this.capOutbox();
  }

  private unsavedCount(): number {
    let n = 0;
    for (const lines of this.outbox.values()) n += lines.length;
    return n;
  }

  private capOutbox(): void {
    if (this.writable || this.readOnly) return;
    let excess = this.unsavedCount() - this.maxUnsavedLines;
    for (const [file, lines] of this.outbox) {
      if (excess <= 0) break;
      const drop = Math.min(excess, lines.length);
      lines.splice(0, drop);
      if (lines.length === 0) this.outbox.delete(file);
      excess -= drop;
      this.droppedLines += drop;
    }
  }

  private rollUp(sample: Sample): void {
    const minute = minuteOf(sample.at);
    if (this.currentMinute && this.currentMinute.at !== minute) this.finishMinute(this.currentMinute);
    if (!this.currentMinute || this.currentMinute.at !== minute) this.currentMinute = emptyAggregate(minute);
    addSample(this.currentMinute, sample);
  }

  private finishMinute(
    minute: Aggregate,
    parts: { sys: boolean; svc: boolean } = { sys: true, svc: true },
  ): void {
    if (parts.sys) this.enqueue(this.fileFor('sys', minute.at), encodeSystemRollup(minute));
    if (parts.svc) this.enqueue(this.fileFor('svc', minute.at), encodeServiceRollup(minute));
  }

  private scheduleFlush(): void {
    if (this.readOnly || this.closed) return;
    const due = this.writable || this.now() - this.lastFailureAt >= this.retryAfterMs;
    if (due && this.unsavedCount() >= this.flushBatch) {
      this.autoFlush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.writable || this.now() - this.lastFailureAt >= this.retryAfterMs) this.autoFlush();
      else this.scheduleFlush();
    }, this.flushIntervalMs);
    this.timer.unref?.();
  }

  /** One background flush at a time, however many appends ask for one. */
  private autoFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush()
      .catch(() => undefined)
      .finally(() => {
        this.flushing = null;
      });
  }

  private async writeOutbox(): Promise<void> {
    if (this.readOnly) return;
    for (const [file, lines] of [...this.outbox]) {
      const count = lines.length;
      if (count === 0) continue;
      // undefined: not known (nothing was appended yet, so nothing to undo); null: the file did not exist.
      let sizeBefore: number | null | undefined;
      try {
        // A cut-back that failed earlier must succeed before anything is appended after it, or the
        // half-written lines would be written twice.
        const cutTo = this.pendingCuts.get(file);
        if (cutTo !== undefined) {
          if (cutTo === null) await this.fs.remove(file);
          else await this.fs.truncate(file, cutTo);
          this.pendingCuts.delete(file);
        }
        sizeBefore = await this.fs.size(file);
        if (sizeBefore === null) await this.fs.mkdirp(dirname(file));
        await this.fs.append(file, lines.slice(0, count).join('\n') + '\n');
      } catch (error) {
        await this.undoPartialWrite(file, sizeBefore);
        this.lastFailureAt = this.now();
        this.fail(`cannot save history to ${file}: ${describeFsError(error)}`);
        return;
      }
      lines.splice(0, count);
      if (lines.length === 0) this.outbox.delete(file);
    }
    if (!this.writable) {
      this.writable = true;
      this.error =
        this.droppedLines > 0
          ? `history writes resumed; ${this.droppedLines} lines were lost while the disk failed`
          : null;
    }
    const hour = Math.floor(this.now() / HOUR_MS);
    if (hour !== this.lastRetentionHour) await this.applyRetention(this.now());
  }

  /** A failed append may leave half a line; cut the file back so the next append starts clean. */
  private async undoPartialWrite(file: string, sizeBefore: number | null | undefined): Promise<void> {
    if (sizeBefore === undefined) return;
    if (this.pendingCuts.has(file)) return; // an earlier cut-back is still owed; it stands
    try {
      if (sizeBefore === null) await this.fs.remove(file);
      else await this.fs.truncate(file, sizeBefore);
    } catch {
      // Retried before the next append to this file; until then a read sees a torn or corrupt line.
      this.pendingCuts.set(file, sizeBefore);
    }
  }

  private fail(message: string): void {
    this.writable = false;
    this.capOutbox();
    const unsaved = this.unsavedCount();
    const lost = this.droppedLines > 0 ? `, ${this.droppedLines} lost` : '';
    this.error = `${message}; keeping history in memory (${unsaved} lines unsaved${lost}), retrying every ${Math.round(this.retryAfterMs / 1000)} s`;
  }

  // ── reading ──────────────────────────────────────────────────────────────

  /** Names of the files of a kind overlapping [from, to], on disk or still in the outbox. */
  private async files(kind: SegmentKind, from: number, to: number): Promise<string[]> {
    let names: string[] = [];
    try {
      names = await this.fs.list(kind.dir);
    } catch (error) {
      this.error ??= `cannot list ${kind.dir}: ${describeFsError(error)}`;
    }
    for (const file of this.outbox.keys()) {
      if (file.startsWith(kind.dir + '/')) names.push(file.slice(kind.dir.length + 1));
    }
    return overlapping(kind, names, from, to).map((name) => join(kind.dir, name));
  }

  private async scanKind<T>(
    kind: SegmentKind,
    from: number,
    to: number,
    decode: (line: string) => T | null,
    timeOf?: null,
  ): Promise<T[]> {
    const out: T[] = [];
    for (const file of await this.files(kind, from, to)) {
      const items = await this.queue.run(() => this.scan(file, from, to, decode, timeOf));
      for (const item of items) out.push(item);
    }
    return out;
  }

  private async rawSamples(from: number, to: number, decode = decodeSample): Promise<Sample[]> {
    if (from >= this.ringCompleteFrom && this.ring.length > 0) return this.ring.between(from, to);
    const samples = await this.scanKind(this.kinds.raw, from, to, decode);
    return samples.sort((a, b) => a.at - b.at);
  }

  /** Per-minute service aggregates over [from, to], including the minute in progress; duplicates merged. */
  private async rollups(part: 'svc', from: number, to: number): Promise<Aggregate[]> {
    const minutes = await this.scanKind(this.kinds[part], minuteOf(from), to, decodeServiceRollup);
    const current = this.currentMinute;
    if (current && current.at >= minuteOf(from) && current.at <= to) minutes.push(current);
    minutes.sort((a, b) => a.at - b.at);
    const merged: Aggregate[] = [];
    for (const minute of minutes) {
      const last = merged[merged.length - 1];
      if (last && last.at === minute.at) {
        const copy = emptyAggregate(last.at);
        mergeAggregate(copy, last);
        mergeAggregate(copy, minute);
        merged[merged.length - 1] = copy;
      } else merged.push(minute);
    }
    return merged;
  }

  /**
   * Rollups answer long ranges, ranges older than the raw samples, and any query whose buckets are a
   * minute or wider: raw samples add nothing there, and rollups keep each minute's min and max.
   */
  private wantsRollups(q: HistoryQuery): boolean {
    const rawFrom = this.memoryOnly ? this.ringCompleteFrom : this.now() - this.rawRetentionMs;
    const span = q.to - q.from;
    return span > RAW_QUERY_MAX_MS || q.from < rawFrom || span / q.points >= MINUTE_MS;
  }

  private liveMinuteIn(from: number, to: number): Aggregate | null {
    const current = this.currentMinute;
    return current && current.at >= from && current.at <= to ? current : null;
  }

  /**
   * The rollup files of a kind overlapping [from, to] as columns, oldest first: each file's disk
   * content (decoded once per file version and cached) followed by its unsaved lines.
   */
  private async rollupColumns(
    kind: SegmentKind,
    from: number,
    to: number,
    builder: () => ColumnsBuilder<RollupColumns>,
  ): Promise<RollupColumns[]> {
    this.rollupCache?.beginQuery();
    const files = await this.files(kind, from, to);
    // One queue turn, so no flush moves lines between the outbox and the disk meanwhile. Versions
    // are read before contents: a change in between leaves an entry stale (rebuilt), never wrong.
    return this.queue.run(async () => {
      const versions = await Promise.all(files.map((file) => this.versionOf(file)));
      const out: RollupColumns[] = [];
      for (const [i, file] of files.entries()) {
        out.push(...(await this.segmentColumns(file, versions[i] ?? null, builder)));
      }
      return out;
    });
  }

  private async segmentColumns(
    file: string,
    version: string | null,
    builder: () => ColumnsBuilder<RollupColumns>,
  ): Promise<RollupColumns[]> {
    const decodeAll = async (disk: string | null, text: string): Promise<RollupColumns> => {
      const b = builder();
      await this.scanText(file, disk, text, -Infinity, Infinity, b.decode, null);
      return b.build();
    };
    const cache = this.rollupCache;
    let cached = version === null ? undefined : cache?.get(file, version);
    let disk = cached ? null : await this.readDisk(file);
    // Taken before decoding: a quarantine that cannot rewrite the file queues its valid lines again.
    const unsaved = this.unsavedText(file);
    if (!cached && disk !== null) {
      const columns = await decodeAll(disk, disk);
      cached = { columns, endsWithNewline: disk === '' || disk.endsWith('\n'), bytes: columns.bytes };
      if (version !== null) cache?.set(file, version, cached);
    }
    if (unsaved === '') return cached ? [cached.columns] : [];
    if (!cached || cached.endsWithNewline) {
      const b = builder();
      scanLines(unsaved, -Infinity, Infinity, b.decode, null);
      return cached ? [cached.columns, b.build()] : [b.build()];
    }
    // The disk ends mid-line: decode it joined with the unsaved lines, as a line scan would.
    disk ??= await this.readDisk(file);
    return [await decodeAll(disk, (disk ?? '') + unsaved)];
  }

  private async versionOf(file: string): Promise<string | null> {
    try {
      return (await this.fs.version?.(file)) ?? null;
    } catch {
      return null;
    }
  }

  /** Reads one file (plus its unsaved lines); runs inside the queue. */
  private async scan<T>(
    file: string,
    from: number,
    to: number,
    decode: (line: string) => T | null,
    timeOf?: null,
  ): Promise<T[]> {
    const disk = await this.readDisk(file);
    return this.scanText(file, disk, (disk ?? '') + this.unsavedText(file), from, to, decode, timeOf);
  }

  private async readDisk(file: string): Promise<string | null> {
    try {
      return await this.fs.read(file);
    } catch (error) {
      this.error ??= `cannot read ${file}: ${describeFsError(error)}`;
      return null;
    }
  }

  private unsavedText(file: string): string {
    const unsaved = this.outbox.get(file);
    return unsaved && unsaved.length > 0 ? unsaved.join('\n') + '\n' : '';
  }

  /** Decodes a file's text, counting a torn tail and quarantining corrupt lines. */
  private async scanText<T>(
    file: string,
    disk: string | null,
    text: string,
    from: number,
    to: number,
    decode: (line: string) => T | null,
    timeOf?: null,
  ): Promise<T[]> {
    const result =
      timeOf === null ? scanLines(text, from, to, decode, null) : scanLines(text, from, to, decode);
    if (result.torn && !this.tornSeen.has(file)) {
      this.tornSeen.add(file);
      this.tornLines += 1;
    }
    if (result.corrupt > 0 && disk !== null) await this.quarantine(file, disk, result.corrupt);
    return result.items;
  }

  /** Moves a corrupt segment aside and writes back its valid lines; never fatal. */
  private async quarantine(file: string, disk: string, corrupt: number): Promise<void> {
    const decode = this.validatorFor(file);
    if (this.corruptSeen.has(file)) return;
    if (this.readOnly || !this.writable) {
      this.corruptSeen.add(file);
      this.corruptLines += corrupt;
      return;
    }
    const valid = disk.split('\n').filter((line) => line !== '' && decode(line) !== null);
    const aside = join(
      this.root,
      'quarantine',
      `${file.slice(this.root.length + 1).replaceAll('/', '_')}.${this.now()}.corrupt`,
    );
    this.rollupCache?.delete(file);
    try {
      await this.fs.mkdirp(join(this.root, 'quarantine'));
      await this.fs.rename(file, aside);
    } catch (error) {
      this.corruptSeen.add(file);
      this.corruptLines += corrupt;
      this.error ??= `cannot quarantine ${file}: ${describeFsError(error)}`;
      return;
    }
    this.quarantined.push(aside);
    this.corruptLines += corrupt;
    if (valid.length === 0) return;
    try {
      await this.fs.write(file, valid.join('\n') + '\n');
    } catch (error) {
      this.outbox.set(file, [...valid, ...(this.outbox.get(file) ?? [])]);
      this.lastFailureAt = this.now();
      this.fail(`cannot rewrite ${file} after quarantine: ${describeFsError(error)}`);
    }
  }

  // ── maintenance ──────────────────────────────────────────────────────────

  /** After a crash the newest file of a kind may end in half a line: drop it (or end a whole one). */
  private async repairLatest(kind: SegmentKind): Promise<void> {
    const names = (await this.fs.list(kind.dir).catch(() => [] as string[]))
      .filter((name) => segmentStart(kind, name) !== null)
      .sort();
    const latest = names[names.length - 1];
    if (!latest) return;
    const file = join(kind.dir, latest);
    try {
      const text = await this.fs.read(file);
      if (text === null || text === '' || text.endsWith('\n')) return;
      const cut = text.lastIndexOf('\n') + 1;
      const tail = text.slice(cut);
      const decodable = this.validatorFor(file)(tail);
      if (decodable !== null) {
        await this.fs.append(file, '\n');
        return;
      }
      await this.fs.truncate(file, Buffer.byteLength(text.slice(0, cut)));
      this.tornLines += 1;
    } catch (error) {
      this.error ??= `cannot repair ${file}: ${describeFsError(error)}`;
    }
  }

  /** The full decoder for a file's kind: what makes one of its lines valid. */
  private validatorFor(file: string): (line: string) => unknown {
    const name = file.slice(file.lastIndexOf('/') + 1);
    if (file.startsWith(this.kinds.raw.dir + '/')) return decodeSample;
    if (file.startsWith(this.kinds.alerts.dir + '/')) return decodeAlert;
    return name.startsWith(this.kinds.sys.prefix) ? decodeSystemRollup : decodeServiceRollup;
  }

  private async applyRetention(now: number): Promise<void> {
    this.lastRetentionHour = Math.floor(now / HOUR_MS);
    const rules: [SegmentKind, number][] = [
      [this.kinds.raw, this.rawRetentionMs],
      [this.kinds.sys, this.rollupRetentionMs],
      [this.kinds.svc, this.rollupRetentionMs],
      [this.kinds.alerts, this.rollupRetentionMs],
    ];
    for (const [kind, keepMs] of rules) {
      const names = await this.fs.list(kind.dir).catch(() => [] as string[]);
      for (const name of names) {
        const start = segmentStart(kind, name);
        if (start === null || start + kind.spanMs > now - keepMs) continue;
        this.rollupCache?.delete(join(kind.dir, name));
        try {
          await this.fs.remove(join(kind.dir, name));
        } catch (error) {
          this.error ??= `cannot delete expired ${name}: ${describeFsError(error)}`;
        }
      }
    }
  }

  /**
   * Minutes not yet rolled up (the one in progress at the last close, or lost in a crash) are
   * rebuilt from the raw lines, so rollups never miss or double-count a minute.
   */
  private async rebuildRollups(now: number): Promise<void> {
    const lastSys = await this.lastMinute(this.kinds.sys, decodeSystemRollup);
    const lastSvc = await this.lastMinute(this.kinds.svc, decodeServiceRollup);
    const from = Math.max(Math.min(lastSys, lastSvc) + MINUTE_MS, now - this.rawRetentionMs);
    const samples = await this.rawSamplesFromDisk(from, Infinity);
    let minute: Aggregate | null = null;
    for (const sample of samples) {
      const at = minuteOf(sample.at);
      if (minute && minute.at !== at)
        this.finishMinute(minute, { sys: minute.at > lastSys, svc: minute.at > lastSvc });
      if (!minute || minute.at !== at) minute = emptyAggregate(at);
      addSample(minute, sample);
    }
    if (minute && minute.at > Math.max(lastSys, lastSvc)) this.currentMinute = minute;
  }

  private async rawSamplesFromDisk(from: number, to: number): Promise<Sample[]> {
    const samples = await this.scanKind(this.kinds.raw, from, to, decodeSample);
    return samples.sort((a, b) => a.at - b.at);
  }

  private async lastMinute(kind: SegmentKind, decode: (line: string) => Aggregate | null): Promise<number> {
    const names = (await this.fs.list(kind.dir).catch(() => [] as string[]))
      .filter((name) => segmentStart(kind, name) !== null)
      .sort();
    for (let i = names.length - 1; i >= 0; i -= 1) {
      const minutes = await this.queue.run(() =>
        this.scan(join(kind.dir, names[i]!), -Infinity, Infinity, decode),
      );
      if (minutes.length > 0) return Math.max(...minutes.map((m) => m.at));
    }
    return -Infinity;
  }
}

function points(aggregates: Aggregate[], serviceId: string): ServicePoint[] {
  const out: ServicePoint[] = [];
  for (const agg of aggregates) {
    const point = toServicePoint(agg, serviceId);
    if (point) out.push(point);
  }
  return out;
}

function positiveDays(days: number): number {
  return Number.isFinite(days) && days > 0 ? days : 1;
}
