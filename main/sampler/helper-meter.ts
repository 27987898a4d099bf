import type { HelperProcessCost } from '../contract/index.js';
import type { PowermetricsHelperObservation, ProcessInfo } from '../collectors/types.js';

const POWERMETRICS = 'powermetrics';
const WINDOW_MS = 10_000;

/**
 * Measures the root powermetrics process IdleWatt started, from the process table the tick already
 * read (`ps -axo pid=,ppid=,rss=,time=,comm=` on macOS, which reports root processes' CPU time and
 * RSS to an ordinary user: see the `ps axu` capture in tests/fixtures/ps), so it costs no extra
 * spawn. powermetrics is the child of the helper loop whose pid the helper printed. ps states CPU
 * time in hundredths of a second, so CPU is the change of that time over at least WINDOW_MS (a
 * 2 s tick alone would only resolve 0.5 % steps). Where ps runs only on the slow tier (libproc
 * reads the rest, and may not read a root process), the row is stale between: it moves no window.
 */
export class HelperMeter {
  /** The start of the current window, and the last complete window's figure. */
  private previous: { startKey: string; cpuSeconds: number; at: number } | null = null;
  private lastPercent: number | null = null;

  /**
   * `helper`: what the powermetrics collector said this tick; `reason`: why it said nothing. Neither
   * (no such collector on this platform): undefined, the sample lists no helper.
   */
  measure(
    at: number,
    helper: PowermetricsHelperObservation | undefined,
    reason: string | undefined,
    processes: readonly ProcessInfo[] | undefined,
  ): HelperProcessCost | undefined {
    if (helper === undefined) {
      if (reason === undefined) return undefined;
      return this.forget(reason);
    }
    if (helper.absent !== undefined) return this.forget(helper.absent);
    if (helper.parentPid === null) return this.forget('the powermetrics helper has not reported its pid');
    if (processes === undefined) return this.forget('no process reading this tick');
    const row = processes.find((p) => p.ppid === helper.parentPid && p.name === POWERMETRICS);
    if (!row) return this.forget('powermetrics is not running (its helper restarts it)');
    const previous = this.previous;
    if (row.stale) {
      const known = previous !== null && previous.startKey === row.startKey;
      return {
        pid: row.pid,
        cpuPercent: known ? this.lastPercent : null,
        rssBytes: row.rssBytes,
        absent: null,
      };
    }
    if (previous === null || previous.startKey !== row.startKey || at < previous.at) {
      this.previous = { startKey: row.startKey, cpuSeconds: row.cpuSeconds, at };
      this.lastPercent = null;
    } else if (at - previous.at >= WINDOW_MS) {
      const seconds = (at - previous.at) / 1000;
      this.lastPercent = (Math.max(0, row.cpuSeconds - previous.cpuSeconds) / seconds) * 100;
      this.previous = { startKey: row.startKey, cpuSeconds: row.cpuSeconds, at };
    }
    return { pid: row.pid, cpuPercent: this.lastPercent, rssBytes: row.rssBytes, absent: null };
  }

  private forget(reason: string): HelperProcessCost {
    this.previous = null;
    this.lastPercent = null;
    return absentCost(reason);
  }
}

function absentCost(reason: string): HelperProcessCost {
  return { pid: null, cpuPercent: null, rssBytes: null, absent: reason };
}
