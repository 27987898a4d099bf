import type { Sample } from '../contract/index.js';
import { encodeServiceRollup, encodeSystemRollup } from './rollup-codec.js';
import { addSample, emptyAggregate, minuteOf, type Aggregate } from './rollup.js';
import type { Outbox } from './outbox.js';
import type { SegmentLayout } from './segment-layout.js';

/**
 * The minute in progress, aggregated as samples arrive; when a sample of another minute comes, the
 * finished one is queued as a system and a service rollup line. The minute in progress is never
 * written: the next open rebuilds it from the raw lines.
 */
export class LiveMinute {
  current: Aggregate | null = null;

  constructor(
    private readonly outbox: Outbox,
    private readonly layout: SegmentLayout,
  ) {}

  add(sample: Sample): void {
    const minute = minuteOf(sample.at);
    if (this.current && this.current.at !== minute) this.finish(this.current);
    if (!this.current || this.current.at !== minute) this.current = emptyAggregate(minute);
    addSample(this.current, sample);
  }

  finish(minute: Aggregate, parts: { sys: boolean; svc: boolean } = { sys: true, svc: true }): void {
    if (parts.sys) this.outbox.enqueue(this.layout.fileFor('sys', minute.at), encodeSystemRollup(minute));
    if (parts.svc) this.outbox.enqueue(this.layout.fileFor('svc', minute.at), encodeServiceRollup(minute));
  }

  /** The minute in progress when it starts within [from, to]. */
  within(from: number, to: number): Aggregate | null {
    const current = this.current;
    return current && current.at >= from && current.at <= to ? current : null;
  }
}
