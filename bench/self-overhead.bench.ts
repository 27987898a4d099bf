// Self-overhead of the headless monitor at default intervals with the default services: CPU seconds
// per minute (from its own /proc/<pid>/stat), as % of one core, and peak RSS (VmHWM).
// Targets: under 0.5 % of one core and under 120 MB RSS.
// Usage: node --import tsx bench/self-overhead.bench.ts [--seconds 120]   (needs `npm run build` first)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '120' }, warmup: { type: 'string', default: '10' } },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const CLOCK_TICKS = 100;
const cli = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'idlewatt-overhead-'));

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
const child = spawn(process.execPath, [cli, 'monitor', '--port', '0', '--data-dir', dataDir, '--quiet'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
child.stdout.on('data', (d) => (output += d));
child.stderr.on('data', (d) => (output += d));
try {
  await sleep(warmup * 1000);
  if (child.exitCode !== null) throw new Error(`monitor exited early: ${output}`);
  const startCpu = cpuSeconds(child.pid!);
  const startAt = performance.now();
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(child.pid!) - startCpu;
  const elapsedSeconds = (performance.now() - startAt) / 1000;
  const peakRssMb = statusKb(child.pid!, 'VmHWM') / 1024;
  const percentOfOneCore = (cpu / elapsedSeconds) * 100;
  console.log(
    JSON.stringify({
      bench: 'self-overhead',
      seconds: Number(elapsedSeconds.toFixed(1)),
      cpuSecondsPerMinute: Number(((cpu / elapsedSeconds) * 60).toFixed(3)),
      percentOfOneCore: Number(percentOfOneCore.toFixed(3)),
      peakRssMb: Number(peakRssMb.toFixed(1)),
      targets: { percentOfOneCore: 0.5, peakRssMb: 120 },
      met: percentOfOneCore < 0.5 && peakRssMb < 120,
    }),
  );
} finally {
  child.kill('SIGTERM');
  await sleep(500);
  rmSync(dataDir, { recursive: true, force: true });
}
