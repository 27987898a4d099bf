import {
  attributionBasis,
  OS_THERMAL_LEVELS,
  POWER_BASIS_PATH,
  THERMAL_PRESSURES,
  type BatteryFigures,
  type BatteryState,
  type LoadedModels,
  type Platform,
  type ProcessSample,
  type Sample,
  type ServiceSample,
  type ThermalPressure,
} from '../contract/index.js';
import { parseLoadedModels } from './legacy-model-line.js';

/**
 * One sample as one compact line (about 500 bytes with six services, against ~3 KB for the full
 * Sample): a system part and a services part, two JSON arrays joined by a tab (JSON.stringify
 * never writes a raw tab), so power history parses only the short system part.
 *   system:   [1, at, intervalMs, gap, platform, power, thermal, battery, idle, systemWh, source, activeIds, inferenceIds?]
 *   services: [services, top, extraWh?]
 * It keeps what history, per-service series, report and compare need; pids, ports, sensors, fans,
 * GPUs, collector health and provenance other than the system power source are dropped, and come
 * back empty from decoding.
 */
export const RECORD_VERSION = 1;

const PLATFORMS: readonly Platform[] = ['darwin', 'linux', 'other'];
const BATTERY_STATES: readonly BatteryState[] = [
  'charging',
  'discharging',
  'full',
  'not-charging',
  'unknown',
];
const TOP_PROCESSES_KEPT = 3;
/** Package sources that older versions let stand in for system power. */
const LEGACY_PACKAGE_SOURCES = new Set(['powermetrics', 'rapl']);

type Num = number | null;

