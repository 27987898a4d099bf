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
 * Decides which processes belong to which service: those listening on its ports or matching its
 * process names / command pattern, plus all their descendants (Next.js and Ollama spawn children).
 * A process claimed by an earlier service in the list is not claimed again.
 */
export function matchServices(
  services: readonly ServiceConfig[],
  processes: readonly ProcessInfo[],
  listeningPidByPort: ReadonlyMap<number, number>,
  patternBudgetMs = PATTERN_BUDGET_MS,
): Map<string, ServiceMatch> {
  const budget: MatchBudget = { deadline: performance.now() + patternBudgetMs, matched: 0 };
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
    const pattern = patternFor(service.commandPattern);
    if (names.size > 0 || pattern) {
      for (const p of processes) {
        if (names.has(p.name.toLowerCase()) || (pattern && p.command && pattern.matches(p.command, budget)))
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
