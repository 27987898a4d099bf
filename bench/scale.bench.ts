// Sampling cost as the process count grows: synthetic /proc trees of 100, 1,000 and 5,000 processes
// scanned by the procfs collector's single pass, with its command-line cache and stat descriptors as
// the running monitor keeps them (and once without either, as a first scan). Reports CPU per scan and per process, and whether
// the growth is linear (per-process cost within 2× across sizes). Target: ≤ 8 µs CPU per process.
// Then the same scan of this machine's real /proc, grown to each size with sleeping processes (Linux
// only): there the kernel renders every stat file, and the bare read of each file is reported beside
// the scan, as the floor no reader of /proc/<pid>/stat goes below.
// Usage: node --import tsx bench/scale.bench.ts [--sizes 100,1000,5000] [--no-real]
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ProcStatFiles } from '../main/collectors/linux/proc-stat-files.js';
import { readSystemConstants, scanProcesses, type CommandCache } from '../main/collectors/linux/procfs.js';
import { LastReadings } from '../main/collectors/last-readings.js';
import { defaultSettings } from '../main/contract/settings.js';
import { measure } from './cpu-clock.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' },
    'no-real': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const { sampling } = defaultSettings();
/** Ticks per slow-tier period at the defaults: one full scan, the rest fast. */
const TICKS_PER_SLOW = Math.round(sampling.slowIntervalSeconds / sampling.intervalSeconds);
/** Processes the fast tick re-reads, standing for the services' (the default stack has six). */
const SERVICE_PROCESSES = 10;

/**
 * The scans of one /proc root as the collector runs them: `full` reads every stat file, `fast`
 * re-reads only `hot` pids, and `cycle` is one slow-tier period at the defaults (a full scan, then
 * fast ones). All keep descriptors and the command-line cache, as the running monitor does.
 */
function tieredScans(
  root: string,
  constants: { clockTicks: number; pageSize: number | null },
  statFiles: ProcStatFiles,
) {
  const commandCache: CommandCache = new Map();
  const lastReadings = new LastReadings();
  const hot = new Set<number>();
  const scan = (full: boolean) => {
    const scanned = scanProcesses(root, constants, {
      wantOpenFiles: () => false,
      commandCache,
      statFiles,
      lastReadings,
      reread: (pid) => full || hot.has(pid),
    });
    if ('error' in scanned) throw new Error(`scan of ${root} failed: ${scanned.error}`);
    if (hot.size === 0) for (const p of scanned.processes.slice(-SERVICE_PROCESSES)) hot.add(p.pid);
    return scanned.processes.length;
  };
  return {
    full: () => scan(true),
    fast: () => scan(false),
    cycle: () => {
      scan(true);
      for (let i = 1; i < TICKS_PER_SLOW; i++) scan(false);
    },
  };
}

/** µs of CPU per process for `cpuMs` spent on `calls` scans of `processes` each. */
const perProcess = (cpuMs: number, processes: number, calls = 1) =>
  Number(((cpuMs * 1000) / (processes * calls)).toFixed(2));

const listPids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n));

function buildTree(root: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const pid = 1000 + i;
    const dir = join(root, String(pid));
    mkdirSync(dir, { recursive: true });
    const comm = i % 7 === 0 ? 'node (worker) x' : `svc${i % 50}`;
    const stat = `${pid} (${comm}) S ${i === 0 ? 1 : 1000 + (i % 40)} ${pid} ${pid} 0 -1 4194560 1234 0 0 0 ${i * 3} ${i} 0 0 20 0 ${1 + (i % 8)} 0 ${100000 + i} 123456789 ${2000 + i} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n`;
    writeFileSync(join(dir, 'stat'), stat);
    writeFileSync(join(dir, 'cmdline'), `/usr/bin/svc\0--port\0${3000 + i}\0`);
  }
}

