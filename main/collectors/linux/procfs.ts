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
const SIGNED = /^-?\d+$/;

/**
 * Parses /proc/[pid]/stat. comm may contain spaces and parentheses, so the fields are read after
 * the last `)`. Returns null for anything that is not a stat line.
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pidText = text.slice(0, open).trim();
  const tail = text.slice(close + 1);
  const end = tail.indexOf('\n');
  const fields = (end >= 0 ? tail.slice(0, end) : tail).trim().split(/\s+/);
  // fields[0] is field 3 (state); field N is fields[N - 3].
  const [state, ppid, pgid, sid, utime, stime, threads, startTime, rss] = [
    0, 1, 2, 3, 11, 12, 17, 19, 21,
  ].map((i) => fields[i]);
  if (!UNSIGNED.test(pidText) || !state || !/^[A-Za-z]$/.test(state)) return null;
  if (![ppid, pgid, sid, utime, stime, threads, startTime].every((f) => f !== undefined && UNSIGNED.test(f)))
    return null;
  if (rss === undefined || !SIGNED.test(rss)) return null;
  return {
    pid: Number(pidText),
    comm: text.slice(open + 1, close),
    state,
    ppid: Number(ppid),
    pgid: Number(pgid),
    sid: Number(sid),
    utimeTicks: Number(utime),
    stimeTicks: Number(stime),
    threads: Number(threads),
    startTime: startTime!,
    rssPages: Math.max(0, Number(rss)),
  };
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

/**
 * One pass over /proc: stat and cmdline per pid (status only when the page size is unknown),
 * fd/ only for pids `wantOpenFiles` selects. No subprocess. `statFiles` keeps each stat file open
 * between scans where that is safe (see ProcStatFiles).
 */
/** Command lines by pid, valid while the pid's start time is unchanged (they rarely change). */
export type CommandCache = Map<number, { startKey: string; command: string }>;

export function scanProcesses(
  procRoot: string,
  constants: SystemConstants,
  wantOpenFiles: (pid: number) => boolean,
  commandCache?: CommandCache,
  statFiles?: ProcStatFiles,
): ProcScan | { error: string; missing: boolean } {
  const listing = listDirSync(procRoot);
  if (!listing.ok)
    return { error: `${procRoot}: ${listing.message}`, missing: listing.failure === 'missing' };
  const processes: ProcessInfo[] = [];
  const listed = new Set<number>();
  let skipped = 0;
  for (const entry of listing.names) {
    if (!UNSIGNED.test(entry)) continue;
    const pid = Number(entry);
    listed.add(pid);
    const dir = join(procRoot, entry);
    const statRead = statFiles ? statFiles.read(pid) : readTextSync(join(dir, 'stat'));
    const stat = statRead.ok ? parseProcStat(statRead.text) : null;
    if (!stat) {
      skipped += 1;
      continue;
    }
    const cached = commandCache?.get(pid);
    let command: string;
    if (cached && cached.startKey === stat.startTime) {
      command = cached.command;
    } else {
      const cmdline = readTextSync(join(dir, 'cmdline'));
      command = cmdline.ok ? parseCmdline(cmdline.text) : '';
      commandCache?.set(pid, { startKey: stat.startTime, command });
    }
    let rssBytes: number | null = constants.pageSize !== null ? stat.rssPages * constants.pageSize : null;
    if (rssBytes === null) {
      const status = readTextSync(join(dir, 'status'));
      rssBytes = status.ok ? parseProcStatus(status.text).rssBytes : null;
    }
    processes.push({
      pid,
      ppid: stat.ppid,
      pgid: stat.pgid,
      sid: stat.sid,
      name: stat.comm,
      command,
      cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / constants.clockTicks,
      rssBytes,
      threads: stat.threads,
      openFiles: wantOpenFiles(pid) ? countOpenFiles(procRoot, pid) : null,
      startKey: stat.startTime,
    });
  }
  statFiles?.keepOnly(listed);
  if (commandCache && commandCache.size > processes.length * 2) {
    const alive = new Set(processes.map((p) => p.pid));
    for (const pid of commandCache.keys()) if (!alive.has(pid)) commandCache.delete(pid);
  }
  return { processes, skipped };
}

export function createProcfsCollector(env: CollectorEnv): CollectorInstance {
  let constants: SystemConstants | null = null;
  const commandCache: CommandCache = new Map();
  let statFiles: ProcStatFiles | null = null;
  return {
    async collect(request: CollectRequest) {
      try {
        constants ??= readSystemConstants(env.procRoot);
        statFiles ??= new ProcStatFiles(env.procRoot);
        const scan = scanProcesses(
          env.procRoot,
          constants,
          (pid) => request.slow || request.watchPids.has(pid),
          commandCache,
          statFiles,
        );
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
