import type { BatteryFigures, PowerFigures, Provenance, ThermalFigures } from '../contract/index.js';
import type { Observation, PowerObservation } from '../collectors/types.js';

/**
 * Whole-machine sources, best first. Package sources (powermetrics, RAPL) are not in it and never
 * supply the system figure: a SoC reading shown as "system" would understate the machine's draw
 * by the display, SSD, radios and memory. Battery discharge comes after all of these.
 */
const SYSTEM_POWER_PRIORITY = ['ioreg-telemetry', 'smc', 'hwmon'];
/** Package sources, best first. */
const PACKAGE_POWER_PRIORITY = ['powermetrics', 'rapl'];
/**
 * Temperatures and fans: the SMC and IOHID read without root every tick; powermetrics' smc sampler
 * (Intel, with the password) is the second source. Pressure: the OS's own level (notify(3), or
 * notifyutil), read without root every tick, comes before powermetrics' and pmset's.
 */
const THERMAL_PRIORITY = ['smc', 'iohid', 'notify', 'notifyutil'];

export interface MergedFigures {
  power: PowerFigures;
  thermal: ThermalFigures;
  battery: BatteryFigures | null;
  sources: Record<string, Provenance>;
  absent: Record<string, string>;
}

const measured = (source: string): Provenance => ({ source, kind: 'measured' });

function rank(priority: readonly string[], source: string): number {
  const i = priority.indexOf(source);
  return i === -1 ? priority.length : i;
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
    .sort((a, b) => rank(PACKAGE_POWER_PRIORITY, a.source) - rank(PACKAGE_POWER_PRIORITY, b.source));

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
  const wholeMachine = powers
    .filter((p) => isFiniteNumber(p.systemWatts) && !PACKAGE_POWER_PRIORITY.includes(p.source))
    .sort((a, b) => rank(SYSTEM_POWER_PRIORITY, a.source) - rank(SYSTEM_POWER_PRIORITY, b.source))[0];
  if (wholeMachine) {
    power.systemWatts = wholeMachine.systemWatts!;
    sources['power.systemWatts'] = measured(wholeMachine.source);
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
  if (power.systemWatts === null) absent['power.systemWatts'] = systemAbsentReason(observations, powerReason);

  const thermals = observations
    .map((o) => o.thermal)
    .filter((t) => t !== undefined)
    .sort((a, b) => thermalRank(a.source) - thermalRank(b.source));
  const fansFrom = thermals.find((t) => (t.fanRpm?.length ?? 0) > 0);
  const thermal: ThermalFigures = {
    pressure: null,
    osLevel: null,
    cpuTempCelsius: null,
    gpuTempCelsius: null,
    // One source's fans: two sources reading the same fans must not double them.
    fanRpm: fansFrom?.fanRpm ? [...fansFrom.fanRpm] : [],
    sensors: thermals.flatMap((t) => t.sensors ?? []),
    throttled: null,
  };
  if (fansFrom) sources['thermal.fanRpm'] = measured(fansFrom.sources?.fanRpm ?? fansFrom.source);
  const pressureFrom = thermals.find((t) => t.pressure !== undefined);
  if (pressureFrom?.osLevel) thermal.osLevel = pressureFrom.osLevel;
  for (const field of ['pressure', 'cpuTempCelsius', 'gpuTempCelsius', 'throttled'] as const) {
    const from = thermals.find((t) => t[field] !== undefined && t[field] !== null);
    if (from) {
      (thermal as unknown as Record<string, unknown>)[field] = from[field];
      const perField =
        field === 'cpuTempCelsius' || field === 'gpuTempCelsius' ? from.sources?.[field] : undefined;
      sources[`thermal.${field}`] = measured(perField ?? from.source);
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
      fullChargeWattHours: b.fullChargeWattHours ?? null,
    };
    sources.battery = measured(b.source);
  } else {
    absent.battery = reasonsByKind.get('battery') ?? 'no battery';
  }
  for (const o of observations) {
    for (const [path, why] of Object.entries(o.absent ?? {})) {
      if (figureAt({ power, thermal }, path) !== null) continue;
      const general = absent[path];
      absent[path] = general && general !== why ? `${why}; ${general}` : why;
    }
  }
  if (thermal.fanRpm.length > 0) delete absent['thermal.fanRpm'];
  return { power, thermal, battery, sources, absent };
}

function systemAbsentReason(observations: readonly Observation[], powerReason: string): string {
  const battery = observations.find((o) => o.battery)?.battery;
  if (battery && battery.state !== 'discharging') {
    return 'no whole-machine meter here; battery discharge measures it only while on battery';
  }
  const packageMeasured = observations.some((o) => isFiniteNumber(o.power?.packageWatts));
  return packageMeasured
    ? 'no whole-machine power meter on this machine (package power is measured)'
    : powerReason;
}

function thermalRank(source: string): number {
  const i = THERMAL_PRIORITY.indexOf(source);
  return i === -1 ? THERMAL_PRIORITY.length : i;
}

/** The merged value at `power.x` / `thermal.x`; null when missing (an empty fan list counts as missing). */
function figureAt(figures: { power: PowerFigures; thermal: ThermalFigures }, path: string): unknown {
  const [group, field] = path.split('.') as [string, string];
  const value = (figures as unknown as Record<string, Record<string, unknown> | undefined>)[group]?.[field];
  if (Array.isArray(value)) return value.length > 0 ? value : null;
  return value ?? null;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
