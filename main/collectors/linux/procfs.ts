import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { absent, failed, ok } from '../../contract/index.js';
import type {
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  CollectRequest,
  ProcessInfo,
} from '../types.js';
import { LastReadings } from '../last-readings.js';
import { ProcStatFiles } from './proc-stat-files.js';
import { listDirSync, readTextSync } from './read-files.js';

/** The fields of /proc/[pid]/stat that IdleWatt uses. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Fields 5 and 6: process group and session ids. */
  pgid: number;
  sid: number;
  utimeTicks: number;
  stimeTicks: number;
  threads: number;
  /** Field 22, clock ticks after boot: identifies this incarnation of the pid. */
  startTime: string;
  rssPages: number;
}

const UNSIGNED = /^\d+$/;

const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;

const isBlank = (byte: number) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d && byte !== NEWLINE);
const isLetter = (byte: number) => (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a;

/** Digits in bytes[start, end) as a number, or -1 when empty or not all digits. */
function unsignedAt(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The fields IdleWatt reads, as indices after comm (field N of proc(5) is index N - 3). */
const F_STATE = 0;
const F_PPID = 1;
const F_PGID = 2;
const F_SID = 3;
const F_UTIME = 11;
const F_STIME = 12;
const F_THREADS = 17;
const F_START = 19;
const F_RSS = 21;
const UNSIGNED_VALUES = new Float64Array(F_RSS + 1);
/** 1 at the index of each unsigned field read (ppid, pgid, sid, utime, stime, threads). */
const IS_UNSIGNED = new Uint8Array(F_RSS + 1);
for (const field of [F_PPID, F_PGID, F_SID, F_UTIME, F_STIME, F_THREADS]) IS_UNSIGNED[field] = 1;

/**
 * Parses /proc/[pid]/stat from its bytes, without building a string of the line: this runs once per
 * process per tick. comm may contain spaces, parentheses and newlines, so the fields are read after
 * the last `)`, up to the end of that line. Returns null for anything that is not a stat line.
 */
export function parseProcStatBytes(bytes: Buffer, length = bytes.length): ProcStat | null {
  let open = -1;
  for (let i = 0; i < length; i++) {
    if (bytes[i] === OPEN_PAREN) {
      open = i;
      break;
    }
  }
  let close = -1;
  for (let i = length - 1; i > open; i--) {
    if (bytes[i] === CLOSE_PAREN) {
      close = i;
      break;
    }
  }
  if (open < 0 || close < 0) return null;
  let pidStart = 0;
  let pidEnd = open;
  while (pidStart < pidEnd && isBlank(bytes[pidStart]!)) pidStart++;
  while (pidEnd > pidStart && isBlank(bytes[pidEnd - 1]!)) pidEnd--;
  const pid = unsignedAt(bytes, pidStart, pidEnd);
  if (pid < 0) return null;

  // Reused across calls (this runs once per process per tick): the unsigned fields by index.
  const unsigned = UNSIGNED_VALUES;
  let state = '';
  let startTime = '';
  let rss = Number.NaN;
  let at = close + 1;
  for (let field = 0; field <= F_RSS; field++) {
    while (at < length && isBlank(bytes[at]!)) at++;
    if (at >= length || bytes[at] === NEWLINE) return null;
    const start = at;
    while (at < length && bytes[at] !== NEWLINE && !isBlank(bytes[at]!)) at++;
    if (field === F_STATE) {
      if (at - start !== 1 || !isLetter(bytes[start]!)) return null;
      state = String.fromCharCode(bytes[start]!);
    } else if (field === F_START) {
      if (unsignedAt(bytes, start, at) >= 0) startTime = bytes.toString('latin1', start, at);
    } else if (field === F_RSS) {
      const negative = bytes[start] === MINUS;
      const magnitude = unsignedAt(bytes, negative ? start + 1 : start, at);
      if (magnitude >= 0) rss = negative ? 0 : magnitude;
    } else if (IS_UNSIGNED[field] === 1) {
      const value = unsignedAt(bytes, start, at);
      if (value < 0) return null;
      unsigned[field] = value;
    }
  }
  if (startTime === '' || Number.isNaN(rss)) return null;
  return {
    pid,
    comm: bytes.toString('utf8', open + 1, close),
    state,
    ppid: unsigned[F_PPID]!,
    pgid: unsigned[F_PGID]!,
    sid: unsigned[F_SID]!,
    utimeTicks: unsigned[F_UTIME]!,
    stimeTicks: unsigned[F_STIME]!,
    threads: unsigned[F_THREADS]!,
    startTime,
    rssPages: rss,
  };
}

/** Parses /proc/[pid]/stat text (see parseProcStatBytes), e.g. pasted with blank lines around it. */
export function parseProcStat(text: string): ProcStat | null {
  return parseProcStatBytes(Buffer.from(text.trim(), 'utf8'));
}

export interface ProcStatus {
  name: string | null;
  ppid: number | null;
  threads: number | null;
  /** null for kernel threads, which have no VmRSS line. */
  rssBytes: number | null;
}

/** Parses /proc/[pid]/status (`Key:<tab>value` lines). */
export function parseProcStatus(text: string): ProcStatus {
  const status: ProcStatus = { name: null, ppid: null, threads: null, rssBytes: null };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === 'Name') status.name = value;
    else if (key === 'PPid' && UNSIGNED.test(value)) status.ppid = Number(value);
    else if (key === 'Threads' && UNSIGNED.test(value)) status.threads = Number(value);
    else if (key === 'VmRSS') {
      const match = /^(\d+)\s*kB$/.exec(value);
      if (match) status.rssBytes = Number(match[1]) * 1024;
    }
  }
  return status;
}

