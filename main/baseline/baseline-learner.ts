import {
  powerSourceOf,
  powerStateOf,
  type BaselineEntry,
  type PowerState,
  type Sample,
} from '../contract/index.js';

export { powerSourceOf, powerStateOf };

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** The learned baseline is this percentile of idle one-minute means: low, but not the single quietest minute. */
export const BASELINE_PERCENTILE = 0.1;
/** Idle minutes needed before a learned baseline is shown. */
export const MIN_LEARNING_MINUTES = 30;
export const LEARNING_DAYS = 7;

interface MinuteMeans {
  systemSum: number;
  systemN: number;
  packageSum: number;
  packageN: number;
}

export function baselineKey(source: string, powerState: PowerState): string {
  return `${source}|${powerState}`;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))));
  return sorted[index]!;
}

/**
 * Learns the idle baseline from samples: idle, gap-free samples are folded into one-minute means per
 * power source and power state; the baseline is a low percentile of the last 7 days of those minutes.
 * Fed by the core for every sample, and once from the stored history at start.
 */
export class BaselineLearner {
  private readonly minutes = new Map<string, Map<number, MinuteMeans>>();
  private newestAt = 0;
  /** learned() sorts every minute; its answer only changes when a minute is added. */
  private cached: { version: number; entries: BaselineEntry[] } | null = null;
  private version = 0;

  add(sample: Sample): void {
    if (!sample.idle.stackIdle || sample.gap) return;
    const source = powerSourceOf(sample);
    if (source === null) return;
    const key = baselineKey(source, powerStateOf(sample));
    let perMinute = this.minutes.get(key);
    if (!perMinute) this.minutes.set(key, (perMinute = new Map()));
    const minute = Math.floor(sample.at / MINUTE_MS) * MINUTE_MS;
    const m = perMinute.get(minute) ?? { systemSum: 0, systemN: 0, packageSum: 0, packageN: 0 };
    const system = sample.power.systemWatts;
    if (system !== null && Number.isFinite(system)) {
      m.systemSum += system;
      m.systemN += 1;
    }
    const pkg = sample.power.packageWatts;
    if (pkg !== null && Number.isFinite(pkg)) {
      m.packageSum += pkg;
      m.packageN += 1;
    }
    if (!perMinute.has(minute)) this.version += 1;
    perMinute.set(minute, m);
    if (sample.at > this.newestAt) {
      this.newestAt = sample.at;
      if (perMinute.size % 60 === 0) this.prune();
    }
  }

  /** Idle minutes seen for one source and power state within the learning window. */
  minutesFor(source: string, powerState: PowerState): number {
    this.prune();
    return this.minutes.get(baselineKey(source, powerState))?.size ?? 0;
  }

  /** One learned baseline per source and power state with enough idle minutes. */
  learned(): BaselineEntry[] {
    this.prune();
    if (this.cached?.version === this.version) return this.cached.entries;
    const entries: BaselineEntry[] = [];
    for (const [key, perMinute] of this.minutes) {
      if (perMinute.size < MIN_LEARNING_MINUTES) continue;
      const [source, powerState] = key.split('|') as [string, PowerState];
      const system = [...perMinute.values()]
        .filter((m) => m.systemN > 0)
        .map((m) => m.systemSum / m.systemN)
        .sort((a, b) => a - b);
      const pkg = [...perMinute.values()]
        .filter((m) => m.packageN > 0)
        .map((m) => m.packageSum / m.packageN)
        .sort((a, b) => a - b);
      entries.push({
        source,
        powerState,
        systemWatts: system.length === 0 ? null : percentile(system, BASELINE_PERCENTILE),
        packageWatts: pkg.length === 0 ? null : percentile(pkg, BASELINE_PERCENTILE),
        kind: 'learned',
        minutes: perMinute.size,
        at: Math.max(...perMinute.keys()),
      });
    }
    this.cached = { version: this.version, entries };
    return entries;
  }

  private prune(): void {
    const oldest = this.newestAt - LEARNING_DAYS * DAY_MS;
    for (const [key, perMinute] of this.minutes) {
      for (const minute of perMinute.keys()) {
        if (minute < oldest) {
          perMinute.delete(minute);
          this.version += 1;
        }
      }
      if (perMinute.size === 0) this.minutes.delete(key);
    }
  }
}
