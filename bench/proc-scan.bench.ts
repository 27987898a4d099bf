// A whole /proc scan on this machine with about 500 processes (target: under 15 ms of CPU,
// so the slow tier stays cheap on a busy laptop).
// Tops the process count up to --target with idle `sleep` children, scans /proc with the procfs
// collector's single pass (command lines cached and stat files kept open across scans, as in the
// running monitor), and
// reports CPU ms per scan.
// Usage: node --import tsx bench/proc-scan.bench.ts [--target 500] [--iterations 50]
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ProcStatFiles } from '../main/collectors/linux/proc-stat-files.js';
import { readSystemConstants, scanProcesses, type CommandCache } from '../main/collectors/linux/procfs.js';
import { measure } from './cpu-clock.js';

const { values } = parseArgs({
  options: { target: { type: 'string', default: '500' }, iterations: { type: 'string', default: '50' } },
});
const target = Number(values.target);
const iterations = Number(values.iterations);
const count = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;

const children: ChildProcess[] = [];
try {
  for (let missing = target - count(); missing > 0; missing--) {
    children.push(spawn('sleep', ['300'], { stdio: 'ignore' }));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const constants = readSystemConstants('/proc');
  const cache: CommandCache = new Map();
  const statFiles = new ProcStatFiles('/proc');
  let scanned = 0;
  const m = await measure(iterations, () => {
    const scan = scanProcesses('/proc', constants, {
      wantOpenFiles: () => false,
      commandCache: cache,
      statFiles,
    });
    if ('error' in scan) throw new Error(scan.error);
    scanned = scan.processes.length;
  });
  const firstScan = await measure(1, () => scanProcesses('/proc', constants, { wantOpenFiles: () => false }));
  console.log(
    JSON.stringify({
      bench: 'proc-scan',
      processes: scanned,
      cpuMsPerScan: Number(m.cpuMsPerCall.toFixed(3)),
      wallMsPerScan: Number(m.wallMsPerCall.toFixed(3)),
      cpuMsPerScanWithoutCommandCache: Number(firstScan.cpuMsPerCall.toFixed(3)),
      target: 'under 15 ms CPU for ~500 processes',
      met: m.cpuMsPerCall < 15,
    }),
  );
} finally {
  for (const child of children) child.kill();
}
