// Deterministic synthetic monitor data for the browser tests: a plausible UnaMentis stack on a
// laptop (VibeVoice burning CPU while idle, Ollama holding models), as functions of time so any
// window of history, any report and any comparison can be computed on demand.
import type { AlertEvent } from '../../main/contract/alerts.js';
import type { HistoryPoint, ServicePoint } from '../../main/contract/history.js';
import type { CompareResult, Report, ServiceEnergy, TimeRange } from '../../main/contract/report.js';
import type {
  CollectorHealth,
  LoadedModels,
  Sample,
  ServiceActivity,
  ServiceSample,
} from '../../main/contract/sample.js';
import type { ServiceConfig } from '../../main/contract/services.js';
import { makeSample, makeService } from '../sample-factory.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MB = 1024 * 1024;

interface ServiceModel {
  id: string;
  name: string;
  ports: number[];
  running: boolean;
  idleCpu: number;
  activeCpu: number;
  rssMb: number;
  /** Share of the measured watts attributed to it while idle. */
  idleShare: number;
  models: LoadedModels | null;
  pids: number[];
}

export const SYNTHETIC_SERVICES: readonly ServiceModel[] = [
  {
    id: 'vibevoice',
    name: 'VibeVoice TTS',
    ports: [8880],
    running: true,
    idleCpu: 45,
    activeCpu: 140,
    rssMb: 2150,
    idleShare: 0.46,
    models: null,
    pids: [4312, 4318],
  },
  {
    id: 'ollama',
    name: 'Ollama',
    ports: [11434],
    running: true,
    idleCpu: 0.5,
    activeCpu: 310,
    rssMb: 245,
    idleShare: 0.02,
    models: { count: 2, bytes: 9.1e9, unloadsAt: null, keptLoaded: false },
    pids: [912],
  },
  {
    id: 'nextjs',
    name: 'Next.js dashboard',
    ports: [3000],
    running: true,
    idleCpu: 3.5,
    activeCpu: 18,
    rssMb: 320,
    idleShare: 0.05,
    models: null,
    pids: [5120, 5133, 5134],
  },
  {
    id: 'management-console',
    name: 'Management Console',
    ports: [8766],
    running: true,
    idleCpu: 1.2,
    activeCpu: 6,
    rssMb: 85,
    idleShare: 0.02,
    models: null,
    pids: [5002],
  },
  {
    id: 'piper',
    name: 'Piper TTS',
    ports: [11402],
    running: false,
    idleCpu: 0,
    activeCpu: 0,
    rssMb: 0,
    idleShare: 0,
    models: null,
    pids: [],
  },
  {
    id: 'whisper',
    name: 'Whisper STT',
    ports: [11401],
    running: false,
    idleCpu: 0,
    activeCpu: 0,
    rssMb: 0,
    idleShare: 0,
    models: null,
    pids: [],
  },
];

export function syntheticServiceConfigs(): ServiceConfig[] {
  return SYNTHETIC_SERVICES.map((s) => ({
    id: s.id,
    name: s.name,
    ports: [...s.ports],
    processNames: s.id === 'ollama' ? ['ollama'] : [],
    ...(s.id === 'ollama' ? { probe: 'ollama' as const } : {}),
  }));
}

/** The stack is active for 6 minutes at the start of every 50-minute cycle, idle otherwise. */
export function isActiveAt(t: number): boolean {
  return ((t % (50 * MINUTE)) + 50 * MINUTE) % (50 * MINUTE) < 6 * MINUTE;
}

function lastActiveBefore(t: number): number {
  const cycle = Math.floor(t / (50 * MINUTE)) * 50 * MINUTE;
  return isActiveAt(t) ? t : cycle + 6 * MINUTE;
}

function idleSinceAt(t: number): number | null {
  return isActiveAt(t) ? null : Math.floor(t / (50 * MINUTE)) * 50 * MINUTE + 6 * MINUTE;
}

/** Smooth pseudo-noise in [-1, 1] (deterministic in t). */
function wobble(t: number, period: number): number {
  return Math.sin((t / period) * 2 * Math.PI) * 0.6 + Math.sin((t / (period * 0.37)) * 2 * Math.PI) * 0.4;
}

export function systemWattsAt(t: number): number {
  const base = 7.4 + wobble(t, 7 * MINUTE) * 0.9;
  return Math.round((isActiveAt(t) ? base + 9 + wobble(t, 47_000) * 3 : base) * 100) / 100;
}

