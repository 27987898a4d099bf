import { dirname } from 'node:path';
import type { SerialQueue } from './serial-queue.js';
import { describeFsError, type StoreFs } from './store-fs.js';
import type { StoreHealth } from './store-health.js';

export interface OutboxOptions {
  fs: StoreFs;
  health: StoreHealth;
  /** Shared with the readers, so a read never sees a half-finished write. */
  queue: SerialQueue;
  now: () => number;
  readOnly: boolean;
  flushIntervalMs: number;
  /** Flush as soon as this many lines wait. */
  flushBatch: number;
  /** After a failed write, wait this long before the next automatic try. */
  retryAfterMs: number;
  /** Unsaved lines kept while the disk fails; the oldest go first beyond this. */
  maxUnsavedLines: number;
  /** Runs inside the queue after every write that reached the disk. */
  afterWrite: () => Promise<void>;
  /**
   * Runs inside the queue before appending while `repairOwed` is set (a start that could not
   * repair a torn tail); resolves true once repaired, so a new line is never glued onto a fragment.
   */
  repair?: () => Promise<boolean>;
}

/**
 * Lines accepted but not yet on disk, per file, in order, and their batched writing. Queries read
 * them as if appended. While the disk fails, lines wait in memory and the write is retried.
 */
export class Outbox {
  private readonly lines = new Map<string, string[]>();
  /** Files whose failed append could not be cut back yet: the size to cut them to (null: remove). */
  private readonly pendingCuts = new Map<string, number | null>();
  private droppedLines = 0;
  private lastFailureAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** Set when writing resumes without the start-up repair having run. */
  repairOwed = false;

  constructor(private readonly o: OutboxOptions) {}

  /** Lines waiting for the disk now. */
  get unsavedLines(): number {
    return this.unsavedCount();
  }

  /** Lines dropped (oldest first) while the disk failed. */
  get lostLines(): number {
    return this.droppedLines;
  }

  enqueue(file: string, line: string): void {
    let lines = this.lines.get(file);
    if (!lines) this.lines.set(file, (lines = []));
    lines.push(line);
    this.cap();
    this.o.health.unsavedLines = this.unsavedCount();
  }

  /**
   * Writes one line to disk now, when nothing else is waiting or running (no queued lines, no read
   * or write in the queue, no repair owed) and the disk works: the sample is on disk before anyone
   * sees it. False: the caller enqueues it instead.
   */
  appendNow(file: string, line: string): boolean {
    const { fs, health, queue } = this.o;
    if (!fs.appendSync || this.o.readOnly || this.closed || !health.writable || this.repairOwed) return false;
    if (this.flushing || this.pendingCuts.size > 0 || this.unsavedCount() > 0 || !queue.idle) return false;
    try {
      fs.appendSync(file, line + '\n');
    } catch {
      return false; // the queued write will report the failure and retry
    }
    if (Date.now() - this.lastRetention > 60_000) {
      this.lastRetention = Date.now();
      void queue.run(() => this.o.afterWrite()).catch(() => undefined);
    }
    return true;
  }

  private lastRetention = 0;

  /** The file's unsaved lines as text to follow its disk content ('' when none). */
  unsavedText(file: string): string {
    const unsaved = this.lines.get(file);
    return unsaved && unsaved.length > 0 ? unsaved.join('\n') + '\n' : '';
  }

  /** Names of the files directly under `dir` that have unsaved lines. */
  namesIn(dir: string): string[] {
    const names: string[] = [];
    for (const file of this.lines.keys()) {
      if (file.startsWith(dir + '/')) names.push(file.slice(dir.length + 1));
    }
    return names;
  }

  /** Lines that were on disk but could not be written back: they wait ahead of the file's unsaved ones. */
  putBack(file: string, lines: string[], message: string): void {
    this.lines.set(file, [...lines, ...(this.lines.get(file) ?? [])]);
    this.lastFailureAt = this.o.now();
    this.fail(message);
  }

  /** Writes every unsaved line now (after any queued read or write). */
  flush(): Promise<void> {
    return this.o.queue.run(() => this.write());
  }

