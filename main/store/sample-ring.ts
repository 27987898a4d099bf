import type { Sample } from '../contract/index.js';

/** The last `windowMs` of samples at full resolution, kept sorted by time. */
export class SampleRing {
  private items: Sample[] = [];
  private head = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxCount: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds a sample; returns the time of the newest sample evicted, or null. */
  push(sample: Sample): number | null {
    const last = this.items[this.items.length - 1];
    if (!last || sample.at >= last.at || this.length === 0) this.items.push(sample);
    else this.items.splice(this.indexAtOrAfter(sample.at + 1), 0, sample);
    return this.evict();
  }

  latest(): Sample | null {
    return this.length === 0 ? null : (this.items[this.items.length - 1] ?? null);
  }

  oldestAt(): number | null {
    return this.length === 0 ? null : (this.items[this.head]?.at ?? null);
  }

  /** Samples with from <= at <= to, oldest first. */
  between(from: number, to: number): Sample[] {
    const start = this.indexAtOrAfter(from);
    const end = this.indexAtOrAfter(to + 1);
    return this.items.slice(start, end);
  }

  private evict(): number | null {
    const newest = this.latest();
    if (!newest) return null;
    let evictedAt: number | null = null;
    while (this.length > 0) {
      const oldest = this.items[this.head]!;
      if (oldest.at >= newest.at - this.windowMs && this.length <= this.maxCount) break;
      evictedAt = evictedAt === null ? oldest.at : Math.max(evictedAt, oldest.at);
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return evictedAt;
  }

  private indexAtOrAfter(at: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
