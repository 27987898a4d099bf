import { closeSync, openSync, readSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { failureOf, readTextSync, type TextRead } from './read-files.js';

/** statfs type of procfs (linux/magic.h). */
const PROC_SUPER_MAGIC = 0x9fa0;
/**
 * Descriptors kept at most; processes beyond these are read by path as before. Each open stat file
 * holds a seq_file buffer (a 4 KiB page) in the kernel, so this bounds that memory at 4 MiB.
 */
const MAX_OPEN = 1024;
/** A stat line is one short line (comm is at most 64 bytes); a longer read grows the buffer. */
const INITIAL_BYTES = 1024;
const MAX_BYTES = 1 << 20;

/**
 * Reads /proc/<pid>/stat once per process per tick. Reading a file by path costs open, fstat, read
 * and close; the profile of a tick shows those syscalls as the largest part of it. On a real procfs
 * the descriptor of each process is kept between scans and re-read from offset 0 (procfs renders it
 * afresh): one pread. A descriptor whose process has exited fails with ESRCH, so a pid that was
 * reused is opened again by path; descriptors of pids no longer listed are closed after each scan.
 * Anywhere else (a fixture tree) every read goes by path.
 */
export class ProcStatFiles {
  private readonly fds = new Map<number, number>();
  private buffer = Buffer.alloc(INITIAL_BYTES);
  private readonly keepOpen: boolean;

  /** `keepOpen`: 'auto' keeps descriptors only when procRoot is a procfs mount. */
  constructor(
    private readonly procRoot: string,
    keepOpen: boolean | 'auto' = 'auto',
  ) {
    this.keepOpen = keepOpen === 'auto' ? isProcfs(procRoot) : keepOpen;
  }

  read(pid: number): TextRead {
    const path = join(this.procRoot, String(pid), 'stat');
    if (!this.keepOpen) return readTextSync(path);
    const kept = this.fds.get(pid);
    if (kept !== undefined) {
      const text = this.readFd(kept);
      if (text !== null) return { ok: true, text };
      this.forget(pid);
    }
    if (this.fds.size >= MAX_OPEN) return readTextSync(path);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      return { ok: false, failure: failureOf(error), message: (error as Error).message };
    }
    const text = this.readFd(fd);
    if (text === null) {
      closeSync(fd);
      return { ok: false, failure: 'missing', message: `${path}: the process exited` };
    }
    this.fds.set(pid, fd);
    return { ok: true, text };
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

  private readFd(fd: number): string | null {
    try {
      for (;;) {
        const bytes = readSync(fd, this.buffer, 0, this.buffer.length, 0);
        if (bytes < this.buffer.length) return bytes > 0 ? this.buffer.toString('utf8', 0, bytes) : null;
        if (this.buffer.length >= MAX_BYTES) return null;
        this.buffer = Buffer.alloc(this.buffer.length * 2);
      }
    } catch {
      return null;
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
