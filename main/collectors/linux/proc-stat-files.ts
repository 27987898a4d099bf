import { closeSync, openSync, readSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { failureOf, readTextSync, type ReadFailure } from './read-files.js';

/** A stat file's bytes: a view of a buffer shared by every read, valid until the next one. */
export type StatRead = { ok: true; bytes: Buffer } | { ok: false; failure: ReadFailure; message: string };

/** statfs type of procfs (linux/magic.h). */
const PROC_SUPER_MAGIC = 0x9fa0;
/**
 * Descriptors kept at most. Each open stat file holds about 4 KiB of unreclaimable kernel memory
 * (its seq_file page; measured as slab growth per descriptor), so 8,192 processes cost ~35 MiB of
 * kernel memory at most, in exchange for a read that costs a third of one by path. A quarter of
 * the open-file limit at most, so the app never runs out of descriptors for anything else.
 */
const MAX_OPEN = 8192;
const FALLBACK_OPEN = 1024;
/** A stat line is one short line (comm is at most 64 bytes); a longer read grows the buffer. */
const INITIAL_BYTES = 1024;
const MAX_BYTES = 1 << 20;

/**
 * Reads /proc/<pid>/stat once per process per tick. Reading a file by path costs open, fstat, read
 * and close; the profile of a tick shows those syscalls as the largest part of it. On a real procfs
 * the descriptor of each process is kept between scans and re-read from offset 0 (procfs renders it
 * afresh): one pread. A descriptor whose process has exited fails with ESRCH, so a pid that was
 * reused is opened again by path; descriptors of pids no longer listed are closed after each scan.
 * Anywhere else (a fixture tree), and past the descriptor budget, a read goes by path: open, read,
 * close, into the same buffer. Every read lands in one reused buffer, so a scan allocates no string
 * per line.
 */
export class ProcStatFiles {
  private readonly fds = new Map<number, number>();
  private buffer = Buffer.alloc(INITIAL_BYTES);
  private readonly keepOpen: boolean;
  private readonly maxOpen: number;

  /** `keepOpen`: 'auto' keeps descriptors only when procRoot is a procfs mount. */
  constructor(
    private readonly procRoot: string,
    keepOpen: boolean | 'auto' = 'auto',
  ) {
    this.keepOpen = keepOpen === 'auto' ? isProcfs(procRoot) : keepOpen;
    this.maxOpen = this.keepOpen ? descriptorBudget() : 0;
  }

  read(pid: number): StatRead {
    const kept = this.keepOpen ? this.fds.get(pid) : undefined;
    if (kept !== undefined) {
      const bytes = this.readFd(kept);
      if (bytes >= 0) return { ok: true, bytes: this.buffer.subarray(0, bytes) };
      this.forget(pid);
    }
    const path = join(this.procRoot, String(pid), 'stat');
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return { ok: false, failure: failureOf(error), message: (error as Error).message };
    }
    const bytes = this.readFd(fd);
    if (this.keepOpen && bytes >= 0 && this.fds.size < this.maxOpen) this.fds.set(pid, fd);
    else closeSync(fd);
    if (bytes < 0) return { ok: false, failure: 'missing', message: `${path}: the process exited` };
    return { ok: true, bytes: this.buffer.subarray(0, bytes) };
  }

  /** Closes the descriptors of pids that are not in `alive` (the pids the scan listed). */
  keepOnly(alive: ReadonlySet<number>): void {
    for (const pid of this.fds.keys()) if (!alive.has(pid)) this.forget(pid);
  }

  close(): void {
    for (const pid of [...this.fds.keys()]) this.forget(pid);
  }

  get openDescriptors(): number {
    return this.fds.size;
  }

  /** The whole file from offset 0 into the buffer: its length, or -1 when unreadable or empty. */
  private readFd(fd: number): number {
    try {
      for (;;) {
        const bytes = readSync(fd, this.buffer, 0, this.buffer.length, 0);
        if (bytes < this.buffer.length) return bytes > 0 ? bytes : -1;
        if (this.buffer.length >= MAX_BYTES) return -1;
        this.buffer = Buffer.alloc(this.buffer.length * 2);
      }
    } catch {
      return -1;
    }
  }

  private forget(pid: number): void {
    const fd = this.fds.get(pid);
    this.fds.delete(pid);
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
  }
}

function isProcfs(path: string): boolean {
  try {
    return statfsSync(path).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/** How many stat descriptors may be kept: a quarter of this process's soft open-file limit. */
export function descriptorBudget(limitsText: string | null = readOwnLimits()): number {
  const line = limitsText?.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return MAX_OPEN;
  const limit = soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : NaN;
  return Number.isFinite(limit) ? Math.min(MAX_OPEN, Math.floor(limit / 4)) : FALLBACK_OPEN;
}

function readOwnLimits(): string | null {
  const read = readTextSync('/proc/self/limits');
  return read.ok ? read.text : null;
}
