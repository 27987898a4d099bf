import { formatWatts } from '../../main/contract/format.js';
import type { HistoryPoint, ServicePoint } from '../../main/contract/history.js';
import type { PowerBasis } from '../../main/contract/sample.js';

export interface ServiceSeries {
  id: string;
  name: string;
  /** From the same range query (same from, to and points) as the history, so the buckets line up. */
  points: readonly ServicePoint[];
}

export const REST_ID = 'rest';

export interface StackLayer {
  id: string;
  name: string;
  /** This layer's own watts per bucket; null where the split is unknown. */
  values: (number | null)[];
}

export interface AttributionStack {
  basis: PowerBasis;
  at: number[];
  /** The measured total per bucket the layers add up to; null in gaps. */
  totals: (number | null)[];
  /** Services (largest mean first), then "rest of system". */
  layers: StackLayer[];
}

/**
 * Splits each bucket's measured total (system watts where the split was made from the whole
 * machine, else the package) into the services' estimated watts and the rest, so that the layers
 * add up to the total exactly. A service absent from a bucket had no process then: 0 W. A service
 * whose estimate is unknown makes the whole bucket unknown (no rest can be told). Bucket means of
 * the estimates can exceed the bucket mean of the total (samples seen by one and not the other):
 * then the services are scaled down to the total and the rest is 0.
 */
export function attributionStack(
  history: readonly HistoryPoint[],
  services: readonly ServiceSeries[],
  basis: PowerBasis,
): AttributionStack {
  const at = history.map((p) => p.at);
  const totals = history.map((p) => (basis === 'system' ? p.systemWatts : p.packageWatts));
  const byService = services.map((s) => alignToBuckets(at, s.points));
  const serviceValues: (number | null)[][] = services.map(() => []);
  const rest: (number | null)[] = [];
  history.forEach((p, i) => {
    const total = totals[i] ?? null;
    const own = byService.map((aligned) => aligned[i]!);
    if (total === null || p.gap || own.some((w) => w === null)) {
      serviceValues.forEach((v) => v.push(null));
      rest.push(null);
      return;
    }
    const sum = own.reduce<number>((a, w) => a + (w ?? 0), 0);
    const scale = sum > total && sum > 0 ? total / sum : 1;
    own.forEach((w, k) => serviceValues[k]!.push((w ?? 0) * scale));
    rest.push(Math.max(0, total - sum * scale));
  });
  const layers = services
    .map((s, k) => ({ id: s.id, name: s.name, values: serviceValues[k]! }))
    .filter((l) => l.values.some((v) => v !== null && v > 0))
    .sort((a, b) => mean(b.values)! - mean(a.values)!);
  layers.push({ id: REST_ID, name: 'rest of system', values: rest });
  return { basis, at, totals, layers };
}

/**
 * The service's watts per history bucket: the mean of its points that fall in the bucket (from the
 * bucket's time to the next one's), 0 where it has none (no process then), null where one is unknown.
 * The store answers a range query per sample when there are few samples and per bucket otherwise,
 * and a service's query can sit on the other side of that line than the whole history's.
 */
function alignToBuckets(at: readonly number[], points: readonly ServicePoint[]): (number | null)[] {
  const sums = at.map(() => ({ watts: 0 as number | null, count: 0 }));
  for (const p of points) {
    const i = floorIndex(at, p.at);
    if (i < 0) continue;
    const bucket = sums[i]!;
    bucket.count += 1;
    bucket.watts =
      bucket.watts === null || p.estimatedWatts === null ? null : bucket.watts + p.estimatedWatts;
  }
  return sums.map((b) => (b.count === 0 ? 0 : b.watts === null ? null : b.watts / b.count));
}

/** The last index whose time is at or before `t` (times ascending); -1 before the first. */
function floorIndex(at: readonly number[], t: number): number {
  let lo = 0;
  let hi = at.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function mean(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((a, v) => a + v, 0) / known.length : null;
}

/** Running sums from the bottom layer up: what a stacked area chart draws. */
export function cumulative(stack: AttributionStack): (number | null)[][] {
  const running = stack.at.map(() => 0 as number | null);
  return stack.layers.map((layer) =>
    layer.values.map((v, i) => {
      const below = running[i] ?? null;
      const next = v === null || below === null ? null : below + v;
      running[i] = next;
      return next;
    }),
  );
}

/** What the legend says the stack was split from. */
export function basisLabel(basis: PowerBasis, packageName: string): string {
  return basis === 'system' ? 'measured system power (whole machine)' : `measured ${packageName} power`;
}

/** The chart in words for a screen reader: each layer's mean over the range and the measured total. */
export function stackSummary(stack: AttributionStack, rangeLabel: string, packageName: string): string {
  const total = mean(stack.totals);
  if (total === null || stack.at.length === 0)
    return `Who used the power over the last ${rangeLabel}: no data`;
  const parts = stack.layers
    .map((l) => ({ name: l.name, watts: mean(l.values) }))
    .filter((l): l is { name: string; watts: number } => l.watts !== null)
    .map((l) => `${l.name} \u2248 ${formatWatts(l.watts)}`);
  return (
    `Who used the power over the last ${rangeLabel}, on average: ${parts.join(', ')}; together ` +
    `${formatWatts(total)} of ${basisLabel(stack.basis, packageName)}. The split between services is an estimate.`
  );
}