function thermalLevelAt(t: number): number {
  const w = systemWattsAt(t);
  return w > 17 ? 2 : w > 12 ? 1 : 0;
}

export interface SyntheticOptions {
  /** Where history starts (older windows are empty). */
  dataStart: number;
  withPower: boolean;
  failingCollector: CollectorHealth | null;
  services: boolean;
}

/** Traffic as the sampler reports it: the console polls Next.js every 2 s; users only while the stack is active. */
function syntheticActivity(id: string, t: number, active: boolean, lastUser: number): ServiceActivity {
  const user = active && id !== 'management-console';
  const polled = id === 'nextjs';
  return {
    connectionsOpened: { user: user ? 1 : 0, internal: 0 },
    activeConnections: user ? 6 : 1,
    bytesIn: user ? 5200 : polled ? 410 : 0,
    bytesOut: user ? 84_000 : polled ? 2300 : 0,
    requestCount5m: { user: user ? 40 : 0, internal: polled ? 150 : 0 },
    lastUserRequestAt: id === 'management-console' ? null : lastUser,
    lastInternalRequestAt: polled ? t : null,
    internalClients: polled
      ? [{ id: 'management-console', name: 'Management Console', requests5m: 150, everySeconds: 2 }]
      : [],
    inferenceCount5m: id === 'ollama' ? (active ? 12 : 0) : null,
  };
}

export function syntheticSample(t: number, intervalMs: number, options: SyntheticOptions): Sample {
  const active = isActiveAt(t);
  const watts = options.withPower ? systemWattsAt(t) : null;
  const services: ServiceSample[] = options.services
    ? SYNTHETIC_SERVICES.map((s) => {
        const cpu = s.running
          ? (active ? s.activeCpu : s.idleCpu) * (1 + wobble(t + s.rssMb, 90_000) * 0.08)
          : null;
        return makeService(s.id, {
          name: s.name,
          status: s.running ? 'running' : 'stopped',
          pids: [...s.pids],
          ports: s.running ? [...s.ports] : [],
          cpuPercent: cpu === null ? null : Math.max(0, Math.round(cpu * 10) / 10),
          rssBytes: s.running ? Math.round((s.rssMb + wobble(t, 20 * MINUTE) * 4) * MB) : null,
          threads: s.running ? 12 + s.pids.length * 4 : null,
          openFiles: s.running ? 40 : null,
          connections: s.running ? (active ? 6 : 1) : null,
          active: s.running && active && s.id !== 'management-console',
          // Each user request to Ollama while the stack is active runs a model.
          ...(s.id === 'ollama' && s.running ? { inference: active } : {}),
          lastActiveAt: s.running ? lastActiveBefore(t) - (s.id === 'vibevoice' ? 2 * HOUR : 0) : null,
          estimatedWatts:
            s.running && watts !== null
              ? Math.round(watts * s.idleShare * (active ? 1.4 : 1) * 100) / 100
              : null,
          models: s.models,
          ...(s.running
            ? {
                activity: syntheticActivity(
                  s.id,
                  t,
                  active,
                  lastActiveBefore(t) - (s.id === 'vibevoice' ? 2 * HOUR : 0),
                ),
              }
            : {}),
        });
      })
    : [];
  const collectors: CollectorHealth[] = [
    {
      id: 'rapl',
      status: options.withPower ? 'ok' : 'absent',
      reason: options.withPower ? null : 'permission',
      durationMs: 0.4,
    },
    { id: 'hwmon', status: 'ok', reason: null, durationMs: 0.8 },
    { id: 'power-supply', status: 'ok', reason: null, durationMs: 0.3 },
    { id: 'procfs', status: 'ok', reason: null, durationMs: 6.1 },
    ...(options.failingCollector ? [options.failingCollector] : []),
  ];
  return makeSample({
    at: t,
    intervalMs,
    power: {
      cpuWatts: watts === null ? null : Math.round(watts * 0.62 * 100) / 100,
      gpuWatts: watts === null ? null : Math.round((0.4 + (active ? 2.1 : 0)) * 100) / 100,
      dramWatts: watts === null ? null : 0.6,
      packageWatts: watts === null ? null : Math.round(watts * 0.9 * 100) / 100,
      systemWatts: watts,
    },
    thermal: {
      pressure: (['nominal', 'fair', 'serious', 'critical'] as const)[thermalLevelAt(t)]!,
      cpuTempCelsius: Math.round((44 + (watts ?? 7) * 1.6) * 10) / 10,
      fanRpm: [Math.round(1800 + (watts ?? 7) * 90)],
      sensors: [{ label: 'Package id 0', celsius: Math.round((44 + (watts ?? 7) * 1.6) * 10) / 10 }],
      throttled: false,
    },
    battery: {
      percent: 64,
      state: 'discharging',
      onAc: false,
      dischargeWatts: watts,
      fullChargeWattHours: 72.6,
    },
    services,
    topProcesses: options.services
      ? [
          { pid: 2210, name: 'chrome', cpuPercent: 12.4, rssBytes: 890 * MB },
          { pid: 1733, name: 'code', cpuPercent: 3.1, rssBytes: 640 * MB },
        ]
      : [],
    idle: {
      stackIdle: !active,
      stackIdleSinceAt: idleSinceAt(t),
      lastActivityAt: lastActiveBefore(t),
      userIdleSeconds: 95,
    },
    energy: {
      systemWattHours: watts === null ? null : (watts * intervalMs) / 3_600_000,
      serviceWattHours: Object.fromEntries(
        services.map((s) => [s.id, ((s.estimatedWatts ?? 0) * intervalMs) / 3_600_000]),
      ),
    },
    attribution: {
      basis: watts === null ? null : 'system',
      restWatts:
        watts === null ? null : watts - services.reduce((sum, s) => sum + (s.estimatedWatts ?? 0), 0),
    },
    collectors,
    self: { cpuPercent: 0.21, rssBytes: 83_886_080 },
    sources: options.withPower
      ? {
          'power.systemWatts': { source: 'power-supply-discharge', kind: 'measured' },
          'power.packageWatts': { source: 'rapl', kind: 'measured' },
          'power.cpuWatts': { source: 'rapl', kind: 'measured' },
        }
      : {},
    absent: options.withPower ? {} : { 'power.systemWatts': 'needs permission' },
  });
}

