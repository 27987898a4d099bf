// Per-tick cost of IdleWatt's process + service sampling versus the same job done by peers, in one
// run on the same process set: systeminformation's processes(), pidusage on every pid, and a `ps`
// spawn per tick. CPU is this process plus its waited-for children (so spawned `ps` counts).
// Usage: node --import tsx bench/peers.bench.ts [--iterations 40]
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import pidusage from 'pidusage';
import si from 'systeminformation';
import { defaultSettings } from '../main/contract/index.js';
import { createCollectors } from '../main/collectors/setup.js';
import { Sampler } from '../main/sampler/sampler.js';
import { measure } from './cpu-clock.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '40' } } });
const iterations = Number(values.iterations);
const run = promisify(execFile);

const settings = defaultSettings();
// The same job IdleWatt does each process tick: every process's CPU time, RSS and threads, plus the
// socket table for the service ports.
const collectors = createCollectors({ platform: 'linux', sysRoot: '/sys', procRoot: '/proc' }).filter((c) =>
  ['procfs', 'tcp-sockets'].includes(c.definition.id),
);
const sampler = new Sampler({ collectors, settings: () => settings, platform: 'linux' });
const pids = () =>
  readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
const processCount = pids().length;

const idlewatt = await measure(iterations, () => sampler.tick());
// systeminformation returns its previous result for calls closer than ~0.5 s; space them like ticks.
const systeminformation = await measure(Math.max(5, Math.floor(iterations / 4)), () => si.processes(), 700);
const pidusageAll = await measure(iterations, async () => {
  try {
    await pidusage(pids());
  } catch {
    // a pid that exited between listing and reading: the peer rejects the whole call
  }
});
pidusage.clear();
const psSpawn = await measure(iterations, () =>
  run('ps', ['-axo', 'pid=,ppid=,rss=,time=,comm='], { maxBuffer: 16 * 1024 * 1024 }),
);

const ratio = (peer: { cpuMsPerCall: number }) =>
  Number((peer.cpuMsPerCall / idlewatt.cpuMsPerCall).toFixed(1));
console.log(
  JSON.stringify({
    bench: 'peers',
    processCount,
    iterations,
    cpuMsPerTick: {
      idlewatt: Number(idlewatt.cpuMsPerCall.toFixed(3)),
      systeminformation: Number(systeminformation.cpuMsPerCall.toFixed(3)),
      pidusage: Number(pidusageAll.cpuMsPerCall.toFixed(3)),
      psSpawn: Number(psSpawn.cpuMsPerCall.toFixed(3)),
    },
    wallMsPerTick: {
      idlewatt: Number(idlewatt.wallMsPerCall.toFixed(3)),
      systeminformation: Number(systeminformation.wallMsPerCall.toFixed(3)),
      pidusage: Number(pidusageAll.wallMsPerCall.toFixed(3)),
      psSpawn: Number(psSpawn.wallMsPerCall.toFixed(3)),
    },
    timesCheaperThan: {
      systeminformation: ratio(systeminformation),
      pidusage: ratio(pidusageAll),
      psSpawn: ratio(psSpawn),
    },
    target: 'idlewatt ≥ 10× cheaper than systeminformation',
    met: ratio(systeminformation) >= 10,
  }),
);
