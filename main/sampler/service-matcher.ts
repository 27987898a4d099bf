import type { ServiceConfig } from '../contract/index.js';
import type { ProcessInfo } from '../collectors/types.js';

export interface ServiceMatch {
  pids: number[];
  /** Ports this service's processes listen on. */
  ports: number[];
}

/**
 * Decides which processes belong to which service: those listening on its ports or matching its
 * process names / command pattern, plus all their descendants (Next.js and Ollama spawn children).
 * A process claimed by an earlier service in the list is not claimed again.
 */
export function matchServices(
  services: readonly ServiceConfig[],
  processes: readonly ProcessInfo[],
  listeningPidByPort: ReadonlyMap<number, number>,
): Map<string, ServiceMatch> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, number[]>();
  for (const p of processes) {
    if (p.ppid === p.pid) continue;
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const portsByPid = new Map<number, number[]>();
  for (const [port, pid] of listeningPidByPort) {
    const list = portsByPid.get(pid);
    if (list) list.push(port);
    else portsByPid.set(pid, [port]);
  }

  const claimed = new Set<number>();
  const result = new Map<string, ServiceMatch>();
  for (const service of services) {
    const roots = new Set<number>();
    for (const port of service.ports) {
      const pid = listeningPidByPort.get(port);
      if (pid !== undefined && byPid.has(pid)) roots.add(pid);
    }
    const names = new Set(service.processNames.map((n) => n.toLowerCase()));
    const pattern = compile(service.commandPattern);
    if (names.size > 0 || pattern) {
      for (const p of processes) {
        if (names.has(p.name.toLowerCase()) || (pattern && p.command && pattern.test(p.command)))
          roots.add(p.pid);
      }
    }
    const pids: number[] = [];
    const stack = [...roots];
    while (stack.length > 0) {
      const pid = stack.pop()!;
      if (claimed.has(pid)) continue;
      claimed.add(pid);
      pids.push(pid);
      stack.push(...(children.get(pid) ?? []));
    }
    pids.sort((a, b) => a - b);
    const ports = [...new Set(pids.flatMap((pid) => portsByPid.get(pid) ?? []))].sort((a, b) => a - b);
    result.set(service.id, { pids, ports });
  }
  return result;
}

const patternCache = new Map<string, RegExp | null>();
function compile(pattern: string | undefined): RegExp | null {
  if (!pattern) return null;
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern);
    } catch {
      compiled = null; // settings validation reports it; matching just skips it
    }
    patternCache.set(pattern, compiled);
  }
  return compiled;
}
