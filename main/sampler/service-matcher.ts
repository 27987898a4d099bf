import { performance } from 'node:perf_hooks';
import type { ServiceConfig } from '../contract/index.js';
import { compileServicePattern, type ServicePattern } from '../contract/service-pattern.js';
import type { ProcessInfo } from '../collectors/types.js';

export interface ServiceMatch {
  pids: number[];
  /** Ports this service's processes listen on. */
  ports: number[];
}

/**
 * Decides which processes belong to which service. A service is its whole tree:
 * - its roots: the processes listening on its ports or matching its process names / command pattern;
 * - their launchers: walking up from a root, a parent joins while it is in the root's process
 *   group, is not the session leader (the shell the service was started from) nor pid 1, and
 *   nothing below it is another service's root — so `npm run dev` → `next dev` → `next-server`
 *   is one service, while a script that starts several services belongs to none of them, and
 *   neither does another service's root, nor IdleWatt or any of its ancestors (`notLaunchers`);
 * - all descendants of roots and launchers (Next.js and Ollama spawn children).
 * Launchers are found only where the process source reports process groups (Linux /proc, macOS ps
 * `pgid`); without them (an older macOS recording) a service is its roots and their descendants.
 * macOS reports no session id: there the walk stops at the group's edge, which an interactive shell
 * with job control always is (each job gets its own group).
 * A process claimed by an earlier service in the list is not claimed again.
 */
export function matchServices(
  services: readonly ServiceConfig[],
  processes: readonly ProcessInfo[],
  listeningPidByPort: ReadonlyMap<number, number>,
  options: { notLaunchers?: ReadonlySet<number>; patternBudgetMs?: number } = {},
): Map<string, ServiceMatch> {
  const notLaunchers = options.notLaunchers ?? new Set<number>();
  const budget: MatchBudget = {
    deadline: performance.now() + (options.patternBudgetMs ?? PATTERN_BUDGET_MS),
    matched: 0,
  };
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

  const rootsOf = new Map(
    services.map((s) => [s.id, findRoots(s, processes, byPid, listeningPidByPort, budget)]),
  );
  const rootOwner = new Map<number, string>();
  for (const [id, roots] of rootsOf) for (const pid of roots) if (!rootOwner.has(pid)) rootOwner.set(pid, id);

  const claimed = new Set<number>();
  const result = new Map<string, ServiceMatch>();
  for (const service of services) {
    const roots = rootsOf.get(service.id)!;
    const starts = [...roots];
    for (const root of roots) {
      starts.push(...launchers(root, service.id, byPid, children, rootOwner, notLaunchers));
    }
    const pids: number[] = [];
    const stack = starts;
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

/** Pattern matching time per sampler tick; commands not reached are matched on later ticks. */
export const PATTERN_BUDGET_MS = 50;
/** Command lines are matched on their first 4 KiB. */
const MAX_COMMAND_CHARS = 4096;
const MAX_REMEMBERED_COMMANDS = 4096;
const MAX_REMEMBERED_PATTERNS = 64;

interface MatchBudget {
  deadline: number;
  matched: number;
}

/**
 * A compiled pattern with the answers it already gave: a command line rarely changes between ticks,
 * so each is matched once. Together with the linear-time engine and a per-tick time budget, a
 * pathological pattern costs at most the budget per tick and can never stall the event loop.
 */
class RememberingPattern {
  private readonly answers = new Map<string, boolean>();

  constructor(private readonly pattern: ServicePattern) {}

  /** Undefined (treated as no match) when the budget is spent and this command was never matched. */
  matches(command: string, budget: MatchBudget): boolean | undefined {
    const text = command.length > MAX_COMMAND_CHARS ? command.slice(0, MAX_COMMAND_CHARS) : command;
    const known = this.answers.get(text);
    if (known !== undefined) return known;
    // At least one new command per tick, so the remembered answers always grow.
    if (budget.matched > 0 && performance.now() > budget.deadline) return undefined;
    budget.matched++;
    const answer = this.pattern.test(text);
    if (this.answers.size >= MAX_REMEMBERED_COMMANDS) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(text, answer);
    return answer;
  }
}

const patterns = new Map<string, RememberingPattern | null>();

function patternFor(source: string | undefined): RememberingPattern | null {
  if (!source) return null;
  let entry = patterns.get(source);
  if (entry === undefined) {
    const compiled = compileServicePattern(source);
    // Settings validation reports a bad pattern; matching just skips it.
    entry = compiled.ok ? new RememberingPattern(compiled.pattern) : null;
    if (patterns.size >= MAX_REMEMBERED_PATTERNS) patterns.delete(patterns.keys().next().value!);
    patterns.set(source, entry);
  }
  return entry;
}

function findRoots(
  service: ServiceConfig,
  processes: readonly ProcessInfo[],
  byPid: ReadonlyMap<number, ProcessInfo>,
  listeningPidByPort: ReadonlyMap<number, number>,
  budget: MatchBudget,
): Set<number> {
  const roots = new Set<number>();
  for (const port of service.ports) {
    const pid = listeningPidByPort.get(port);
    if (pid !== undefined && byPid.has(pid)) roots.add(pid);
  }
  const names = new Set(service.processNames.map((n) => n.toLowerCase()));
  const pattern = patternFor(service.commandPattern);
  if (names.size > 0 || pattern) {
    for (const p of processes) {
      if (names.has(p.name.toLowerCase()) || (pattern && p.command && pattern.matches(p.command, budget)))
        roots.add(p.pid);
    }
  }
  return roots;
}

/** The root's launcher ancestors, nearest first (see matchServices). */
function launchers(
  root: number,
  serviceId: string,
  byPid: ReadonlyMap<number, ProcessInfo>,
  children: ReadonlyMap<number, number[]>,
  rootOwner: ReadonlyMap<number, string>,
  notLaunchers: ReadonlySet<number>,
): number[] {
  const group = byPid.get(root)?.pgid;
  if (group === undefined) return [];
  const found: number[] = [];
  let current = byPid.get(root)!;
  const seen = new Set([root]);
  for (;;) {
    const parent = byPid.get(current.ppid);
    if (!parent || seen.has(parent.pid) || parent.pid <= 1) break;
    if (parent.pgid !== group || parent.sid === parent.pid || notLaunchers.has(parent.pid)) break;
    if (rootOwner.has(parent.pid)) break;
    if (launchesOthers(parent.pid, serviceId, children, rootOwner)) break;
    found.push(parent.pid);
    seen.add(parent.pid);
    current = parent;
  }
  return found;
}

/** A pid and its ancestors among the processes. */
export function withAncestors(pid: number, processes: readonly ProcessInfo[]): Set<number> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const chain = new Set<number>([pid]);
  for (let p = byPid.get(pid); p && !chain.has(p.ppid) && p.ppid > 0; p = byPid.get(p.ppid))
    chain.add(p.ppid);
  return chain;
}

function launchesOthers(
  pid: number,
  serviceId: string,
  children: ReadonlyMap<number, number[]>,
  rootOwner: ReadonlyMap<number, string>,
): boolean {
  const stack = [...(children.get(pid) ?? [])];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const owner = rootOwner.get(p);
    if (owner !== undefined && owner !== serviceId) return true;
    stack.push(...(children.get(p) ?? []));
  }
  return false;
}