const round = (value: number | null | undefined, decimals: number): Num => {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
const flag = (value: boolean | null | undefined): 0 | 1 | null =>
  value === null || value === undefined ? null : value ? 1 : 0;
const ago = (at: number, then: number | null | undefined): Num =>
  then === null || then === undefined || !Number.isFinite(then) ? null : Math.round(at - then);
const kib = (bytes: number | null | undefined): Num =>
  round(bytes === null || bytes === undefined ? null : bytes / 1024, 0);

const W = 3; // watts: milliwatt resolution
const WH = 7; // watt-hours per interval
const PCT = 2;

function encodeService(s: ServiceSample, at: number, wattHours: number | undefined): unknown[] {
  return [
    s.id,
    s.status === 'running' ? 1 : 0,
    round(s.cpuPercent, PCT),
    kib(s.rssBytes),
    round(s.estimatedWatts, W),
    round(wattHours, WH),
    s.active ? 1 : 0,
    ago(at, s.lastActiveAt),
    encodeModels(s.models, at),
  ];
}

/** `[count, bytes, ms until the last unloads, kept loaded]`; a record written before holds the probe's sentence instead. */
function encodeModels(models: LoadedModels | null, at: number): unknown[] | null {
  if (models === null) return null;
  const unloadsIn = models.unloadsAt === null ? null : Math.round(models.unloadsAt - at);
  return [models.count, models.bytes, unloadsIn, models.keptLoaded ? 1 : 0];
}

function decodeModels(raw: unknown, at: number): LoadedModels | null {
  if (raw === null) return null;
  if (typeof raw === 'string') return parseLoadedModels(raw);
  const t = arr(raw, 4);
  const unloadsIn = num(t[2]);
  return {
    count: must(t[0]),
    bytes: num(t[1]),
    unloadsAt: unloadsIn === null ? null : at + unloadsIn,
    keptLoaded: t[3] === 1,
  };
}

export function encodeSample(sample: Sample): string {
  const { at, power, thermal, battery, idle } = sample;
  const source = sample.sources['power.systemWatts'];
  const pressure = thermal.pressure === null ? null : THERMAL_PRESSURES.indexOf(thermal.pressure);
  const serviceIds = new Set(sample.services.map((s) => s.id));
  const extraWh = Object.entries(sample.energy.serviceWattHours).filter(([id]) => !serviceIds.has(id));
  const system: unknown[] = [
    RECORD_VERSION,
    Math.round(at),
    Math.round(sample.intervalMs),
    sample.gap ? 1 : 0,
    Math.max(0, PLATFORMS.indexOf(sample.platform)),
    [
      power.cpuWatts,
      power.gpuWatts,
      power.aneWatts,
      power.dramWatts,
      power.packageWatts,
      power.systemWatts,
    ].map((w) => round(w, W)),
    [
      pressure,
      round(thermal.cpuTempCelsius, 1),
      round(thermal.gpuTempCelsius, 1),
      flag(thermal.throttled),
      thermal.osLevel === null ? null : OS_THERMAL_LEVELS.indexOf(thermal.osLevel),
    ],
    battery === null
      ? null
      : [
          round(battery.percent, 1),
          battery.state === null ? null : BATTERY_STATES.indexOf(battery.state),
          flag(battery.onAc),
          round(battery.dischargeWatts, W),
          round(battery.fullChargeWattHours, 1),
        ],
    [
      flag(idle.stackIdle),
      ago(at, idle.stackIdleSinceAt),
      ago(at, idle.lastActivityAt),
      round(idle.userIdleSeconds, 0),
    ],
    round(sample.energy.systemWattHours, WH),
    source ? [source.source, source.kind === 'measured' ? 1 : 0] : null,
    sample.services.filter((s) => s.active).map((s) => s.id),
  ];
  // Written only when a service had an inference, so most lines stay as short as before.
  const inferenceIds = sample.services.filter((s) => s.inference === true).map((s) => s.id);
  if (inferenceIds.length > 0) system.push(inferenceIds);
  const services: unknown[] = [
    sample.services.map((s) => encodeService(s, at, sample.energy.serviceWattHours[s.id])),
    sample.topProcesses
      .slice(0, TOP_PROCESSES_KEPT)
      .map((p) => [p.name, round(p.cpuPercent, PCT), kib(p.rssBytes), p.pid]),
  ];
  if (extraWh.length > 0) services.push(Object.fromEntries(extraWh.map(([id, wh]) => [id, round(wh, WH)])));
  return `${JSON.stringify(system)}\t${JSON.stringify(services)}`;
}

class Malformed extends Error {}

const num = (v: unknown): Num => {
  if (v === null) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new Malformed();
};
const must = (v: unknown): number => {
  const n = num(v);
  if (n === null) throw new Malformed();
  return n;
};
const arr = (v: unknown, length?: number): unknown[] => {
  if (!Array.isArray(v) || (length !== undefined && v.length < length)) throw new Malformed();
  return v;
};
const bool = (v: unknown): boolean | null => (v === null ? null : must(v) === 1);
const str = (v: unknown): string => {
  if (typeof v !== 'string') throw new Malformed();
  return v;
};
const back = (at: number, delta: unknown): Num => {
  const d = num(delta);
  return d === null ? null : at - d;
};
const bytes = (v: unknown): Num => {
  const n = num(v);
  return n === null ? null : n * 1024;
};

function decodeService(raw: unknown, at: number, wattHours: Record<string, number>): ServiceSample {
  const t = arr(raw, 9);
  const id = str(t[0]);
  const wh = num(t[5]);
  if (wh !== null) wattHours[id] = wh;
  return {
    id,
    name: id,
    status: must(t[1]) === 1 ? 'running' : 'stopped',
    pids: [],
    ports: [],
    cpuPercent: num(t[2]),
    rssBytes: bytes(t[3]),
    threads: null,
    openFiles: null,
    connections: null,
    active: must(t[6]) === 1,
    lastActiveAt: back(at, t[7]),
    estimatedWatts: num(t[4]),
    models: decodeModels(t[8], at),
  };
}

function decodeProcess(raw: unknown): ProcessSample {
  const t = arr(raw, 4);
  return { name: str(t[0]), cpuPercent: num(t[1]), rssBytes: bytes(t[2]), pid: must(t[3]) };
}

function decodeBattery(raw: unknown): BatteryFigures | null {
  if (raw === null) return null;
  const b = arr(raw, 4);
  const state = num(b[1]);
  return {
    percent: num(b[0]),
    state: state === null ? null : (BATTERY_STATES[state] ?? 'unknown'),
    onAc: bool(b[2]),
    dischargeWatts: num(b[3]),
    // Records written before the full-charge energy was kept have four fields.
    fullChargeWattHours: b.length > 4 ? num(b[4]) : null,
  };
}

function restOf(sample: Sample): number | null {
  const basis = sample.attribution.basis;
  if (basis === null) return null;
  const total = sample.power[POWER_BASIS_PATH[basis]]!;
  return total - sample.services.reduce((sum, s) => sum + (s.estimatedWatts ?? 0), 0);
}

/** The Sample a record line stands for, or null when the line is not a valid record. */
export function decodeSample(line: string): Sample | null {
  const tab = line.indexOf('\t');
  if (tab < 0) return null;
  try {
    const parsedSystem = JSON.parse(line.slice(0, tab)) as unknown[];
    const sample = decodeSystem(parsedSystem);
    const parts = arr(JSON.parse(line.slice(tab + 1)), 2);
    sample.services = arr(parts[0]).map((s) => decodeService(s, sample.at, sample.energy.serviceWattHours));
    const inferred = new Set(inferenceIdsOf(parsedSystem));
    for (const s of sample.services) if (inferred.has(s.id)) s.inference = true;
    sample.topProcesses = arr(parts[1]).map(decodeProcess);
    sample.attribution.restWatts = restOf(sample);
    if (parts[2] !== undefined) {
      for (const [id, wh] of Object.entries(parts[2] as Record<string, unknown>)) {
        const n = num(wh);
        if (n !== null) sample.energy.serviceWattHours[id] = n;
      }
    }
    return sample;
  } catch {
    return null;
  }
}

/** The ids of services with an inference in that tick; records written before list none. */
const inferenceIdsOf = (system: unknown[]): string[] =>
  system[12] === undefined ? [] : arr(system[12]).map((id) => str(id));

/**
 * The system part only, for power history: `services` holds just the services with a request or
 * an inference in that tick (id, active, inference, nothing measured) and `topProcesses` is empty.
 * Null when not a valid record.
 */
export function decodePowerView(line: string): Sample | null {
  const tab = line.indexOf('\t');
  // A services part cut short by a crash makes the whole line torn, here as in decodeSample.
  if (tab < 0 || !line.endsWith(']')) return null;
  try {
    const parsed = JSON.parse(line.slice(0, tab)) as unknown[];
    const sample = decodeSystem(parsed);
    const active = arr(parsed[11]).map((id) => str(id));
    const inferred = inferenceIdsOf(parsed);
    sample.services = [...new Set([...active, ...inferred])].map((id) =>
      flagsOnly(id, sample.at, active.includes(id), inferred.includes(id)),
    );
    return sample;
  } catch {
    return null;
  }
}

const flagsOnly = (id: string, at: number, active: boolean, inference: boolean): ServiceSample => ({
  id,
  name: id,
  status: 'running',
  pids: [],
  ports: [],
  cpuPercent: null,
  rssBytes: null,
  threads: null,
  openFiles: null,
  connections: null,
  active,
  lastActiveAt: active ? at : null,
  ...(inference ? { inference } : {}),
  estimatedWatts: null,
  models: null,
});

function decodeSystem(parsed: unknown): Sample {
  const r = arr(parsed, 12);
  if (r[0] !== RECORD_VERSION) throw new Malformed();
  const at = must(r[1]);
  const p = arr(r[5], 6).map(num);
  const th = arr(r[6], 4);
  const level = num(th[0]);
  // Records written before the raw macOS level was kept have four thermal fields.
  const osLevel = th[4] === undefined ? null : num(th[4]);
  const idle = arr(r[8], 4);
  const source = r[10] === null ? null : arr(r[10], 2);
  arr(r[11]);
  const pressure: ThermalPressure | null = level === null ? null : (THERMAL_PRESSURES[level] ?? null);
  // Records written before the system figure was kept apart from the package one may carry a package
  // reading as system power: it (and the energy integrated from it) is not the whole machine's.
  const packageAsSystem = source !== null && LEGACY_PACKAGE_SOURCES.has(str(source[0]));
  const power = {
    cpuWatts: p[0] ?? null,
    gpuWatts: p[1] ?? null,
    aneWatts: p[2] ?? null,
    dramWatts: p[3] ?? null,
    packageWatts: p[4] ?? null,
    systemWatts: packageAsSystem ? null : (p[5] ?? null),
  };
  return {
    at,
    intervalMs: must(r[2]),
    gap: must(r[3]) === 1,
    platform: PLATFORMS[must(r[4])] ?? 'other',
    power,
    thermal: {
      pressure,
      osLevel: osLevel === null ? null : (OS_THERMAL_LEVELS[osLevel] ?? null),
      cpuTempCelsius: num(th[1]),
      gpuTempCelsius: num(th[2]),
      fanRpm: [],
      sensors: [],
      throttled: bool(th[3]),
    },
    battery: decodeBattery(r[7]),
    gpus: [],
    services: [],
    topProcesses: [],
    idle: {
      stackIdle: must(idle[0]) === 1,
      stackIdleSinceAt: back(at, idle[1]),
      lastActivityAt: back(at, idle[2]),
      userIdleSeconds: num(idle[3]),
    },
    energy: { systemWattHours: packageAsSystem ? null : num(r[9]), serviceWattHours: {} },
    attribution: { basis: attributionBasis(power), restWatts: null },
    collectors: [],
    // The monitor's own cost describes the process that measured it, not history: not stored.
    self: null,
    sources:
      source && !packageAsSystem
        ? {
            'power.systemWatts': { source: str(source[0]), kind: source[1] === 1 ? 'measured' : 'estimated' },
          }
        : {},
    absent: {},
  };
}

/**
 * The time of a record or rollup line without parsing it (every line starts `[1,<epoch ms>,`),
 * so range scans skip out-of-range lines cheaply. NaN when the line does not look like one.
 */
export function lineTime(line: string): number {
  if (!line.startsWith('[1,')) return NaN;
  const comma = line.indexOf(',', 3);
  return comma < 0 ? NaN : Number(line.slice(3, comma));
}
