import { THERMAL_PRESSURES } from '../contract/index.js';
import { emptyAggregate, emptyServiceAggregate, emptyStat, type Aggregate, type Stat } from './rollup.js';

/**
 * Per-minute rollups are two lines in two files, so a long-range power chart never parses
 * per-service data:
 *   system:   [1, minuteAt, count, sysW, cpuW, gpuW, pkgW, tempC, level, idleCount, gap, active[], inference[]?]
 *   services: [1, minuteAt, coveredMs, idleWh, activeWh, thermalMs[], [[id, count, cpu, rssKiB, watts, idleWh, activeWh, activeCount], …]]
 * A statistic is null (no values) or [sum, n] / [sum, min, max, n]; sums keep means exact.
 */
const VERSION = 1;

const r = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

const sumOnly = (s: Stat, decimals: number, scale = 1): [number, number] | null =>
  s.n === 0 ? null : [r(s.sum / scale, decimals), s.n];
const withRange = (s: Stat, decimals: number): [number, number, number, number] | null =>
  s.n === 0 ? null : [r(s.sum, decimals), r(s.min, decimals), r(s.max, decimals), s.n];

export function encodeSystemRollup(a: Aggregate): string {
  return JSON.stringify([
    VERSION,
    a.at,
    a.count,
    withRange(a.systemWatts, 3),
    sumOnly(a.cpuWatts, 3),
    sumOnly(a.gpuWatts, 3),
    sumOnly(a.packageWatts, 3),
    sumOnly(a.cpuTempCelsius, 1),
    a.thermalLevel,
    a.idleCount,
    a.gap ? 1 : 0,
    [...a.activeServices],
    // Only when a service had an inference that minute; lines written before never have it.
    ...(a.inferenceServices.size > 0 ? [[...a.inferenceServices]] : []),
  ]);
}

export function encodeServiceRollup(a: Aggregate): string {
  const services = [...a.services].map(([id, s]) => [
    id,
    s.count,
    sumOnly(s.cpu, 2),
    sumOnly(s.rss, 0, 1024),
    sumOnly(s.watts, 3),
    r(s.idleWattHours, 7),
    r(s.activeWattHours, 7),
    s.activeCount,
  ]);
  return JSON.stringify([
    VERSION,
    a.at,
    Math.round(a.coveredMs),
    a.hasSystemEnergy ? r(a.systemIdleWattHours, 7) : null,
    a.hasSystemEnergy ? r(a.systemActiveWattHours, 7) : null,
    a.thermalMs.map((ms) => Math.round(ms)),
    services,
  ]);
}

class Malformed extends Error {}
const num = (v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Malformed();
  return v;
};
const list = (v: unknown, min = 0): unknown[] => {
  if (!Array.isArray(v) || v.length < min) throw new Malformed();
  return v;
};

function stat(v: unknown, scale = 1): Stat {
  if (v === null) return emptyStat();
  const t = list(v, 2);
  if (t.length >= 4) {
    return { sum: num(t[0]) * scale, n: num(t[3]), min: num(t[1]) * scale, max: num(t[2]) * scale };
  }
  const n = num(t[1]);
  const sum = num(t[0]) * scale;
  return { sum, n, min: sum / n, max: sum / n };
}

function parse(line: string, length: number): unknown[] | null {
  try {
    const t = list(JSON.parse(line), length);
    return t[0] === VERSION ? t : null;
  } catch {
    return null;
  }
}

/** A validated system rollup line, kept as its parsed array so long-range queries allocate little. */
export type SystemRollupRow = [
  1,
  number,
  number,
  StatTuple | null,
  StatTuple | null,
  StatTuple | null,
  StatTuple | null,
  StatTuple | null,
  number | null,
  number,
  0 | 1,
  string[],
  string[]?,
];
type StatTuple = number[];

const isStat = (v: unknown): boolean =>
  v === null ||
  (Array.isArray(v) && (v.length === 2 || v.length === 4) && v.every((x) => typeof x === 'number'));

export function parseSystemRollupRow(line: string): SystemRollupRow | null {
  const t = parse(line, 12);
  if (!t) return null;
  if (!Number.isFinite(t[1]) || !Number.isFinite(t[2]) || !Number.isFinite(t[9])) return null;
  if (!(t[8] === null || typeof t[8] === 'number') || (t[10] !== 0 && t[10] !== 1)) return null;
  if (!Array.isArray(t[11]) || !t[11].every((id) => typeof id === 'string')) return null;
  if (t[12] !== undefined && !(Array.isArray(t[12]) && t[12].every((id) => typeof id === 'string')))
    return null;
  for (let i = 3; i <= 7; i += 1) if (!isStat(t[i])) return null;
  return t as SystemRollupRow;
}

