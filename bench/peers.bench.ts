// Per-tick cost of IdleWatt's process + service sampling versus the same job done by peers, in one
// run on the same process set: systeminformation's processes(), pidusage on every pid, and a `ps`
// spawn per tick. CPU is this process plus its waited-for children (so spawned `ps` counts).
// IdleWatt's tick is measured as it runs at the defaults: over one slow-tier period (a slow tick
// that reads every process, then fast ticks that re-read the services' processes and carry the
// rest), the mean per tick; the slow tick alone, which does the peers' whole job and more (open
// files of every process, socket owners confirmed), is reported beside it.
// Targets, for the mean tick: ≥ 3× cheaper than a `ps` spawn, ≥ 1.5× cheaper than pidusage, ≥ 20×
// cheaper than systeminformation. A peer package that is not installed is skipped with the reason printed.
// Usage: node --import tsx bench/peers.bench.ts [--iterations 40]
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { defaultSettings } from '../main/contract/index.js';
import { createCollectors } from '../main/collectors/setup.js';
import { Sampler } from '../main/sampler/sampler.js';
import { measure } from './cpu-clock.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '40' } } });
const iterations = Number(values.iterations);
const run = promisify(execFile);

const pids = () =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
/**
 * Stands in for the services, which a fast tick re-reads: the default services, each matching the
 * name of one of this machine's newest processes (none of the real ones runs here). Only names of
 * user processes with no children that at most two processes bear: a service takes in its
 * descendants, so `kthreadd` or the init process would make most of the machine a service.
 */
function newestNames(count: number): string[] {
  const table = pids().flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      return [{ pid, ppid, name: stat.slice(stat.indexOf('(') + 1, close).toLowerCase() }];
    } catch {
      return []; // exited since the listing
    }
  });
  const parents = new Set(table.map((p) => p.ppid));
  const bearers = new Map<string, number>();
  for (const p of table) bearers.set(p.name, (bearers.get(p.name) ?? 0) + 1);
  const names = table
    .filter((p) => p.ppid > 2 && !parents.has(p.pid) && bearers.get(p.name)! <= 2)
    .sort((a, b) => b.pid - a.pid)
    .map((p) => p.name);
  return [...new Set(names)].slice(0, count);
}
const base = defaultSettings();
const serviceNames = newestNames(base.services.length);
const defaults = {
  ...base,
  services: base.services.map((s, i) => ({ ...s, processNames: serviceNames[i] ? [serviceNames[i]!] : [] })),
};
const ticksPerSlow = Math.round(defaults.sampling.slowIntervalSeconds / defaults.sampling.intervalSeconds);
/** The ticks of this bench come back to back: the slow tier is forced where a period starts. */
let forceSlow = true;
const slowAt = (force: boolean) => ({ ...defaults.sampling, slowIntervalSeconds: force ? 0 : 3600 });
const settings = () => ({ ...defaults, sampling: slowAt(forceSlow) });
// The same job IdleWatt does each process tick: every process's CPU time, RSS and threads, plus the
// socket table for the service ports.
const collectors = createCollectors({ platform: 'linux', sysRoot: '/sys', procRoot: '/proc' }).filter((c) =>
  ['procfs', 'tcp-sockets'].includes(c.definition.id),
);
const sampler = new Sampler({ collectors, settings, platform: 'linux' });
const processCount = pids().length;

/** A peer package, or the reason it is skipped. */
async function peer<T>(name: string): Promise<T | string> {
  try {
    return ((await import(name)) as { default: T }).default;
  } catch (error) {
    const reason = `${name} is not installed (${(error as Error).message.split('\n')[0]}): skipped`;
    process.stderr.write(`peers: ${reason}\n`);
    return reason;
  }
}
type Si = typeof import('systeminformation');
type Pidusage = typeof import('pidusage');
const si = await peer<Si>('systeminformation');
const pidusage = await peer<Pidusage>('pidusage');

const tickAt = (slow: boolean) => () => {
  forceSlow = slow;
  return sampler.tick();
};
const serviceProcesses = (await sampler.tick()).services.reduce((n, s) => n + s.pids.length, 0);
const slowTick = await measure(Math.max(5, Math.floor(iterations / 4)), tickAt(true));
const period = await measure(Math.max(3, Math.ceil(iterations / ticksPerSlow)), async () => {
  await tickAt(true)();
  for (let i = 1; i < ticksPerSlow; i++) await tickAt(false)();
});
const idlewatt = {
  cpuMsPerCall: period.cpuMsPerCall / ticksPerSlow,
  wallMsPerCall: period.wallMsPerCall / ticksPerSlow,
};
// systeminformation returns its previous result for calls closer than ~0.5 s; space them like ticks.
const systeminformation =
  typeof si === 'string'
    ? null
    : await measure(Math.max(5, Math.floor(iterations / 4)), () => si.processes(), 700);
const pidusageAll =
  typeof pidusage === 'string'
    ? null
    : await measure(iterations, async () => {
        try {
          await pidusage(pids());
        } catch {
          // a pid that exited between listing and reading: the peer rejects the whole call
        }
      });
if (typeof pidusage !== 'string') pidusage.clear();
const psSpawn = await measure(iterations, () =>
  run('ps', ['-axo', 'pid=,ppid=,rss=,time=,comm='], { maxBuffer: 16 * 1024 * 1024 }),
);

const ms = (m: { cpuMsPerCall: number } | null) => (m ? Number(m.cpuMsPerCall.toFixed(3)) : null);
const wall = (m: { wallMsPerCall: number } | null) => (m ? Number(m.wallMsPerCall.toFixed(3)) : null);
const ratioTo = (own: { cpuMsPerCall: number }, m: { cpuMsPerCall: number } | null) =>
  m ? Number((m.cpuMsPerCall / own.cpuMsPerCall).toFixed(1)) : null;
const ratio = (m: { cpuMsPerCall: number } | null) => ratioTo(idlewatt, m);
const targets = { psSpawn: 3, pidusage: 1.5, systeminformation: 20 };
const timesCheaperThan = {
  systeminformation: ratio(systeminformation),
  pidusage: ratio(pidusageAll),
  psSpawn: ratio(psSpawn),
};
const met = Object.fromEntries(
  Object.entries(targets).map(([name, target]) => {
    const r = timesCheaperThan[name as keyof typeof targets];
    return [name, r === null ? null : r >= target];
  }),
);
console.log(
  JSON.stringify({
    bench: 'peers',
    processCount,
    iterations,
    ticksPerSlowTier: ticksPerSlow,
    serviceProcesses,
    cpuMsPerTick: {
      idlewatt: ms(idlewatt),
      idlewattSlowTick: ms(slowTick),
      systeminformation: ms(systeminformation),
      pidusage: ms(pidusageAll),
      psSpawn: ms(psSpawn),
    },
    wallMsPerTick: {
      idlewatt: wall(idlewatt),
      idlewattSlowTick: wall(slowTick),
      systeminformation: wall(systeminformation),
      pidusage: wall(pidusageAll),
      psSpawn: wall(psSpawn),
    },
    timesCheaperThan,
    slowTickTimesCheaperThan: {
      systeminformation: ratioTo(slowTick, systeminformation),
      pidusage: ratioTo(slowTick, pidusageAll),
      psSpawn: ratioTo(slowTick, psSpawn),
    },
    skipped: [si, pidusage].filter((p): p is string => typeof p === 'string'),
    targets,
    met,
    loadAverage: loadavg()[0],
  }),
);