  /** A batched flush: at once when a batch is full, otherwise after the interval (or the retry wait). */
  scheduleFlush(): void {
    if (this.o.readOnly || this.closed) return;
    const unsaved = this.unsavedCount();
    // Nothing waits and the disk works: a timer would wake for nothing.
    if (unsaved === 0 && this.o.health.writable) return;
    const due = this.o.health.writable || this.o.now() - this.lastFailureAt >= this.o.retryAfterMs;
    if (due && unsaved >= this.o.flushBatch) {
      this.autoFlush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.o.health.writable || this.o.now() - this.lastFailureAt >= this.o.retryAfterMs)
        this.autoFlush();
      else this.scheduleFlush();
    }, this.o.flushIntervalMs);
    this.timer.unref?.();
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private unsavedCount(): number {
    let n = 0;
    for (const lines of this.lines.values()) n += lines.length;
    return n;
  }

  private cap(): void {
    if (this.o.health.writable || this.o.readOnly) return;
    let excess = this.unsavedCount() - this.o.maxUnsavedLines;
    for (const [file, lines] of this.lines) {
      if (excess <= 0) break;
      const drop = Math.min(excess, lines.length);
      lines.splice(0, drop);
      if (lines.length === 0) this.lines.delete(file);
      excess -= drop;
      this.droppedLines += drop;
    }
    this.o.health.lostLines = this.droppedLines;
  }

  /**
   * One background flush at a time, however many appends ask for one; lines that arrived during a
   * flush are written right after it, so every sample reaches the disk when it is taken.
   */
  private autoFlush(): void {
    if (this.flushing) return;
    this.flushing = this.flush()
      .catch(() => undefined)
      .finally(() => {
        this.flushing = null;
        if (this.o.health.writable && !this.closed && this.unsavedCount() >= this.o.flushBatch)
          this.autoFlush();
      });
  }

  private async write(): Promise<void> {
    const { fs, health } = this.o;
    if (this.o.readOnly) return;
    if (this.repairOwed && this.unsavedCount() > 0) {
      if (!(await this.o.repair?.())) {
        this.lastFailureAt = this.o.now();
        this.fail('cannot repair the history files before writing');
        return;
      }
      this.repairOwed = false;
    }
    for (const [file, lines] of [...this.lines]) {
      const count = lines.length;
      if (count === 0) continue;
      // undefined: not known (nothing was appended yet, so nothing to undo); null: the file did not exist.
      let sizeBefore: number | null | undefined;
      try {
        // A cut-back that failed earlier must succeed before anything is appended after it, or the
        // half-written lines would be written twice.
        const cutTo = this.pendingCuts.get(file);
        if (cutTo !== undefined) {
          if (cutTo === null) await fs.remove(file);
          else await fs.truncate(file, cutTo);
          this.pendingCuts.delete(file);
        }
        sizeBefore = await fs.size(file);
        if (sizeBefore === null) await fs.mkdirp(dirname(file));
        await fs.append(file, lines.slice(0, count).join('\n') + '\n');
      } catch (error) {
        await this.undoPartialWrite(file, sizeBefore);
        this.lastFailureAt = this.o.now();
        this.fail(`cannot save history to ${file}: ${describeFsError(error)}`);
        return;
      }
      lines.splice(0, count);
      if (lines.length === 0) this.lines.delete(file);
      health.unsavedLines = this.unsavedCount();
    }
    if (!health.writable) {
      health.writable = true;
      health.failure = null;
      health.error =
        this.droppedLines > 0
          ? `history writes resumed; ${this.droppedLines} lines were lost while the disk failed`
          : null;
    }
    await this.o.afterWrite();
  }

  /** A failed append may leave half a line; cut the file back so the next append starts clean. */
  private async undoPartialWrite(file: string, sizeBefore: number | null | undefined): Promise<void> {
    if (sizeBefore === undefined) return;
    if (this.pendingCuts.has(file)) return; // an earlier cut-back is still owed; it stands
    try {
      if (sizeBefore === null) await this.o.fs.remove(file);
      else await this.o.fs.truncate(file, sizeBefore);
    } catch {
      // Retried before the next append to this file; until then a read sees a torn or corrupt line.
      this.pendingCuts.set(file, sizeBefore);
    }
  }

  /** Marks the store unwritable; lines keep waiting in memory (the oldest dropped beyond the cap). */
  fail(message: string): void {
    const { health } = this.o;
    health.writable = false;
    this.cap();
    health.unsavedLines = this.unsavedCount();
    health.lostLines = this.droppedLines;
    health.retrySeconds = Math.round(this.o.retryAfterMs / 1000);
    health.failure = message;
  }
}