/** /proc/[pid]/cmdline: NUL-separated arguments → one line. */
export function parseCmdline(text: string): string {
  return text.replace(/\0+$/, '').split('\0').join(' ').trim();
}

export interface SystemConstants {
  /** USER_HZ: the unit of utime/stime. */
  clockTicks: number;
  /** Bytes per page, null when unknown (RSS then comes from status). */
  pageSize: number | null;
}

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;
// USER_HZ is 100 on every architecture Node runs on; auxv confirms it where readable.
const DEFAULT_CLOCK_TICKS = 100;

/** Reads AT_CLKTCK and AT_PAGESZ from /proc/self/auxv: no sysconf in Node, and no subprocess. */
export function readSystemConstants(procRoot: string): SystemConstants {
  const constants: SystemConstants = { clockTicks: DEFAULT_CLOCK_TICKS, pageSize: null };
  let auxv: Buffer;
  try {
    auxv = readFileSync(join(procRoot, 'self', 'auxv'));
  } catch {
    return constants;
  }
  const word = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(process.arch)
    ? 8
    : 4;
  const little = endianness() === 'LE';
  const at = (offset: number): number =>
    word === 8
      ? Number(little ? auxv.readBigUInt64LE(offset) : auxv.readBigUInt64BE(offset))
      : little
        ? auxv.readUInt32LE(offset)
        : auxv.readUInt32BE(offset);
  for (let offset = 0; offset + 2 * word <= auxv.length; offset += 2 * word) {
    const key = at(offset);
    const value = at(offset + word);
    if (key === 0) break;
    if (key === AT_CLKTCK && value > 0) constants.clockTicks = value;
    if (key === AT_PAGESZ && value > 0) constants.pageSize = value;
  }
  return constants;
}

export interface ProcScan {
  processes: ProcessInfo[];
  /** Pids whose stat vanished (exited mid-scan) or was not a stat line. */
  skipped: number;
}

/** Open file descriptors, or null when fd/ is unreadable (another user's process) or gone. */
export function countOpenFiles(procRoot: string, pid: number): number | null {
  const listing = listDirSync(join(procRoot, String(pid), 'fd'));
  return listing.ok ? listing.names.length : null;
}

/** Command lines by pid, valid while the pid's start time is unchanged (they rarely change). */
export type CommandCache = Map<number, { startKey: string; command: string }>;

export interface ScanOptions {
  /** Pids whose open descriptors are counted (fd/ listed); others keep their last count, if any. */
  wantOpenFiles: (pid: number) => boolean;
  commandCache?: CommandCache;
  /** Keeps each stat file open between scans where that is safe (see ProcStatFiles). */
  statFiles?: ProcStatFiles;
  /**
   * Each process's last reading, kept up to date by the scan. With it, a listed pid that `reread`
   * declines, that was read before and is not due a second read, is not read again: its last
   * reading stands in, marked stale.
   */
  lastReadings?: LastReadings;
  reread?: (pid: number) => boolean;
}

/**
 * One pass over /proc: stat and cmdline per pid (status only when the page size is unknown),
 * fd/ only for pids `wantOpenFiles` selects. No subprocess. Listing /proc costs little next to
 * rendering each stat file, so every scan lists it (an exited process drops out at once, a new one
 * is read at once) and, given `lastReadings`, re-reads only the pids `reread` selects.
 */
