import type { ColumnsBuilder, ServiceColumns, SystemColumns } from './rollup-columns.js';
import { SegmentCache } from './segment-cache.js';
import type { SegmentFiles } from './segment-files.js';
import { scanLines, type SegmentKind } from './segments.js';
import type { SerialQueue } from './serial-queue.js';
import type { Outbox } from './outbox.js';

export type RollupColumns = SystemColumns | ServiceColumns;
export const isSystemColumns = (c: RollupColumns): c is SystemColumns => !('services' in c);
export const isServiceColumns = (c: RollupColumns): c is ServiceColumns => 'services' in c;

/** A rollup file's disk content as columns; whether it ends in a newline decides how unsaved lines join it. */
export interface CachedSegment {
  columns: RollupColumns;
  endsWithNewline: boolean;
  bytes: number;
}

/**
 * Rollup files decoded into columns for long-range queries. Each file's disk content is decoded once
 * per file version and kept while it fits the cache's budget; without a cache (budget 0, or a file
 * system that cannot tell whether a file changed) it is decoded on every query.
 */
export class RollupReader {
  constructor(
    private readonly segments: SegmentFiles,
    private readonly outbox: Outbox,
    private readonly queue: SerialQueue,
    readonly cache: SegmentCache<CachedSegment> | null,
  ) {}

  /** The rollup files of a kind overlapping [from, to] as columns, oldest first, unsaved lines included. */
  async columns(
    kind: SegmentKind,
    from: number,
    to: number,
    builder: () => ColumnsBuilder<RollupColumns>,
  ): Promise<RollupColumns[]> {
    this.cache?.beginQuery();
    const files = await this.segments.files(kind, from, to);
    // One queue turn, so no flush moves lines between the outbox and the disk meanwhile. Versions
    // are read before contents: a change in between leaves an entry stale (rebuilt), never wrong.
    return this.queue.run(async () => {
      const versions = await Promise.all(files.map((file) => this.segments.versionOf(file)));
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
      await this.segments.scanText(file, disk, text, -Infinity, Infinity, b.decode, null);
      return b.build();
    };
    const cache = this.cache;
    let cached = version === null ? undefined : cache?.get(file, version);
    let disk = cached ? null : await this.segments.readDisk(file);
    // Taken before decoding: a quarantine that cannot rewrite the file queues its valid lines again.
    const unsaved = this.outbox.unsavedText(file);
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
    disk ??= await this.segments.readDisk(file);
    return [await decodeAll(disk, (disk ?? '') + unsaved)];
  }
}
