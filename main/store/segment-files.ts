import { join } from 'node:path';
import type { Outbox } from './outbox.js';
import type { SegmentLayout } from './segment-layout.js';
import { chunkBytesFor, lineBlocks, type LineBlocks } from './line-blocks.js';
import {
  compareOrder,
  overlapping,
  scanLines,
  segmentOrder,
  type ScanResult,
  type SegmentKind,
} from './segments.js';
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
  /** Lines longer than this cannot be read: they are skipped and their file quarantined. */
  maxLineBytes: number;
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
      .filter((name) => segmentOrder(kind, name) !== null)
      .sort((a, b) => compareOrder(segmentOrder(kind, a)!, segmentOrder(kind, b)!));
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

  /**
   * Reads one file (plus its unsaved lines) as a stream of line blocks, so no file is ever held as
   * one string; runs inside the queue.
   */
  async scan<T>(
    file: string,
    from: number,
    to: number,
    decode: (line: string) => T | null,
    timeOf?: null,
  ): Promise<T[]> {
    const unsaved = this.o.outbox.unsavedText(file);
    const lines = await this.openLines(file);
    if (lines === undefined) {
      const disk = await this.readDisk(file);
      return this.scanText(file, disk, (disk ?? '') + unsaved, from, to, decode, timeOf);
    }
    const items: T[] = [];
    let corrupt = 0;
    let tail = '';
    if (lines !== null) {
      try {
        for await (const block of lines.blocks) {
          if (tail !== '') throw new Error('a partial line before the end');
          const end = block.endsWith('\n') ? block.length : block.lastIndexOf('\n') + 1;
          if (end < block.length) tail = block.slice(end);
          const result = scan(block.slice(0, end), from, to, decode, timeOf);
          for (const item of result.items) items.push(item);
          corrupt += result.corrupt;
        }
      } catch (error) {
        this.o.health.note(`cannot read ${file}: ${describeFsError(error)}`);
      }
    }
    // A partial last line on disk is read joined with the unsaved lines, as it would be written.
    const rest = scan(tail + unsaved, from, to, decode, timeOf);
    for (const item of rest.items) items.push(item);
    corrupt += rest.corrupt;
    this.noteTorn(file, rest.torn);
    if (lines !== null && corrupt + lines.oversize > 0) await this.quarantine(file, corrupt, lines.oversize);
    return items;
  }

  /** The file's lines as blocks (null: missing; undefined: this file system only reads whole files). */
  private async openLines(file: string): Promise<LineBlocks | null | undefined> {
    const { fs, maxLineBytes } = this.o;
    if (!fs.readChunks) return undefined;
    try {
      const chunks = await fs.readChunks(file, 0, chunkBytesFor(maxLineBytes));
      return chunks === null ? null : lineBlocks(chunks, maxLineBytes);
    } catch (error) {
      this.o.health.note(`cannot read ${file}: ${describeFsError(error)}`);
      return null;
    }
  }

  private noteTorn(file: string, torn: boolean): void {
    if (torn && !this.tornSeen.has(file)) {
      this.tornSeen.add(file);
      this.o.health.tornLines += 1;
    }
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
    const result = scan(text, from, to, decode, timeOf);
    this.noteTorn(file, result.torn);
    if (result.corrupt > 0 && disk !== null) await this.quarantine(file, result.corrupt, 0);
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
      const tail = await this.readTail(file);
      if (tail === null || tail.text === '' || tail.text.endsWith('\n')) return true;
      const newline = tail.text.lastIndexOf('\n');
      // No line end within the last maxLineBytes: the last line cannot be read anyway; ending it keeps
      // the next append off it, and reading quarantines it.
      if (newline < 0 && tail.start > 0) {
        await this.o.fs.append(file, '\n');
        return true;
      }
      const cut = newline + 1;
      const decodable = this.o.layout.validatorFor(file)(tail.text.slice(cut));
      if (decodable !== null) {
        await this.o.fs.append(file, '\n');
        return true;
      }
      await this.o.fs.truncate(file, tail.start + Buffer.byteLength(tail.text.slice(0, cut)));
      this.o.health.tornLines += 1;
      return true;
    } catch (error) {
      this.o.health.note(`cannot repair ${file}: ${describeFsError(error)}`);
      return false;
    }
  }

  /** The file's last bytes (at most one line's worth) and where they start; null when missing. */
  private async readTail(file: string): Promise<{ text: string; start: number } | null> {
    const { fs, maxLineBytes } = this.o;
    if (!fs.readChunks) {
      const text = await fs.read(file);
      return text === null ? null : { text, start: 0 };
    }
    const size = await fs.size(file);
    if (size === null) return null;
    let start = Math.max(0, size - maxLineBytes - 1);
    const chunks = await fs.readChunks(file, start, chunkBytesFor(maxLineBytes + 1));
    if (chunks === null) return null;
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(Buffer.from(chunk));
    let bytes = Buffer.concat(parts);
    // Start on a line boundary so no character is cut in half.
    if (start > 0) {
      const first = bytes.indexOf(0x0a);
      if (first >= 0 && first < bytes.length - 1) {
        bytes = bytes.subarray(first + 1);
        start += first + 1;
      }
    }
    return { text: bytes.toString('utf8'), start };
  }

  /**
   * Moves a segment with unreadable lines aside and writes its valid lines back, streamed, as a new
   * segment under the same name (appends go on there); never fatal.
   */
  private async quarantine(file: string, corrupt: number, oversize: number): Promise<void> {
    const { fs, health, layout } = this.o;
    if (this.corruptSeen.has(file)) return;
    this.corruptSeen.add(file);
    health.oversizeLines += oversize;
    if (this.o.readOnly || !health.writable) {
      health.corruptLines += corrupt;
      return;
    }
    const aside = layout.quarantinePath(file, this.o.now());
    this.o.cache?.delete(file);
    try {
      await fs.mkdirp(layout.quarantineDir());
      await fs.rename(file, aside);
    } catch (error) {
      health.corruptLines += corrupt;
      health.note(`cannot quarantine ${file}: ${describeFsError(error)}`);
      return;
    }
    this.corruptSeen.delete(file);
    health.quarantined.push(aside);
    health.corruptLines += corrupt;
    await this.copyValidLines(aside, file);
  }

  private async copyValidLines(from: string, to: string): Promise<void> {
    const { fs, maxLineBytes } = this.o;
    const valid = this.o.layout.validatorFor(to);
    let failed: string | null = null;
    let written = 0;
    const left: string[] = [];
    const copy = async (text: string): Promise<void> => {
      const lines = text.split('\n').filter((line) => line !== '' && valid(line) !== null);
      if (lines.length === 0) return;
      if (failed === null) {
        const data = lines.join('\n') + '\n';
        try {
          await fs.append(to, data);
          written += Buffer.byteLength(data);
          return;
        } catch (error) {
          failed = `cannot rewrite ${to} after quarantine: ${describeFsError(error)}`;
          // A write cut short leaves part of the block: cut it, the whole block waits in the outbox.
          await fs.truncate(to, written).catch(() => undefined);
        }
      }
      for (const line of lines) left.push(line);
    };
    try {
      const chunks = fs.readChunks ? await fs.readChunks(from, 0, chunkBytesFor(maxLineBytes)) : null;
      if (chunks) {
        for await (const block of lineBlocks(chunks, maxLineBytes).blocks) await copy(block);
      } else {
        await copy((await fs.read(from)) ?? '');
      }
    } catch (error) {
      failed ??= `cannot read ${from} back after quarantine: ${describeFsError(error)}`;
      this.o.health.note(failed);
    }
    if (left.length > 0) this.o.outbox.putBack(to, left, failed ?? `cannot rewrite ${to}`);
  }
}

function scan<T>(
  text: string,
  from: number,
  to: number,
  decode: (line: string) => T | null,
  timeOf?: null,
): ScanResult<T> {
  return timeOf === null ? scanLines(text, from, to, decode, null) : scanLines(text, from, to, decode);
}
