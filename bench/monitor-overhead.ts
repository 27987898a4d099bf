// Runs the headless monitor (dist/cli.cjs monitor) at its defaults and measures the monitor
// process's own CPU time (utime + stime from /proc/<pid>/stat, so other load on the machine matters
// less than for wall-clock timings) and its peak RSS (VmHWM). The CPU share is taken in steady
// state, from `warmupSeconds` after start, once V8's start-up work (JIT compiling, and the memory
// reducer's full GCs a few seconds in, which shrink the heap) is done; the same share counted from
// START_SECONDS is reported beside it, so that one-off cost stays visible. Linux only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLOCK_TICKS = 100;
/** When the from-start figure begins: the monitor has started, listened and taken its first ticks. */
const START_SECONDS = 10;
const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function statusKb(pid: number, key: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`));
  return line ? Number(line.split(/\s+/)[1]) : NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface MonitorOverhead {
  seconds: number;
  cpuSecondsPerMinute: number;
  percentOfOneCore: number;
  peakRssMb: number;
  /** The same share of one core counted from START_SECONDS after start, start-up work included. */
  fromStartPercentOfOneCore: number;
  startSeconds: number;
  warmupSeconds: number;
  /** The machine's 1-minute load average before and after: a shared machine reads higher. */
  loadAverage: { before: number; after: number };
  cores: number;
}

/** Starts the monitor with `args` added, waits `warmupSeconds`, then measures for `seconds`. */
export async function measureMonitor(
  args: string[],
  seconds: number,
  warmupSeconds: number,
  cores: number,
): Promise<MonitorOverhead> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idlewatt-overhead-'));
  const child = spawn(
    process.execPath,
    [cli, 'monitor', '--port', '0', '--data-dir', dataDir, '--quiet', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    await sleep(START_SECONDS * 1000);
    if (child.exitCode !== null) throw new Error(`monitor exited early: ${output}`);
    const fromStartCpu = cpuSeconds(child.pid!);
    const fromStartAt = performance.now();
    await sleep(Math.max(0, warmupSeconds - START_SECONDS) * 1000);
    if (child.exitCode !== null) throw new Error(`monitor exited early: ${output}`);
    const before = loadavg()[0]!;
    const startCpu = cpuSeconds(child.pid!);
    const startAt = performance.now();
    await sleep(seconds * 1000);
    if (child.exitCode !== null) throw new Error(`monitor exited during the run: ${output}`);
    const endCpu = cpuSeconds(child.pid!);
    const cpu = endCpu - startCpu;
    const elapsedSeconds = (performance.now() - startAt) / 1000;
    const fromStartShare = (endCpu - fromStartCpu) / ((performance.now() - fromStartAt) / 1000);
    const peakRssMb = statusKb(child.pid!, 'VmHWM') / 1024;
    return {
      seconds: Number(elapsedSeconds.toFixed(1)),
      cpuSecondsPerMinute: Number(((cpu / elapsedSeconds) * 60).toFixed(3)),
      percentOfOneCore: Number(((cpu / elapsedSeconds) * 100).toFixed(3)),
      peakRssMb: Number(peakRssMb.toFixed(1)),
      fromStartPercentOfOneCore: Number((fromStartShare * 100).toFixed(3)),
      startSeconds: START_SECONDS,
      warmupSeconds,
      loadAverage: { before, after: loadavg()[0]! },
      cores,
    };
  } finally {
    child.kill('SIGTERM');
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
