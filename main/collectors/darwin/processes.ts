import { failed, ok, type Reading } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, CollectRequest, Observation, ProcessInfo } from '../types.js';
import { openFilesArgs, parseOpenFileCounts } from './lsof.js';
import { CommandNames, parsePs, parseThreadCounts, PS_ARGS, type PsProcess } from './ps.js';
import { decodeProcArgs2, decodeTaskAllInfo } from './libproc/decode.js';
import { libprocOpenerFor } from './libproc/open.js';
import { LastReadings } from '../last-readings.js';
import { lazyPort } from './native-port.js';
import type { LibprocOpener, LibprocPort } from './libproc/ports.js';
import { unusable } from './run-output.js';

/**
 * Gives each pid incarnation a stable key without an extra `ps -o lstart` call per tick: the key is
 * the pid plus the CPU time first seen for it. Cumulative CPU time never falls for one process, so
 * a fall (or the pid missing for a tick) means the pid was reused and a new key is minted.
 */
export class StartKeyTracker {
  private known = new Map<number, { key: string; cpuSeconds: number }>();

  keysFor(processes: readonly PsProcess[]): Map<number, string> {
    const next = new Map<number, { key: string; cpuSeconds: number }>();
    for (const p of processes) {
      const previous = this.known.get(p.pid);
      const reused = !previous || p.cpuSeconds + 0.005 < previous.cpuSeconds;
      const key = reused ? `${p.pid}@${p.cpuSeconds.toFixed(2)}` : previous.key;
      next.set(p.pid, { key, cpuSeconds: p.cpuSeconds });
    }
    this.known = next;
    return new Map([...next].map(([pid, v]) => [pid, v.key]));
  }
}

/**
 * `ps` on the slow tier for every process (it is setuid root on macOS, so it reads every user's
 * processes); between, a tick lists pids through libproc and re-reads only the services' processes
 * and new pids, the rest carrying their last reading (stale), as the Linux scan does. Without
 * libproc (not a Mac, koffi missing, a recording being made or replayed) `ps` runs every tick, and
 * also on the tick after new CPU baselines (`allProcesses`). A pid read for the first time is read
 * again on the next tick, so it has a CPU rate. Open files of service pids come on the slow tier,
 * with thread counts where libproc gave none (`ps -M`).
 */
export function createDarwinProcessCollector(
  env: CollectorEnv,
  open: LibprocOpener = libprocOpenerFor(env),
): CollectorInstance {
  const tracker = new StartKeyTracker();
  const names = new CommandNames();
  const lastReadings = new LastReadings();
  const libproc = lazyPort(open);
  return {
    async collect(request: CollectRequest): Promise<Reading<Observation>> {
      const lib = libproc.get();
      if (lib && !request.slow && !request.allProcesses && lastReadings.size > 0) {
        const processes = readChanged(lib, request.watchPids, lastReadings);
        if (processes) return ok({ processes }, env.now());
      }
      const result = await env.exec('ps', [...PS_ARGS]);
      const problem = unusable<Observation>('ps', result);
      if (problem) return problem;
      const parsed = parsePs(result.stdout, 'comm-args', names);
      if (!parsed.ok) return failed(`ps: ${parsed.error}`);
      const keys = tracker.keysFor(parsed.value);
      const table: ProcessInfo[] = parsed.value.map((p) => {
        const fromPs: ProcessInfo = {
          pid: p.pid,
          ppid: p.ppid ?? 0,
          ...(p.pgid === null ? {} : { pgid: p.pgid }),
          name: p.name,
          command: p.command,
          cpuSeconds: p.cpuSeconds,
          rssBytes: p.rssBytes,
          threads: null,
          openFiles: null,
          startKey: keys.get(p.pid)!,
        };
        return lib ? withLibproc(fromPs, lib) : fromPs;
      });
      const watched = table.filter((p) => request.watchPids.has(p.pid));
      // libproc counts the threads of the user's own processes: ps -M is asked only for the rest.
      const extras =
        request.slow && watched.length > 0
          ? await slowExtras(
              env,
              watched.map((p) => p.pid),
              watched.filter((p) => p.threads === null).map((p) => p.pid),
            )
          : null;
      // Between slow ticks a service's process keeps the counts last taken of it, while it is the same one.
      const processes = table.map((p) => {
        if (!request.watchPids.has(p.pid)) return p;
        const same = lastReadings.sameProcess(p.pid, p.startKey);
        return {
          ...p,
          threads: p.threads ?? extras?.threads.get(p.pid) ?? same?.threads ?? null,
          openFiles: extras ? (extras.openFiles.get(p.pid) ?? null) : (same?.openFiles ?? null),
        };
      });
      // Without libproc only the services' counts are carried: the rest is not needed between ps runs.
      const kept = new Set<number>();
      for (const p of processes) {
        if (!lib && !request.watchPids.has(p.pid)) continue;
        lastReadings.fresh(p);
        kept.add(p.pid);
      }
      lastReadings.endPass(kept);
      return ok({ processes }, env.now());
    },
    async close() {
      libproc.close();
    },
  };
}