export function syntheticHistory(
  query: { from: number; to: number; points: number },
  options: SyntheticOptions,
  now: number,
): HistoryPoint[] {
  const from = Math.max(query.from, options.dataStart);
  const to = Math.min(query.to, now);
  if (to <= from || query.points < 1) return [];
  const count = Math.max(1, Math.min(query.points, Math.floor((to - from) / 5000) + 1));
  const step = count === 1 ? 0 : (to - from) / (count - 1);
  return Array.from({ length: count }, (_, i) => {
    const at = Math.round(from + i * step);
    const s = syntheticSample(at, 5000, options);
    const w = s.power.systemWatts;
    return {
      at,
      systemWatts: w,
      systemWattsMin: w === null ? null : Math.round((w - 0.6) * 100) / 100,
      systemWattsMax: w === null ? null : Math.round((w + 0.8) * 100) / 100,
      cpuWatts: s.power.cpuWatts,
      gpuWatts: s.power.gpuWatts,
      packageWatts: s.power.packageWatts,
      cpuTempCelsius: s.thermal.cpuTempCelsius,
      thermalLevel: thermalLevelAt(at),
      stackIdle: s.idle.stackIdle,
      activeServices: s.services.filter((x) => x.active).map((x) => x.id),
      inferenceServices: s.services.filter((x) => x.inference === true).map((x) => x.id),
      gap: false,
    };
  });
}

export function syntheticServiceHistory(
  serviceId: string,
  query: { from: number; to: number; points: number },
  options: SyntheticOptions,
  now: number,
): ServicePoint[] {
  const model = SYNTHETIC_SERVICES.find((s) => s.id === serviceId);
  if (!model || !model.running) return [];
  return syntheticHistory(query, options, now).map((p) => {
    const s = syntheticSample(p.at, 5000, options).services.find((x) => x.id === serviceId)!;
    return { at: p.at, cpuPercent: s.cpuPercent, rssBytes: s.rssBytes, estimatedWatts: s.estimatedWatts };
  });
}