export function scanProcesses(
  procRoot: string,
  constants: SystemConstants,
  options: ScanOptions,
): ProcScan | { error: string; missing: boolean } {
  const { wantOpenFiles, commandCache, statFiles, lastReadings, reread } = options;
  const listing = listDirSync(procRoot);
  if (!listing.ok)
    return { error: `${procRoot}: ${listing.message}`, missing: listing.failure === 'missing' };
  const processes: ProcessInfo[] = [];
  const listed = new Set<number>();
  const files = statFiles ?? new ProcStatFiles(procRoot, false);
  let skipped = 0;
  for (const entry of listing.names) {
    if (!UNSIGNED.test(entry)) continue;
    const pid = Number(entry);
    listed.add(pid);
    const last = lastReadings?.get(pid);
    if (last !== undefined && reread !== undefined && !reread(pid) && !lastReadings!.wantsSecondRead(pid)) {
      processes.push(lastReadings!.stale(last));
      continue;
    }
    const statRead = files.read(pid);
    const stat = statRead.ok ? parseProcStatBytes(statRead.bytes) : null;
    if (!stat) {
      skipped += 1;
      lastReadings?.forget(pid);
      continue;
    }
    const cached = commandCache?.get(pid);
    let command: string;
    if (cached && cached.startKey === stat.startTime) {
      command = cached.command;
    } else {
      const cmdline = readTextSync(join(procRoot, entry, 'cmdline'));
      command = cmdline.ok ? parseCmdline(cmdline.text) : '';
      commandCache?.set(pid, { startKey: stat.startTime, command });
    }
    let rssBytes: number | null = constants.pageSize !== null ? stat.rssPages * constants.pageSize : null;
    if (rssBytes === null) {
      const status = readTextSync(join(procRoot, entry, 'status'));
      rssBytes = status.ok ? parseProcStatus(status.text).rssBytes : null;
    }
    const info: ProcessInfo = {
      pid,
      ppid: stat.ppid,
      pgid: stat.pgid,
      sid: stat.sid,
      name: stat.comm,
      command,
      cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / constants.clockTicks,
      rssBytes,
      threads: stat.threads,
      openFiles: wantOpenFiles(pid)
        ? countOpenFiles(procRoot, pid)
        : (lastReadings?.sameProcess(pid, stat.startTime)?.openFiles ?? null),
      startKey: stat.startTime,
    };
    processes.push(info);
    lastReadings?.fresh(info);
  }
  statFiles?.keepOnly(listed);
  lastReadings?.endPass(listed);
  if (commandCache && commandCache.size > processes.length * 2) {
    const alive = new Set(processes.map((p) => p.pid));
    for (const pid of commandCache.keys()) if (!alive.has(pid)) commandCache.delete(pid);
  }
  return { processes, skipped };
}

/**
 * Every tick lists /proc and reads the services' processes, any new pid and, once more, each pid
 * first read on the tick before (two readings make a CPU rate); the slow tier reads every process,
 * as does the tick after new CPU baselines (`allProcesses`). Between, the others carry their last
 * figures (stale), so their CPU % is measured over the slow interval: a tick's cost grows with the
 * services, not with everything running.
 */
export function createProcfsCollector(env: CollectorEnv): CollectorInstance {
  let constants: SystemConstants | null = null;
  const commandCache: CommandCache = new Map();
  // A pid reused between full scans shows the old process's figures until it is read again; with
  // pid_max at 4,194,304 on 64-bit systems a reuse within seconds is rare.
  const lastReadings = new LastReadings();
  let statFiles: ProcStatFiles | null = null;
  return {
    async collect(request: CollectRequest) {
      try {
        constants ??= readSystemConstants(env.procRoot);
        statFiles ??= new ProcStatFiles(env.procRoot);
        const everyProcess = request.slow || request.allProcesses === true;
        const scan = scanProcesses(env.procRoot, constants, {
          // Only the services' counts are shown; counted every 30 s and carried between.
          wantOpenFiles: (pid) => request.slow && request.watchPids.has(pid),
          commandCache,
          statFiles,
          lastReadings,
          reread: (pid) => everyProcess || request.watchPids.has(pid),
        });
        if ('error' in scan) {
          return scan.missing ? absent('not-present', scan.error) : failed(`procfs: ${scan.error}`);
        }
        if (scan.processes.length === 0) return absent('no-data', 'no readable process under /proc');
        return ok({ processes: scan.processes }, env.now());
      } catch (error) {
        return failed(`procfs: ${(error as Error).message}`);
      }
    },
    async close() {
      statFiles?.close();
      statFiles = null;
      lastReadings.clear();
    },
  };
}

export const PROCFS_COLLECTOR: CollectorDefinition = {
  id: 'procfs',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['processes'],
  defaultEnabled: true,
  description: 'Per-process CPU time, RSS, threads, command line and open files from /proc',
  create: createProcfsCollector,
};
