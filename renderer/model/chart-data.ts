import type { AlertEvent } from '../../main/contract/alerts.js';
import type { HistoryPoint } from '../../main/contract/history.js';
import type { Sample } from '../../main/contract/sample.js';

export type RangeId = '15m' | '1h' | '24h' | '7d';

export interface ChartRange {
  id: RangeId;
  label: string;
  durationMs: number;
  /** Points asked from the store; the chart decimates further when drawing. */
  points: number;
}

const MINUTE = 60_000;
export const CHART_RANGES: readonly ChartRange[] = [
  { id: '15m', label: '15 m', durationMs: 15 * MINUTE, points: 180 },
  { id: '1h', label: '1 h', durationMs: 60 * MINUTE, points: 360 },
  { id: '24h', label: '24 h', durationMs: 24 * 60 * MINUTE, points: 720 },
  { id: '7d', label: '7 d', durationMs: 7 * 24 * 60 * MINUTE, points: 1008 },
];

export function chartRange(id: RangeId): ChartRange {
  return CHART_RANGES.find((r) => r.id === id) ?? CHART_RANGES[0]!;
}

/** chart.js point with parsing:false: x in epoch ms, y in watts or null for a hole. */
export interface XY {
  x: number;
  y: number | null;
}

export interface PowerSeries {
  /** The whole machine only: a package reading never stands in for it. */
  system: XY[];
  /** The CPU/SoC package. */
  package: XY[];
  cpu: XY[];
  gpu: XY[];
  /** Apple Neural Engine, where powermetrics measures it. */
  ane: XY[];
  /** Whether any point of the series has a value (empty series are hidden from the legend). */
  has: { system: boolean; package: boolean; cpu: boolean; gpu: boolean; ane: boolean };
}

const finite = (v: number | null): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Splits history into the plotted series; a gap point becomes a hole in every line. */
export function toPowerSeries(points: readonly HistoryPoint[]): PowerSeries {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const series: PowerSeries = {
    system: [],
    package: [],
    cpu: [],
    gpu: [],
    ane: [],
    has: { system: false, package: false, cpu: false, gpu: false, ane: false },
  };
  for (const p of sorted) {
    const system = p.gap ? null : finite(p.systemWatts);
    const pkg = p.gap ? null : finite(p.packageWatts);
    const cpu = p.gap ? null : finite(p.cpuWatts);
    const gpu = p.gap ? null : finite(p.gpuWatts);
    series.system.push({ x: p.at, y: system });
    series.package.push({ x: p.at, y: pkg });
    series.cpu.push({ x: p.at, y: cpu });
    series.gpu.push({ x: p.at, y: gpu });
    const ane = p.gap ? null : finite(p.aneWatts ?? null);
    series.ane.push({ x: p.at, y: ane });
    series.has.ane ||= ane !== null;
    series.has.system ||= system !== null;
    series.has.package ||= pkg !== null;
    series.has.cpu ||= cpu !== null;
    series.has.gpu ||= gpu !== null;
  }
  return series;
}

export interface Span {
  from: number;
  to: number;
}

/**
 * Contiguous runs of idle points as time spans. Each point covers half the distance to its
 * neighbours so that shading lines up with what the line shows.
 */
export function idleSpans(points: readonly HistoryPoint[]): Span[] {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const spans: Span[] = [];
  let open: Span | null = null;
  sorted.forEach((p, i) => {
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    const start = prev ? (prev.at + p.at) / 2 : p.at;
    const end = next ? (p.at + next.at) / 2 : p.at;
    if (p.stackIdle && !p.gap) {
      if (open) open.to = end;
      else open = { from: start, to: end };
    } else if (open) {
      spans.push(open);
      open = null;
    }
  });
  if (open) spans.push(open);
  return spans.filter((s) => s.to > s.from);
}

export interface Marker {
  at: number;
  kind: 'activity' | 'inference' | 'alert';
  label: string;
}

/**
 * Activity ticks (one per point with requests), inference dots (one per point with a model
 * inference) and alert markers (fired/escalated) inside [from, to], naming services by `serviceName`.
 */
export function chartMarkers(
  points: readonly HistoryPoint[],
  alerts: readonly AlertEvent[],
  from: number,
  to: number,
  serviceName: (id: string) => string = (id) => id,
): Marker[] {
  const markers: Marker[] = [];
  const names = (ids: readonly string[]) => ids.map(serviceName).join(', ');
  for (const p of points) {
    if (p.at < from || p.at > to) continue;
    if (p.activeServices.length > 0) {
      markers.push({ at: p.at, kind: 'activity', label: `Requests: ${names(p.activeServices)}` });
    }
    const inferences = p.inferenceServices ?? [];
    if (inferences.length > 0) {
      markers.push({ at: p.at, kind: 'inference', label: `Inferences: ${names(inferences)}` });
    }
  }
  for (const a of alerts) {
    if ((a.kind === 'fired' || a.kind === 'escalated') && a.at >= from && a.at <= to) {
      markers.push({ at: a.at, kind: 'alert', label: a.title });
    }
  }
  return markers.sort((a, b) => a.at - b.at);
}

/** The history point a live sample would have produced, so the 15 m chart can grow between fetches. */
export function sampleToHistoryPoint(sample: Sample): HistoryPoint {
  const level = sample.thermal.pressure
    ? ['nominal', 'fair', 'serious', 'critical'].indexOf(sample.thermal.pressure)
    : null;
  return {
    at: sample.at,
    systemWatts: sample.power.systemWatts,
    systemWattsMin: sample.power.systemWatts,
    systemWattsMax: sample.power.systemWatts,
    cpuWatts: sample.power.cpuWatts,
    gpuWatts: sample.power.gpuWatts,
    aneWatts: sample.power.aneWatts,
    packageWatts: sample.power.packageWatts,
    cpuTempCelsius: sample.thermal.cpuTempCelsius,
    thermalLevel: level === null || level < 0 ? null : level,
    stackIdle: sample.idle.stackIdle,
    activeServices: sample.services.filter((s) => s.active).map((s) => s.id),
    inferenceServices: sample.services.filter((s) => s.inference === true).map((s) => s.id),
    gap: sample.gap,
  };
}

/**
 * Appends a live point to a window of history, dropping points older than `durationMs` before it
 * and ignoring points that are not newer than the last one (SSE replays after a reconnect).
 */
export function appendLivePoint(
  points: readonly HistoryPoint[],
  point: HistoryPoint,
  durationMs: number,
): HistoryPoint[] {
  const last = points[points.length - 1];
  if (last && point.at <= last.at) return [...points];
  const cutoff = point.at - durationMs;
  return [...points.filter((p) => p.at >= cutoff), point];
}

const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map((m) => m * MINUTE);

/**
 * Axis ticks on round local times (every 5 min, 1 h, 1 d…) with at most `maxTicks` inside
 * [from, to]. The linear scale's own ticks would fall on arbitrary milliseconds.
 */
export function timeTicks(from: number, to: number, maxTicks = 5): number[] {
  if (!(to > from)) return [];
  const step =
    TICK_STEPS_MS.find((s) => (to - from) / s <= maxTicks) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const ticks: number[] = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return ticks;
}
