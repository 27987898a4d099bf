import { lineTime } from './record-codec.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** A family of append-only segment files: one file per UTC hour (raw) or UTC day (rollups, alerts). */
export interface SegmentKind {
  dir: string;
  prefix: string;
  spanMs: typeof HOUR_MS | typeof DAY_MS;
}

const SUFFIX = '.jsonl';

/**
 * A span's file name; part N > 0 continues the span in a new file once the previous part reached the
 * size limit ("2025-01-06T09.jsonl", "2025-01-06T09.1.jsonl", …).
 */
export function segmentName(kind: SegmentKind, at: number, part = 0): string {
  const iso = new Date(Math.floor(at / kind.spanMs) * kind.spanMs).toISOString();
  const stamp = kind.spanMs === HOUR_MS ? iso.slice(0, 13) : iso.slice(0, 10);
  return `${kind.prefix}${stamp}${part > 0 ? `.${part}` : ''}${SUFFIX}`;
}

/** Where a file sits among its kind's: the start of its span, then its part. */
export interface SegmentOrder {
  start: number;
  part: number;
}

/** The span and part a file name stands for, or null when the name is not one of this kind. */
export function segmentOrder(kind: SegmentKind, name: string): SegmentOrder | null {
  if (!name.startsWith(kind.prefix) || !name.endsWith(SUFFIX)) return null;
  const rest = name.slice(kind.prefix.length, -SUFFIX.length);
  const pattern =
    kind.spanMs === HOUR_MS
      ? /^(\d{4}-\d{2}-\d{2}T\d{2})(?:\.([1-9]\d{0,5}))?$/
      : /^(\d{4}-\d{2}-\d{2})(?:\.([1-9]\d{0,5}))?$/;
  const match = pattern.exec(rest);
  if (!match) return null;
  const stamp = match[1]!;
  const at = Date.parse(kind.spanMs === HOUR_MS ? `${stamp}:00:00Z` : `${stamp}T00:00:00Z`);
  return Number.isFinite(at) ? { start: at, part: match[2] ? Number(match[2]) : 0 } : null;
}

export const compareOrder = (a: SegmentOrder, b: SegmentOrder): number =>
  a.start - b.start || a.part - b.part;

/** Start of the span a segment file covers, or null when the name is not one of this kind. */
export function segmentStart(kind: SegmentKind, name: string): number | null {
  return segmentOrder(kind, name)?.start ?? null;
}

/** Names of this kind whose span overlaps [from, to], oldest first (parts in order). */
export function overlapping(kind: SegmentKind, names: Iterable<string>, from: number, to: number): string[] {
  const hits: { name: string; order: SegmentOrder }[] = [];
  for (const name of new Set(names)) {
    const order = segmentOrder(kind, name);
    if (order !== null && order.start <= to && order.start + kind.spanMs > from) hits.push({ name, order });
  }
  return hits.sort((a, b) => compareOrder(a.order, b.order)).map((h) => h.name);
}

export interface ScanResult<T> {
  items: T[];
  /** The file ends in a partial line (a write cut short by a crash). */
  torn: boolean;
  /** Complete lines that are not valid records. */
  corrupt: number;
}

/**
 * Decodes the lines of a segment whose time lies in [from, to]. Lines are pre-filtered by the time
 * at their start, so out-of-range lines cost no JSON parsing. `timeOf` null decodes every line.
 */
export function scanLines<T>(
  text: string,
  from: number,
  to: number,
  decode: (line: string) => T | null,
  timeOf: ((line: string) => number) | null = lineTime,
): ScanResult<T> {
  const items: T[] = [];
  let corrupt = 0;
  let torn = false;
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const complete = newline >= 0;
    const line = text.slice(start, complete ? newline : text.length);
    start = complete ? newline + 1 : text.length;
    if (line === '') continue;
    if (timeOf) {
      const at = timeOf(line);
      if (Number.isFinite(at) && (at < from || at > to)) continue;
    }
    const item = decode(line);
    if (item !== null) items.push(item);
    else if (complete) corrupt += 1;
    else torn = true;
  }
  return { items, torn, corrupt };
}
