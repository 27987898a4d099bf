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
import { measure } from './cpu-clock.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000,5000' },
    'no-real': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes!.split(',').map(Number);

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
    const cache: CommandCache = new Map();
    // As the monitor scans a real /proc: stat descriptors kept open between scans.
    const statFiles = new ProcStatFiles(root, true);
    const scan = (withCache: boolean) => () => {
      const scanned = withCache
        ? scanProcesses(root, constants, () => false, cache, statFiles)
        : scanProcesses(root, constants, () => false);
      if ('error' in scanned || scanned.processes.length !== size) throw new Error(`scan of ${size} failed`);
    };
    // Steady state, as a monitor that scans every few seconds runs: the JIT has compiled the scan.
    for (let i = 0; i < iterations; i++) scan(true)();
    const m = await measure(iterations, scan(true));
    const uncached = await measure(Math.max(3, Math.round(iterations / 4)), scan(false));
    statFiles.close();
    results.push({
      processes: size,
      cpuMsPerScan: Number(m.cpuMsPerCall.toFixed(3)),
      wallMsPerScan: Number(m.wallMsPerCall.toFixed(3)),
      microsecondsPerProcess: Number(((m.cpuMsPerCall * 1000) / size).toFixed(2)),
      microsecondsPerProcessWithoutCommandCache: Number(((uncached.cpuMsPerCall * 1000) / size).toFixed(2)),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
const perProcess = results.map((r) => r.microsecondsPerProcess);
const linear = Math.max(...perProcess) / Math.min(...perProcess) <= 2;
const real = values['no-real'] ? { skipped: '--no-real' } : await realProc(sizes);
console.log(
  JSON.stringify({
    bench: 'scale',
    results,
    linear,
    realProc: real,
    target: 'linear, ≤ 8 µs CPU per process (cached scan)',
    met: linear && Math.max(...perProcess) <= 8,
  }),
);

/** The scan of the live /proc at each size (sleeping children make up the count), and the bare stat reads. */
async function realProc(targets: number[]): Promise<object> {
  if (process.platform !== 'linux') return { skipped: 'not Linux: no /proc' };
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const rows = [];
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
      const constants = readSystemConstants('/proc');
      const statFiles = new ProcStatFiles('/proc');
      const cache: CommandCache = new Map();
      const scan = () => scanProcesses('/proc', constants, () => false, cache, statFiles);
      for (let i = 0; i < iterations; i++) scan();
      const scanned = await measure(iterations, scan);
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
        microsecondsPerProcess: Number(((scanned.cpuMsPerCall * 1000) / size).toFixed(2)),
        kernelStatReadMicroseconds: Number(((bare.cpuMsPerCall * 1000) / fds.length).toFixed(2)),
      });
    }
  } catch (error) {
    return { skipped: `could not grow /proc: ${(error as Error).message}`, rows };
  } finally {
    killAll();
  }
  const perProcess = rows.map((r) => r.microsecondsPerProcess);
  return { rows, linear: Math.max(...perProcess) / Math.min(...perProcess) <= 2 };
}
