import type { Sample } from '../contract/index.js';
import { SampleRing } from './sample-ring.js';

/**
 * The last `windowMs` of samples in memory, and the time from which they are complete: from then
 * on a query needs no disk. Before the first eviction that is where the window began at open.
 */
export class RecentSamples {
  private readonly ring: SampleRing;
  private from = 0;

  constructor(readonly windowMs: number) {
    // Twice the samples a 1 s cadence would produce, so a runaway caller cannot grow it without bound.
    this.ring = new SampleRing(windowMs, Math.max(1000, (windowMs / 1000) * 2));
  }

  get length(): number {
    return this.ring.length;
  }

  /** Every stored sample at or after this time is held here. */
  get completeFrom(): number {
    return this.from;
  }

  /** The samples read back from disk at open: complete from `from` on. */
  load(samples: readonly Sample[], from: number): void {
    for (const sample of samples) this.ring.push(sample);
    this.from = from;
  }

  push(sample: Sample): void {
    const evictedAt = this.ring.push(sample);
    if (evictedAt !== null) this.from = Math.max(this.from, evictedAt + 1);
  }

  latest(): Sample | null {
    return this.ring.latest();
  }

  between(from: number, to: number): Sample[] {
    return this.ring.between(from, to);
  }
}