/** Integrates the synthetic functions over a range, one point per minute. */
function integrate(range: TimeRange, options: SyntheticOptions) {
  const from = Math.max(range.from, options.dataStart);
  const to = range.to;
  let idleWh = 0;
  let activeWh = 0;
  let idleSeconds = 0;
  let peak: number | null = null;
  let sum = 0;
  let count = 0;
  const idleValues: number[] = [];
  const thermal = { nominal: 0, fair: 0, serious: 0, critical: 0 };
  for (let t = from; t < to; t += MINUTE) {
    const w = systemWattsAt(t);
    const dt = Math.min(MINUTE, to - t);
    const wh = (w * dt) / HOUR;
    if (isActiveAt(t)) activeWh += wh;
    else {
      idleWh += wh;
      idleSeconds += dt / 1000;
      idleValues.push(w);
    }
    peak = peak === null ? w : Math.max(peak, w);
    sum += w;
    count += 1;
    thermal[(['nominal', 'fair', 'serious', 'critical'] as const)[thermalLevelAt(t)]!] += dt / 1000;
  }
  return {
    from,
    idleWh,
    activeWh,
    idleSeconds,
    peak,
    mean: count ? sum / count : null,
    count,
    thermal,
    idleValues,
    covered: Math.max(0, to - from) / 1000,
  };
}

export function syntheticReport(range: TimeRange, options: SyntheticOptions, alerts: AlertEvent[]): Report {
  const r = integrate(range, options);
  const hasData = r.count > 0 && options.withPower;
  const services: ServiceEnergy[] = options.services
    ? SYNTHETIC_SERVICES.filter((s) => s.running).map((s) => ({
        serviceId: s.id,
        name: s.name,
        idleWattHours: hasData ? Math.round(r.idleWh * s.idleShare * 100) / 100 : null,
        activeWattHours: hasData ? Math.round(r.activeWh * s.idleShare * 1.4 * 100) / 100 : null,
        meanCpuPercent: s.idleCpu,
        meanRssBytes: s.rssMb * MB,
        idleSeconds: r.idleSeconds,
      }))
    : [];
  const vibe = services.find((s) => s.serviceId === 'vibevoice');
  const ollama = services.find((s) => s.serviceId === 'ollama');
  return {
    range,
    sampleCount: r.count * 12,
    coveredSeconds: r.covered,
    idleSeconds: r.idleSeconds,
    systemIdleWattHours: hasData ? Math.round(r.idleWh * 10) / 10 : null,
    systemActiveWattHours: hasData ? Math.round(r.activeWh * 10) / 10 : null,
    peakSystemWatts: hasData ? r.peak : null,
    meanSystemWatts: hasData ? r.mean : null,
    powerSource: options.withPower ? 'power-supply-discharge' : null,
    meanPackageWatts: options.withPower ? 5.6 : null,
    packageName: 'package',
    thermalSeconds: r.thermal,
    services,
    alerts: alerts.filter((a) => a.at >= range.from && a.at <= range.to),
    recommendations:
      hasData && vibe?.idleWattHours != null && ollama
        ? [
            {
              serviceId: 'vibevoice',
              text: `VibeVoice TTS used ${vibe.idleWattHours.toFixed(1)} Wh while idle at about 45 % CPU with no requests for 2 h: stop it when you are not using speech.`,
              wattHours: vibe.idleWattHours,
              action: null,
            },
            {
              serviceId: 'ollama',
              text: `Ollama kept 2 models (9.1 GB) loaded for 44 min with no requests: \u2248 ${ollama.idleWattHours?.toFixed(1) ?? '?'} Wh; lower OLLAMA_KEEP_ALIVE or unload it.`,
              wattHours: ollama.idleWattHours,
              action: 'unload-ollama',
            },
          ]
        : [],
    recommendationsNote:
      r.idleSeconds < 600
        ? 'Not enough data yet (needs 10 min without requests).'
        : 'Nothing to act on: no service wasted measurable energy while idle.',
  };
}