const results = [];
for (const size of sizes) {
  const root = mkdtempSync(join(tmpdir(), `idlewatt-scale-${size}-`));
  try {
    buildTree(root, size);
    const iterations = Math.max(5, Math.round(20000 / size));
    const constants = { clockTicks: 100, pageSize: 4096 };
    // As the monitor scans a real /proc: stat descriptors kept open between scans.
    const statFiles = new ProcStatFiles(root, true);
    const scans = tieredScans(root, constants, statFiles);
    if (scans.full() !== size) throw new Error(`scan of ${size} found a different count`);
    // Steady state, as a monitor that scans every few seconds runs: the JIT has compiled the scan.
    for (let i = 0; i < iterations; i++) scans.cycle();
    const full = await measure(iterations, scans.full);
    const fast = await measure(iterations, scans.fast);
    const cycle = await measure(Math.max(2, Math.round(iterations / TICKS_PER_SLOW)), scans.cycle);
    const uncached = await measure(Math.max(3, Math.round(iterations / 4)), () =>
      scanProcesses(root, constants, { wantOpenFiles: () => false }),
    );
    statFiles.close();
    results.push({
      processes: size,
      cpuMsPerScan: Number(full.cpuMsPerCall.toFixed(3)),
      wallMsPerScan: Number(full.wallMsPerCall.toFixed(3)),
      microsecondsPerProcess: perProcess(full.cpuMsPerCall, size),
      microsecondsPerProcessFastTick: perProcess(fast.cpuMsPerCall, size),
      microsecondsPerProcessPerTick: perProcess(cycle.cpuMsPerCall, size, TICKS_PER_SLOW),
      microsecondsPerProcessWithoutCommandCache: perProcess(uncached.cpuMsPerCall, size),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
const linearIn = (values: number[]) => Math.max(...values) / Math.min(...values) <= 2;
const perTick = results.map((r) => r.microsecondsPerProcessPerTick);
const linear = linearIn(perTick) && linearIn(results.map((r) => r.microsecondsPerProcess));
const real: RealProc = values['no-real'] ? { skipped: '--no-real' } : await realProc(sizes);
// Where the real /proc could not be grown (not Linux, --no-real), the synthetic trees decide.
const realMet = 'met' in real ? real.met : true;
console.log(
  JSON.stringify({
    bench: 'scale',
    intervalSeconds: sampling.intervalSeconds,
    slowIntervalSeconds: sampling.slowIntervalSeconds,
    ticksPerSlowTier: TICKS_PER_SLOW,
    serviceProcesses: SERVICE_PROCESSES,
    results,
    linear,
    realProc: real,
    target: 'linear, ≤ 8 µs CPU per process per tick at the defaults, synthetic trees and the real /proc',
    met: linear && Math.max(...perTick) <= 8 && realMet,
  }),
);

/** The scan of the live /proc at each size (sleeping children make up the count), and the bare stat reads. */
interface RealRow {
  processes: number;
  microsecondsPerProcess: number;
  microsecondsPerProcessFastTick: number;
  microsecondsPerProcessPerTick: number;
  kernelStatReadMicroseconds: number;
}
type RealProc = { skipped: string; rows?: RealRow[] } | { rows: RealRow[]; linear: boolean; met: boolean };

async function realProc(targets: number[]): Promise<RealProc> {
  if (process.platform !== 'linux') return { skipped: 'not Linux: no /proc' };
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const rows: RealRow[] = [];
  let spawnError: Error | null = null;
  try {
    for (const target of targets) {
      const missing = target - listPids().length;
      for (let i = 0; i < missing && !spawnError; i++) {
        const child = spawn('sleep', ['600'], { stdio: 'ignore' });
        child.on('error', (error) => (spawnError ??= error));
        children.push(child);
      }
      await new Promise((resolve) => setTimeout(resolve, 2000)); // until every child has exec'd
      if (spawnError) throw spawnError;
      const pids = listPids();
      const size = pids.length;
      const iterations = Math.max(5, Math.round(20000 / size));
      const statFiles = new ProcStatFiles('/proc');
      const scans = tieredScans('/proc', readSystemConstants('/proc'), statFiles);
      for (let i = 0; i < iterations; i++) scans.cycle();
      const full = await measure(iterations, scans.full);
      const fast = await measure(iterations, scans.fast);
      const cycle = await measure(Math.max(2, Math.round(iterations / TICKS_PER_SLOW)), scans.cycle);
      statFiles.close();
      const fds = pids.flatMap((pid) => {
        try {
          return [openSync(`/proc/${pid}/stat`, 'r')];
        } catch {
          return [];
        }
      });
      const buffer = Buffer.alloc(1024);
      const bare = await measure(iterations, () => {
        for (const fd of fds) readSync(fd, buffer, 0, buffer.length, 0);
      });
      for (const fd of fds) closeSync(fd);
      rows.push({
        processes: size,
        microsecondsPerProcess: perProcess(full.cpuMsPerCall, size),
        microsecondsPerProcessFastTick: perProcess(fast.cpuMsPerCall, size),
        microsecondsPerProcessPerTick: perProcess(cycle.cpuMsPerCall, size, TICKS_PER_SLOW),
        kernelStatReadMicroseconds: perProcess(bare.cpuMsPerCall, fds.length),
      });
    }
  } catch (error) {
    return { skipped: `could not grow /proc: ${(error as Error).message}`, rows };
  } finally {
    killAll();
  }
  const perTickRows = rows.map((r) => r.microsecondsPerProcessPerTick);
  const linearRows = linearIn(perTickRows) && linearIn(rows.map((r) => r.microsecondsPerProcess));
  return { rows, linear: linearRows, met: linearRows && Math.max(...perTickRows) <= 8 };
}
