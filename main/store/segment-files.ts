import { join } from 'node:path';
import type { Outbox } from './outbox.js';
import type { SegmentLayout } from './segment-layout.js';
import { overlapping, scanLines, segmentStart, type SegmentKind } from './segments.js';
import type { SerialQueue } from './serial-queue.js';
import { describeFsError, type StoreFs } from './store-fs.js';
import type { StoreHealth } from './store-health.js';

export interface SegmentFilesOptions {
  fs: StoreFs;
  layout: SegmentLayout;
  outbox: Outbox;
  health: StoreHealth;
  queue: SerialQueue;
  now: () => number;
  /** No repairs or quarantine: corrupt lines are only counted. */
  readOnly: boolean;
  /** Decoded rollup files, forgotten when a file is moved aside. */
  cache: { delete(file: string): void } | null;
}

/**
 * Reading segment files as their disk content followed by their unsaved lines, and recovering from
 * what a crash or a bad disk leaves: a torn last line is cut or ended, a file with corrupt lines is
 * moved aside and its valid lines written back.
 */
export class SegmentFiles {
  private readonly tornSeen = new Set<string>();
  private readonly corruptSeen = new Set<string>();

  constructor(private readonly o: SegmentFilesOptions) {}

  /** Names of the files of a kind overlapping [from, to], on disk or still in the outbox. */
  async files(kind: SegmentKind, from: number, to: number): Promise<string[]> {
    let names: string[] = [];
    try {
      names = await this.o.fs.list(kind.dir);
    } catch (error) {
      this.o.health.note(`cannot list ${kind.dir}: ${describeFsError(error)}`);
    }
    names.push(...this.o.outbox.namesIn(kind.dir));
    return overlapping(kind, names, from, to).map((name) => join(kind.dir, name));
  }

  /** The segment file names of a kind on disk, oldest first. */
  async namesOnDisk(kind: SegmentKind): Promise<string[]> {
    return (await this.o.fs.list(kind.dir).catch(() => [] as string[]))
      .filter((name) => segmentStart(kind, name) !== null)
      .sort();
  }

  async scanKind<T>(
    kind: SegmentKind,
    from: number,
    to: number,
    decode: (line: string) => T | null,
    timeOf?: null,
  ): Promise<T[]> {
    const out: T[] = [];
    for (const file of await this.files(kind, from, to)) {
      const items = await this.o.queue.run(() => this.scan(file, from, to, decode, timeOf));
      for (const item of items) out.push(item);
    }
    return out;
  }

  /** Reads one file (plus its unsaved lines); runs inside the queue. */
  async scan<T>(
    file: string,
    from: number,
    to: number,
    decode: (line: string) => T | null,
    timeOf?: null,
  ): Promise<T[]> {
    const disk = await this.readDisk(file);
    return this.scanText(
      file,
      disk,
      (disk ?? '') + this.o.outbox.unsavedText(file),
      from,
      to,
      decode,
      timeOf,
    );
  }

  async readDisk(file: string): Promise<string | null> {
    try {
      return await this.o.fs.read(file);
    } catch (error) {
      this.o.health.note(`cannot read ${file}: ${describeFsError(error)}`);
      return null;
    }
  }

  async versionOf(file: string): Promise<string | null> {
    try {
      return (await this.o.fs.version?.(file)) ?? null;
    } catch {
      return null;
    }
  }

  /** Decodes a file's text, counting a torn tail and quarantining corrupt lines. */
  async scanText<T>(
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
      this.o.health.tornLines += 1;
    }
    if (result.corrupt > 0 && disk !== null) await this.quarantine(file, disk, result.corrupt);
    return result.items;
  }

  /**
   * After a crash the newest file of a kind may end in half a line: drop it (or end a whole one).
   * False when the file could not be repaired.
   */
  async repairLatest(kind: SegmentKind): Promise<boolean> {
    const names = await this.namesOnDisk(kind);
    const latest = names[names.length - 1];
    if (!latest) return true;
    const file = join(kind.dir, latest);
    try {
      const text = await this.o.fs.read(file);
      if (text === null || text === '' || text.endsWith('\n')) return true;
      const cut = text.lastIndexOf('\n') + 1;
      const tail = text.slice(cut);
      const decodable = this.o.layout.validatorFor(file)(tail);
      if (decodable !== null) {
        await this.o.fs.append(file, '\n');
        return true;
      }
      await this.o.fs.truncate(file, Buffer.byteLength(text.slice(0, cut)));
      this.o.health.tornLines += 1;
      return true;
    } catch (error) {
      this.o.health.note(`cannot repair ${file}: ${describeFsError(error)}`);
      return false;
    }
  }

  /** Moves a corrupt segment aside and writes back its valid lines; never fatal. */
  private async quarantine(file: string, disk: string, corrupt: number): Promise<void> {
    const { fs, health, layout } = this.o;
    const decode = layout.validatorFor(file);
    if (this.corruptSeen.has(file)) return;
    if (this.o.readOnly || !health.writable) {
      this.corruptSeen.add(file);
      health.corruptLines += corrupt;
      return;
    }
    const valid = disk.split('\n').filter((line) => line !== '' && decode(line) !== null);
    const aside = layout.quarantinePath(file, this.o.now());
    this.o.cache?.delete(file);
    try {
      await fs.mkdirp(layout.quarantineDir());
      await fs.rename(file, aside);
    } catch (error) {
      this.corruptSeen.add(file);
      health.corruptLines += corrupt;
      health.note(`cannot quarantine ${file}: ${describeFsError(error)}`);
      return;
    }
    health.quarantined.push(aside);
    health.corruptLines += corrupt;
    if (valid.length === 0) return;
    try {
      await fs.write(file, valid.join('\n') + '\n');
    } catch (error) {
      this.o.outbox.putBack(
        file,
        valid,
        `cannot rewrite ${file} after quarantine: ${describeFsError(error)}`,
      );
    }
  }
}
