import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100;

/** CPU seconds of waited-for children (cutime + cstime in /proc/self/stat), e.g. spawned `ps`. Linux only. */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

/** This process's CPU (microsecond resolution) plus its children's (clock-tick resolution), in ms. */
export function cpuMsNow(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + childrenCpuSeconds() * 1000;
}

/**
 * Runs `fn` `iterations` times and returns CPU and wall milliseconds per iteration. `spacingMs`
 * sleeps between calls (not counted in wall time), for peers that cache results between close calls.
 */
export async function measure(
  iterations: number,
  fn: () => unknown | Promise<unknown>,
  spacingMs = 0,
): Promise<{ cpuMsPerCall: number; wallMsPerCall: number }> {
  await fn(); // warm-up: JIT, caches
  let cpuMs = 0;
  let wallMs = 0;
  for (let i = 0; i < iterations; i++) {
    if (spacingMs > 0) await new Promise((resolve) => setTimeout(resolve, spacingMs));
    const cpuBefore = cpuMsNow();
    const wallBefore = performance.now();
    await fn();
    wallMs += performance.now() - wallBefore;
    cpuMs += cpuMsNow() - cpuBefore;
  }
  return { cpuMsPerCall: cpuMs / iterations, wallMsPerCall: wallMs / iterations };
}