function addStatTuple(into: Stat, tuple: StatTuple | null): void {
  if (tuple === null) return;
  const n = tuple.length === 4 ? tuple[3]! : tuple[1]!;
  const sum = tuple[0]!;
  into.sum += sum;
  into.n += n;
  into.min = Math.min(into.min, tuple.length === 4 ? tuple[1]! : sum / n);
  into.max = Math.max(into.max, tuple.length === 4 ? tuple[2]! : sum / n);
}

export function addSystemRollupRow(into: Aggregate, row: SystemRollupRow): void {
  into.count += row[2];
  addStatTuple(into.systemWatts, row[3]);
  addStatTuple(into.cpuWatts, row[4]);
  addStatTuple(into.gpuWatts, row[5]);
  addStatTuple(into.packageWatts, row[6]);
  addStatTuple(into.cpuTempCelsius, row[7]);
  if (row[8] !== null)
    into.thermalLevel = into.thermalLevel === null ? row[8] : Math.max(into.thermalLevel, row[8]);
  into.idleCount += row[9];
  if (row[10] === 1) into.gap = true;
  for (const id of row[11]) into.activeServices.add(id);
  for (const id of row[12] ?? []) into.inferenceServices.add(id);
}

export function decodeSystemRollup(line: string): Aggregate | null {
  const row = parseSystemRollupRow(line);
  if (!row) return null;
  const a = emptyAggregate(row[1]);
  addSystemRollupRow(a, row);
  return a;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const isStatValue = (v: unknown): boolean =>
  v === null ||
  (Array.isArray(v) &&
    v.length >= 2 &&
    (v.length >= 4 ? isNum(v[0]) && isNum(v[1]) && isNum(v[2]) && isNum(v[3]) : isNum(v[0]) && isNum(v[1])));

/** [id, count, cpu, rssKiB, watts, idleWh, activeWh, activeCount], validated. */
export type ServiceRollupEntry = [string, number, unknown, unknown, unknown, number, number, number];

/** A validated service rollup line: [1, minuteAt, coveredMs, idleWh, activeWh, thermalMs[], entries[]]. */
export type ServiceRollupTuple = [
  1,
  number,
  number,
  number | null,
  number | null,
  number[],
  ServiceRollupEntry[],
];

const isServiceEntry = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.length >= 8 &&
  typeof v[0] === 'string' &&
  isNum(v[1]) &&
  isStatValue(v[2]) &&
  isStatValue(v[3]) &&
  isStatValue(v[4]) &&
  isNum(v[5]) &&
  isNum(v[6]) &&
  isNum(v[7]);

export function parseServiceRollup(line: string): ServiceRollupTuple | null {
  const t = parse(line, 7);
  if (!t || !isNum(t[1]) || !isNum(t[2])) return null;
  if (!(t[3] === null || isNum(t[3])) || !(t[4] === null || isNum(t[4]))) return null;
  const thermal = t[5];
  if (!Array.isArray(thermal) || thermal.length < THERMAL_PRESSURES.length) return null;
  for (let i = 0; i < THERMAL_PRESSURES.length; i += 1) if (!isNum(thermal[i])) return null;
  if (!Array.isArray(t[6]) || !t[6].every(isServiceEntry)) return null;
  return t as ServiceRollupTuple;
}

/** The service part of a minute (with its energy and thermal time): an Aggregate without power figures. */
export function decodeServiceRollup(line: string): Aggregate | null {
  const t = parseServiceRollup(line);
  if (!t) return null;
  const a = emptyAggregate(t[1]);
  a.coveredMs = t[2];
  a.hasSystemEnergy = t[3] !== null;
  a.systemIdleWattHours = t[3] ?? 0;
  a.systemActiveWattHours = t[4] ?? 0;
  a.thermalMs = THERMAL_PRESSURES.map((_, i) => t[5][i]!);
  for (const s of t[6]) {
    a.services.set(s[0], {
      ...emptyServiceAggregate(),
      count: s[1],
      cpu: stat(s[2]),
      rss: stat(s[3], 1024),
      watts: stat(s[4]),
      idleWattHours: s[5],
      activeWattHours: s[6],
      activeCount: s[7],
    });
  }
  return a;
}
