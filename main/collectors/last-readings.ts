import type { ProcessInfo } from './types.js';

/**
 * Each process's last reading, for collectors that re-read only some processes on a tick (the
 * services', new pids) and let the rest stand in with their last figures, marked stale. A pid read
 * for the first time, or taken by a new process, is read once more on the next pass: a CPU rate
 * needs two readings.
 */
export class LastReadings {
  private readonly byPid = new Map<number, ProcessInfo>();
  private secondReads = new Set<number>();
  private nextSecondReads = new Set<number>();

  get(pid: number): ProcessInfo | undefined {
    return this.byPid.get(pid);
  }

  /** The last reading of the process now on `pid`, if it is the same one (the same start key). */
  sameProcess(pid: number, startKey: string): ProcessInfo | undefined {
    const last = this.byPid.get(pid);
    return last !== undefined && last.startKey === startKey ? last : undefined;
  }

  /** Whether `pid` was first read on the pass before, so it is read again on this one. */
  wantsSecondRead(pid: number): boolean {
    return this.secondReads.has(pid);
  }

  /** A fresh reading; the first of its pid, or of a new process on it, is read again next pass. */
  fresh(info: ProcessInfo): void {
    if (this.byPid.get(info.pid)?.startKey !== info.startKey) this.nextSecondReads.add(info.pid);
    this.byPid.set(info.pid, info);
  }

  /**
   * The stand-in for a process not re-read: its last reading marked stale, made once and kept until
   * the next read. A pid reused since then shows the old process's figures until it is read again.
   */
  stale(last: ProcessInfo): ProcessInfo {
    if (last.stale) return last;
    const stale: ProcessInfo = { ...last, stale: true };
    this.byPid.set(last.pid, stale);
    return stale;
  }

  forget(pid: number): void {
    this.byPid.delete(pid);
  }

  /** After a pass: pids not `kept` are forgotten, and this pass's first readings are read again next. */
  endPass(kept: ReadonlySet<number>): void {
    for (const pid of this.byPid.keys()) if (!kept.has(pid)) this.byPid.delete(pid);
    this.secondReads = this.nextSecondReads;
    this.nextSecondReads = new Set();
  }

  get size(): number {
    return this.byPid.size;
  }

  clear(): void {
    this.byPid.clear();
    this.secondReads.clear();
    this.nextSecondReads.clear();
  }
}
