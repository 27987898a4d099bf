import { join } from 'node:path';
import { HOUR_MS, segmentName, segmentOrder, type SegmentKind } from './segments.js';
import type { StoreFs } from './store-fs.js';

/** Spans further back than this from the newest one written are forgotten (a late sample starts over). */
const REMEMBERED_MS = 48 * HOUR_MS;

/**
 * Which file of a span the next line goes to: the span's newest part until it holds `maxBytes`, then
 * a new part, so no segment grows without bound (a stuck clock, a flood of lines).
 */
export class SegmentRotation {
  private readonly spans = new Map<number, { part: number; bytes: number; path?: string }>();
  private newest = -Infinity;

  constructor(
    private readonly kind: SegmentKind,
    private readonly maxBytes: number,
  ) {}

  /** Takes up the parts already on disk and the size of each span's newest part. */
  async load(fs: StoreFs, names: readonly string[]): Promise<void> {
    const newest = new Map<number, { name: string; part: number }>();
    for (const name of names) {
      const order = segmentOrder(this.kind, name);
      if (!order) continue;
      const known = newest.get(order.start);
      if (!known || order.part > known.part) newest.set(order.start, { name, part: order.part });
    }
    for (const [start, { name, part }] of newest) {
      const bytes = await fs.size(join(this.kind.dir, name)).catch(() => null);
      this.spans.set(start, { part, bytes: bytes ?? 0 });
      this.newest = Math.max(this.newest, start);
    }
  }

  /** The file for a line of `bytes` bytes (newline included) taken at `at`. */
  fileFor(at: number, bytes: number): string {
    const start = Math.floor(at / this.kind.spanMs) * this.kind.spanMs;
    let span = this.spans.get(start);
    if (!span) {
      this.spans.set(start, (span = { part: 0, bytes: 0 }));
      if (start > this.newest) this.forgetBefore((this.newest = start) - REMEMBERED_MS);
    }
    if (span.bytes > 0 && span.bytes + bytes > this.maxBytes) {
      span.part += 1;
      span.bytes = 0;
      span.path = undefined;
    }
    span.bytes += bytes;
    // Every line of a span goes to the same path until it rotates: built once, not per line.
    return (span.path ??= join(this.kind.dir, segmentName(this.kind, at, span.part)));
  }

  private forgetBefore(limit: number): void {
    for (const start of this.spans.keys()) if (start < limit) this.spans.delete(start);
  }
}
