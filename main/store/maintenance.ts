import { join } from 'node:path';
import type { Sample } from '../contract/index.js';
import type { LiveMinute } from './live-minute.js';
import { decodeSample } from './record-codec.js';
import { decodeServiceRollup, decodeSystemRollup } from './rollup-codec.js';
import { addSample, emptyAggregate, minuteOf, MINUTE_MS, type Aggregate } from './rollup.js';
import type { SegmentFiles } from './segment-files.js';
import type { SegmentLayout } from './segment-layout.js';
import { HOUR_MS, segmentStart, type SegmentKind } from './segments.js';
import type { SerialQueue } from './serial-queue.js';
import { describeFsError, type StoreFs } from './store-fs.js';
import type { StoreHealth } from './store-health.js';

/** How long each kind of line is kept. */
export interface Retention {
  rawMs: number;
  /** Rollups and alerts. */
  rollupMs: number;
}

export interface MaintenanceOptions {
  fs: StoreFs;
  layout: SegmentLayout;
  segments: SegmentFiles;
  health: StoreHealth;
  queue: SerialQueue;
  retention: Retention;
  /** Decoded rollup files, forgotten when a file expires. */
  cache: { delete(file: string): void } | null;
}

/**
 * What keeps the history folder in shape: expired segment files deleted (at open and once an hour
 * after a write), and minutes never rolled up (the one in progress at the last close, or lost in a
 * crash) rebuilt from the raw lines at open.
 */
export class Maintenance {
  private lastRetentionHour = -1;

  constructor(private readonly o: MaintenanceOptions) {}

  async retainIfDue(now: number): Promise<void> {
    if (Math.floor(now / HOUR_MS) !== this.lastRetentionHour) await this.applyRetention(now);
  }

  async applyRetention(now: number): Promise<void> {
    const { kinds } = this.o.layout;
    const { retention } = this.o;
    this.lastRetentionHour = Math.floor(now / HOUR_MS);
    const rules: [SegmentKind, number][] = [
      [kinds.raw, retention.rawMs],
      [kinds.sys, retention.rollupMs],
      [kinds.svc, retention.rollupMs],
      [kinds.alerts, retention.rollupMs],
    ];
    for (const [kind, keepMs] of rules) {
      const names = await this.o.fs.list(kind.dir).catch(() => [] as string[]);
      for (const name of names) {
        const start = segmentStart(kind, name);
        if (start === null || start + kind.spanMs > now - keepMs) continue;
        this.o.cache?.delete(join(kind.dir, name));
        try {
          await this.o.fs.remove(join(kind.dir, name));
        } catch (error) {
          this.o.health.note(`cannot delete expired ${name}: ${describeFsError(error)}`);
        }
      }
    }
  }

  /**
   * Minutes not yet rolled up are rebuilt from the raw lines, so rollups never miss or double-count
   * a minute; the last one becomes the minute in progress.
   */
  async rebuildRollups(now: number, live: LiveMinute): Promise<void> {
    const { kinds } = this.o.layout;
    const lastSys = await this.lastMinute(kinds.sys, decodeSystemRollup);
    const lastSvc = await this.lastMinute(kinds.svc, decodeServiceRollup);
    const from = Math.max(Math.min(lastSys, lastSvc) + MINUTE_MS, now - this.o.retention.rawMs);
    const samples = await this.rawSamplesFromDisk(from, Infinity);
    let minute: Aggregate | null = null;
    for (const sample of samples) {
      const at = minuteOf(sample.at);
      if (minute && minute.at !== at)
        live.finish(minute, { sys: minute.at > lastSys, svc: minute.at > lastSvc });
      if (!minute || minute.at !== at) minute = emptyAggregate(at);
      addSample(minute, sample);
    }
    if (minute && minute.at > Math.max(lastSys, lastSvc)) live.current = minute;
  }

  private async rawSamplesFromDisk(from: number, to: number): Promise<Sample[]> {
    const samples = await this.o.segments.scanKind(this.o.layout.kinds.raw, from, to, decodeSample);
    return samples.sort((a, b) => a.at - b.at);
  }

  private async lastMinute(kind: SegmentKind, decode: (line: string) => Aggregate | null): Promise<number> {
    const names = await this.o.segments.namesOnDisk(kind);
    for (let i = names.length - 1; i >= 0; i -= 1) {
      const minutes = await this.o.queue.run(() =>
        this.o.segments.scan(join(kind.dir, names[i]!), -Infinity, Infinity, decode),
      );
      if (minutes.length > 0) return Math.max(...minutes.map((m) => m.at));
    }
    return -Infinity;
  }
}
