import { failed, ok, type Reading } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, CollectRequest, Observation, ProcessInfo } from '../types.js';
import { openFilesArgs, parseOpenFileCounts } from './lsof.js';
import { parsePs, parseThreadCounts, PS_ARGS, type PsProcess } from './ps.js';
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

/** `ps` every tick for all processes; thread and open-file counts for service pids on the slow tier. */
export function createDarwinProcessCollector(env: CollectorEnv): CollectorInstance {
  const tracker = new StartKeyTracker();
  return {
    async collect(request: CollectRequest): Promise<Reading<Observation>> {
      const result = await env.exec('ps', [...PS_ARGS]);
      const problem = unusable<Observation>('ps', result);
      if (problem) return problem;
      const parsed = parsePs(result.stdout, 'comm-args');
      if (!parsed.ok) return failed(`ps: ${parsed.error}`);
      const keys = tracker.keysFor(parsed.value);
      const watched = parsed.value.map((p) => p.pid).filter((pid) => request.watchPids.has(pid));
      const extras = request.slow && watched.length > 0 ? await slowExtras(env, watched) : null;
      const processes: ProcessInfo[] = parsed.value.map((p) => ({
        pid: p.pid,
        ppid: p.ppid ?? 0,
        ...(p.pgid === null ? {} : { pgid: p.pgid }),
        name: p.name,
        command: p.command,
        cpuSeconds: p.cpuSeconds,
        rssBytes: p.rssBytes,
        threads: extras?.threads.get(p.pid) ?? null,
        openFiles: extras?.openFiles.get(p.pid) ?? null,
        startKey: keys.get(p.pid)!,
      }));
      return ok({ processes }, env.now());
    },
  };
}

async function slowExtras(
  env: CollectorEnv,
  pids: number[],
): Promise<{ threads: Map<number, number>; openFiles: Map<number, number> }> {
  const list = pids.join(',');
  const [threads, files] = await Promise.all([
    env.exec('ps', ['-M', '-p', list]),
    env.exec('lsof', openFilesArgs(pids)),
  ]);
  return {
    threads: threads.failure ? new Map() : parseThreadCounts(threads.stdout, new Set(pids)),
    openFiles: files.failure ? new Map() : parseOpenFileCounts(files.stdout),
  };
}