export function syntheticCompare(
  before: TimeRange,
  after: TimeRange,
  options: SyntheticOptions,
): CompareResult {
  const b = integrate(before, options);
  const a = integrate(after, options);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : null);
  const spread = (xs: number[]) => {
    const m = mean(xs);
    return m === null || xs.length < 2
      ? 0
      : Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
  };
  const bIdle = mean(b.idleValues);
  // The "after" window runs 1.8 W lower: the fix the tests look for.
  const aIdleRaw = mean(a.idleValues);
  const aIdle = aIdleRaw === null ? null : aIdleRaw - 1.8;
  const noise =
    Math.sqrt((spread(b.idleValues) ** 2 + spread(a.idleValues) ** 2) / 2) /
    Math.sqrt(Math.max(1, Math.min(b.idleValues.length, a.idleValues.length)));
  const diff = bIdle !== null && aIdle !== null ? aIdle - bIdle : null;
  const significant = diff !== null && Math.abs(diff) > Math.max(noise * 2, 0.2);
  const pct = diff !== null && bIdle ? Math.round((diff / bIdle) * 100) : null;
  const figure = (label: string, unit: string, x: number | null, y: number | null, sig: boolean) => ({
    label,
    unit,
    before: x === null ? null : Math.round(x * 100) / 100,
    after: y === null ? null : Math.round(y * 100) / 100,
    difference: x === null || y === null ? null : Math.round((y - x) * 100) / 100,
    significant: sig,
  });
  return {
    before,
    after,
    figures: [
      figure('Idle power', 'W', bIdle, aIdle, significant),
      figure('Mean power', 'W', b.mean, a.mean === null ? null : a.mean - 1.2, false),
      figure('Idle energy', 'Wh', b.idleWh, a.idleWh * 0.8, false),
      figure('Peak power', 'W', b.peak, a.peak, false),
    ],
    verdict:
      diff === null
        ? 'Not enough data in one of the windows to compare.'
        : significant
          ? `Idle power ${diff < 0 ? 'fell' : 'rose'} by ${Math.abs(diff).toFixed(1)} W (${pct}%), well beyond the noise (\u00b1${Math.max(noise * 2, 0.2).toFixed(1)} W).`
          : `Idle power changed by ${diff.toFixed(1)} W, within the noise (\u00b1${Math.max(noise * 2, 0.2).toFixed(1)} W): no clear effect.`,
  };
}

export function syntheticAlerts(now: number): AlertEvent[] {
  const base = { severity: 'warning' as const, threshold: 5, durationSeconds: 300 };
  return [
    {
      ...base,
      id: 'a-1',
      at: now - 3 * HOUR,
      rule: 'idle-power',
      kind: 'fired',
      serviceId: 'vibevoice',
      value: 8.1,
      unit: 'W',
      title: 'Idle power above 5 W',
      message: 'The stack has drawn 8.1 W for 5 min while idle; VibeVoice TTS is the likely culprit.',
    },
    {
      ...base,
      id: 'a-2',
      at: now - 2 * HOUR,
      rule: 'idle-service-cpu',
      kind: 'fired',
      serviceId: 'vibevoice',
      value: 45,
      unit: '%',
      title: 'VibeVoice TTS busy while idle',
      message: 'VibeVoice TTS has used 45 % CPU for 5 min with no requests.',
    },
    {
      ...base,
      id: 'a-3',
      at: now - 90 * MINUTE,
      rule: 'memory-growth',
      kind: 'fired',
      serviceId: 'nextjs',
      value: 140,
      unit: 'MB/h',
      threshold: 100,
      title: 'Next.js dashboard memory growing',
      message: 'Next.js dashboard memory grew 140 MB/h over 15 min.',
    },
    {
      ...base,
      id: 'a-4',
      at: now - 40 * MINUTE,
      rule: 'memory-growth',
      kind: 'cleared',
      severity: null,
      serviceId: 'nextjs',
      value: 12,
      unit: 'MB/h',
      threshold: 100,
      title: 'Next.js dashboard memory stable again',
      message: 'Memory growth fell to 12 MB/h.',
    },
    {
      ...base,
      id: 'a-5',
      at: now - 25 * MINUTE,
      rule: 'thermal-pressure',
      kind: 'fired',
      serviceId: 'ollama',
      value: 1,
      unit: 'level',
      threshold: 1,
      title: 'Thermal pressure fair',
      message: 'Thermal pressure has been fair for 30 s; Ollama was the busiest service.',
    },
    {
      ...base,
      id: 'a-6',
      at: now - 20 * MINUTE,
      rule: 'thermal-pressure',
      kind: 'cleared',
      severity: null,
      serviceId: 'ollama',
      value: 0,
      unit: 'level',
      threshold: 1,
      title: 'Thermal pressure back to nominal',
      message: 'Thermal pressure returned to nominal.',
    },
  ];
}