/**
 * A fast tick through libproc: every pid listed; new pids, the services' and those due a second
 * reading read, the rest carried stale from their last reading. A pid libproc may not read (another
 * user's) keeps its last reading if it has one, and waits for the slow tier if not. null when the
 * pids cannot be listed.
 */
function readChanged(
  lib: LibprocPort,
  watchPids: ReadonlySet<number>,
  lastReadings: LastReadings,
): ProcessInfo[] | null {
  const listing = lib.listPids();
  if (!listing.ok) return null;
  const processes: ProcessInfo[] = [];
  const listed = new Set<number>();
  for (const pid of listing.pids) {
    if (pid <= 0 || listed.has(pid)) continue;
    listed.add(pid);
    const last = lastReadings.get(pid);
    const reread = last === undefined || watchPids.has(pid) || lastReadings.wantsSecondRead(pid);
    const fresh = reread ? readProcess(lib, pid, lastReadings) : null;
    if (fresh) {
      lastReadings.fresh(fresh);
      processes.push(fresh);
    } else if (last) {
      processes.push(lastReadings.stale(last));
    }
  }
  lastReadings.endPass(listed);
  return processes;
}

/** proc_taskallinfo of `pid`, decoded; null where libproc may not read it (another user's) or it exited. */
function taskOf(lib: LibprocPort, pid: number) {
  const read = lib.taskAllInfo(pid);
  return read.ok ? decodeTaskAllInfo(read.bytes, pid, lib.ticksPerSecond) : null;
}

/**
 * One process through libproc, or null where libproc may not read it. Its name and command line
 * stay those of its last reading while it is the same process (ps reads them on the slow tier);
 * a new process's come from its arguments.
 */
function readProcess(lib: LibprocPort, pid: number, lastReadings: LastReadings): ProcessInfo | null {
  const task = taskOf(lib, pid);
  if (!task) return null;
  const same = lastReadings.sameProcess(pid, task.startKey);
  const args = same ? null : lib.procArgs(pid);
  const command = args?.ok ? decodeProcArgs2(args.bytes) : null;
  return {
    pid,
    ppid: task.ppid,
    pgid: task.pgid,
    name: same ? same.name : (command?.executableName ?? task.name),
    command: same ? same.command : (command?.line ?? task.name),
    cpuSeconds: task.cpuSeconds,
    rssBytes: task.rssBytes,
    threads: task.threads,
    openFiles: same?.openFiles ?? null,
    startKey: task.startKey,
  };
}

/**
 * A ps row with libproc's figures where libproc reads the process (the user's own): its start time
 * as the key, so the fast ticks that re-read it through libproc continue the same CPU baseline.
 */
function withLibproc(fromPs: ProcessInfo, lib: LibprocPort): ProcessInfo {
  const task = taskOf(lib, fromPs.pid);
  if (!task) return fromPs;
  return {
    ...fromPs,
    cpuSeconds: task.cpuSeconds,
    rssBytes: task.rssBytes,
    threads: task.threads,
    startKey: task.startKey,
  };
}

async function slowExtras(
  env: CollectorEnv,
  pids: number[],
  threadPids: number[],
): Promise<{ threads: Map<number, number>; openFiles: Map<number, number> }> {
  const [threads, files] = await Promise.all([
    threadPids.length > 0 ? env.exec('ps', ['-M', '-p', threadPids.join(',')]) : null,
    env.exec('lsof', openFilesArgs(pids)),
  ]);
  return {
    threads: !threads || threads.failure ? new Map() : parseThreadCounts(threads.stdout, new Set(threadPids)),
    openFiles: files.failure ? new Map() : parseOpenFileCounts(files.stdout),
  };
}
