import type { Sample, Settings } from '../contract/index.js';

export interface SamplerClockOptions {
  settings: () => Settings;
  now: () => number;
  tick: () => Promise<Sample>;
  /** When set (a replay's own pace), the wall-clock time the next tick is due, instead of the interval. */
  dueAt?: () => number;
}

/** Rates over a shorter window are noise (a dashboard connecting right after a tick asked for 110 ms). */
export const MIN_TICK_SPACING_MS = 1000;

/**
 * The one clock: runs a tick, then schedules the next one interval after this one began, faster while
 * a UI watches. Ticks never overlap, start at least MIN_TICK_SPACING_MS apart (unless a replay sets the
 * pace), and none is delivered after stop().
 */
export class SamplerClock {
  private watched = false;
  private timer: NodeJS.Timeout | null = null;
  private loop: (() => Promise<void>) | null = null;
  private running = false;
  private ticking = false;
  private lastStartedAt: number | null = null;

  constructor(private readonly o: SamplerClockOptions) {}

  setWatched(watched: boolean): void {
    const changed = watched !== this.watched;
    this.watched = watched;
    // A tick in flight reschedules with the new interval when it ends; starting one now would overlap it.
    if (changed && this.running && !this.ticking && !this.o.dueAt) this.schedule(0);
  }

  /** The interval between ticks now: faster while a UI watches. */
  intervalMs(): number {
    const s = this.o.settings().sampling;
    return (this.watched ? Math.min(s.processIntervalSeconds, s.intervalSeconds) : s.intervalSeconds) * 1000;
  }

  start(onSample: (sample: Sample) => void, onError: (error: Error) => void = () => {}): void {
    this.running = true;
    this.loop = async () => {
      const startedAt = this.o.now();
      this.lastStartedAt = startedAt;
      this.ticking = true;
      try {
        const sample = await this.o.tick();
        // A tick that ends after stop() is dropped: its consumers (store, API, notifier) may be closed.
        if (this.running) onSample(sample);
      } catch (error) {
        onError(error as Error); // a tick must never kill the clock
      } finally {
        this.ticking = false;
      }
      if (!this.running) return;
      const due = this.o.dueAt ? this.o.dueAt() : startedAt + this.intervalMs();
      this.schedule(Math.max(0, due - this.o.now()));
    };
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    // A replay's rates come from the recording's own timestamps, so its first pass is read at full speed.
    if (this.lastStartedAt !== null && !this.o.dueAt) {
      const since = this.o.now() - this.lastStartedAt;
      if (since >= 0) delayMs = Math.max(delayMs, MIN_TICK_SPACING_MS - since);
    }
    this.timer = setTimeout(() => void this.loop?.(), delayMs);
    this.timer.unref?.();
  }
}
