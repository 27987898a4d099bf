import type { BatteryFigures, PowerFigures, Provenance, ThermalFigures } from '../contract/index.js';
import type { Observation, PowerObservation } from '../collectors/types.js';

/** Best measured system-power source first (issue 5: powermetrics, RAPL, SystemPowerIn, battery). */
const SYSTEM_POWER_PRIORITY = ['powermetrics', 'rapl', 'ioreg-telemetry', 'hwmon', 'battery'];

export interface MergedFigures {
  power: PowerFigures;
  thermal: ThermalFigures;
  battery: BatteryFigures | null;
  sources: Record<string, Provenance>;
  absent: Record<string, string>;
}

const measured = (source: string): Provenance => ({ source, kind: 'measured' });

function rank(source: string): number {
  const i = SYSTEM_POWER_PRIORITY.indexOf(source);
  return i === -1 ? SYSTEM_POWER_PRIORITY.length : i;
}

/** System watts of one observation, per the source's own best whole figure. */
function systemWattsOf(p: PowerObservation): number | undefined {
  if (p.systemWatts !== undefined) return p.systemWatts;
  if (p.packageWatts !== undefined) return p.packageWatts + (p.source === 'rapl' ? (p.dramWatts ?? 0) : 0);
  return undefined;
}

/**
 * Joins what every collector observed this tick into the Sample's power, thermal and battery
 * figures, recording which source produced each and why the missing ones are missing.
 */
export function mergeFigures(
  observations: readonly Observation[],
  reasonsByKind: ReadonlyMap<string, string>,
): MergedFigures {
  const sources: Record<string, Provenance> = {};
  const absent: Record<string, string> = {};
  const powers = observations
    .map((o) => o.power)
    .filter((p): p is PowerObservation => p !== undefined)
    .sort((a, b) => rank(a.source) - rank(b.source));

  const power: PowerFigures = {
    cpuWatts: null,
    gpuWatts: null,
    aneWatts: null,
    dramWatts: null,
    packageWatts: null,
    systemWatts: null,
  };
  for (const field of ['cpuWatts', 'gpuWatts', 'aneWatts', 'dramWatts', 'packageWatts'] as const) {
    const from = powers.find((p) => isFiniteNumber(p[field]));
    if (from) {
      power[field] = from[field]!;
      sources[`power.${field}`] = measured(from.source);
    }
  }
  if (power.gpuWatts === null) {
    const devices = observations
      .flatMap((o) => o.gpu?.devices ?? [])
      .filter((d) => isFiniteNumber(d.powerWatts));
    if (devices.length > 0) {
      power.gpuWatts = devices.reduce((sum, d) => sum + d.powerWatts!, 0);
      sources['power.gpuWatts'] = measured(observations.find((o) => o.gpu)!.gpu!.source);
    }
  }
  for (const p of powers) {
    const watts = systemWattsOf(p);
    if (isFiniteNumber(watts)) {
      power.systemWatts = watts;
      sources['power.systemWatts'] = measured(p.source);
      break;
    }
  }
  if (power.systemWatts === null) {
    const battery = observations.find(
      (o) => isFiniteNumber(o.battery?.dischargeWatts) && o.battery!.state === 'discharging',
    )?.battery;
    if (battery) {
      power.systemWatts = battery.dischargeWatts!;
      sources['power.systemWatts'] = measured(`${battery.source}-discharge`);
    }
  }
  const powerReason = reasonsByKind.get('power') ?? 'no power source on this machine';
  for (const [field, value] of Object.entries(power)) {
    if (value === null) absent[`power.${field}`] = powerReason;
  }

  const thermals = observations.map((o) => o.thermal).filter((t) => t !== undefined);
  const thermal: ThermalFigures = {
    pressure: null,
    cpuTempCelsius: null,
    gpuTempCelsius: null,
    fanRpm: thermals.flatMap((t) => t.fanRpm ?? []),
    sensors: thermals.flatMap((t) => t.sensors ?? []),
    throttled: null,
  };
  for (const field of ['pressure', 'cpuTempCelsius', 'gpuTempCelsius', 'throttled'] as const) {
    const from = thermals.find((t) => t[field] !== undefined && t[field] !== null);
    if (from) {
      (thermal as unknown as Record<string, unknown>)[field] = from[field];
      sources[`thermal.${field}`] = measured(from.source);
    } else {
      absent[`thermal.${field}`] = reasonsByKind.get('thermal') ?? 'no thermal source on this machine';
    }
  }
  if (thermal.gpuTempCelsius === null) {
    const gpu = observations.flatMap((o) => o.gpu?.devices ?? []).find((d) => isFiniteNumber(d.tempCelsius));
    if (gpu) {
      thermal.gpuTempCelsius = gpu.tempCelsius;
      sources['thermal.gpuTempCelsius'] = measured('nvidia-smi');
      delete absent['thermal.gpuTempCelsius'];
    }
  }

  const b = observations.find((o) => o.battery)?.battery;
  let battery: BatteryFigures | null = null;
  if (b) {
    battery = {
      percent: b.percent ?? null,
      state: b.state ?? null,
      onAc: b.onAc ?? null,
      dischargeWatts: b.dischargeWatts ?? null,
    };
    sources.battery = measured(b.source);
  } else {
    absent.battery = reasonsByKind.get('battery') ?? 'no battery';
  }
  return { power, thermal, battery, sources, absent };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
