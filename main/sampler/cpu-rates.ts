import type { ProcessInfo } from '../collectors/types.js';

interface CpuPoint {
  startKey: string;
  cpuSeconds: number;
  at: number;
  rate: number | null;
}

/** Upper bound for one process: more than this many cores' worth is a broken counter, not a rate. */
const MAX_CORES = 1024;
/** CPU % over a shorter window is noise (a tick right after another): the older baseline is kept. */
export const MIN_RATE_WINDOW_MS = 1000;

/**
 * Turns cumulative CPU seconds into CPU % (100 = one core) over the measured elapsed time.
 * A process seen for the first time, restarted (same pid, new start key) or whose counter went
 * backwards yields null for that tick, never a negative or absurd rate. Over a window shorter than
 * MIN_RATE_WINDOW_MS the rate is null too and the baseline stays, so the next rate spans ≥ 1 s.
 * A stale process (not re-read this tick) keeps its baseline and its last rate: the next read
 * measures it over the whole time since the last one.
 */
export class CpuRateTracker {
  private previous = new Map<number, CpuPoint>();
  private carrying = false;

  update(processes: readonly ProcessInfo[], at: number): Map<number, number | null> {
    const rates = new Map<number, number | null>();
    const next = new Map<number, CpuPoint>();
    for (const p of processes) {
      const before = this.previous.get(p.pid);
      if (p.stale) {
        const same = before !== undefined && before.startKey === p.startKey;
        if (same) next.set(p.pid, before);
        rates.set(p.pid, same ? before.rate : null);
        continue;
      }
      if (
        before &&
        before.startKey === p.startKey &&
        at >= before.at &&
        at - before.at < MIN_RATE_WINDOW_MS
      ) {
        next.set(p.pid, before);
        rates.set(p.pid, null);
        continue;
      }
      let r = before ? rate(before, p, at) : null;
      if (r === null && this.carrying && before) r = before.rate;
      next.set(p.pid, { startKey: p.startKey, cpuSeconds: p.cpuSeconds, at, rate: r });
      rates.set(p.pid, r);
    }
    this.previous = next;
    this.carrying = false;
    return rates;
  }

  /** Forget everything (after a gap: nothing is integrated across it). */
  reset(): void {
    this.previous.clear();
    this.carrying = false;
  }

  /**
   * The next update's counters start over without the processes having restarted (a replay begins
   * its next pass): a process whose rate cannot be measured then keeps its previous rate, once.
   */
  carryOver(): void {
    this.carrying = true;
  }
}

function rate(before: CpuPoint, now: ProcessInfo, at: number): number | null {
  if (before.startKey !== now.startKey) return null;
  const elapsedSeconds = (at - before.at) / 1000;
  const used = now.cpuSeconds - before.cpuSeconds;
  if (!(elapsedSeconds > 0) || !Number.isFinite(used) || used < 0) return null;
  const percent = (used / elapsedSeconds) * 100;
  return percent > MAX_CORES * 100 ? null : percent;
}
