import type { SelfCost } from '../contract/index.js';

export interface SelfMeterOptions {
  /** CPU time this process has used, in microseconds (process.cpuUsage()). */
  cpuUsage?: () => { user: number; system: number };
  rssBytes?: () => number;
  /** A monotonic clock in milliseconds, so a wall-clock jump never skews the rate. */
  now?: () => number;
}

/**
 * Measures the monitor's own cost: the CPU time its process used between two measurements as a
 * percent of one core, and its resident memory. The sampler measures once per tick, so each figure
 * covers one sample interval, the tick's own work included.
 */
export class SelfMeter {
  private readonly cpuUsage: () => { user: number; system: number };
  private readonly rssBytes: () => number;
  private readonly now: () => number;
  private previous: { at: number; cpuMicros: number } | null = null;

  constructor(options: SelfMeterOptions = {}) {
    this.cpuUsage = options.cpuUsage ?? (() => process.cpuUsage());
    this.rssBytes = options.rssBytes ?? (() => process.memoryUsage.rss());
    this.now = options.now ?? (() => performance.now());
  }

  measure(): SelfCost {
    const at = this.now();
    const usage = this.cpuUsage();
    const cpuMicros = usage.user + usage.system;
    const previous = this.previous;
    this.previous = { at, cpuMicros };
    const elapsedMs = previous === null ? 0 : at - previous.at;
    const usedMicros = previous === null ? -1 : cpuMicros - previous.cpuMicros;
    const cpuPercent = elapsedMs > 0 && usedMicros >= 0 ? (usedMicros / 1000 / elapsedMs) * 100 : null;
    return { cpuPercent, rssBytes: this.rssBytes() };
  }
}
