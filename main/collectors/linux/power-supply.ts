import { join } from 'node:path';
import { absent, failed, ok, type BatteryState, type Reading } from '../../contract/index.js';
import type {
  BatteryObservation,
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  Observation,
} from '../types.js';
import { rememberAbsence, SYSFS_ABSENT_RECHECK_MS } from '../absence-cache.js';
import { listDir, readInteger, readTrimmed } from './read-files.js';

/** One system battery as sysfs describes it, in the kernel's micro-units. */
export interface BatteryAttributes {
  id: string;
  status: string | null;
  capacityPercent: number | null;
  powerNowUw: number | null;
  currentNowUa: number | null;
  voltageNowUv: number | null;
  energyNowUwh: number | null;
  energyFullUwh: number | null;
  chargeNowUah: number | null;
  chargeFullUah: number | null;
  voltageMinDesignUv: number | null;
  cycleCount: number | null;
  /** Tenths of a degree Celsius. */
  tempDeciCelsius: number | null;
}

export interface PowerSupplies {
  batteries: BatteryAttributes[];
  /** One entry per Mains/USB adapter. */
  adaptersOnline: boolean[];
}

const STATES: Record<string, BatteryState> = {
  charging: 'charging',
  discharging: 'discharging',
  full: 'full',
  'not charging': 'not-charging',
  unknown: 'unknown',
};

export function batteryState(status: string | null): BatteryState | undefined {
  return status ? (STATES[status.trim().toLowerCase()] ?? 'unknown') : undefined;
}

async function readBattery(dir: string, id: string): Promise<BatteryAttributes> {
  const n = (file: string) => readInteger(join(dir, file));
  return {
    id,
    status: await readTrimmed(join(dir, 'status')),
    capacityPercent: await n('capacity'),
    powerNowUw: await n('power_now'),
    currentNowUa: await n('current_now'),
    voltageNowUv: await n('voltage_now'),
    energyNowUwh: await n('energy_now'),
    energyFullUwh: await n('energy_full'),
    chargeNowUah: await n('charge_now'),
    chargeFullUah: await n('charge_full'),
    voltageMinDesignUv: await n('voltage_min_design'),
    cycleCount: await n('cycle_count'),
    tempDeciCelsius: await n('temp'),
  };
}

export async function readPowerSupplies(sysRoot: string, at: number): Promise<Reading<PowerSupplies>> {
  const base = join(sysRoot, 'class', 'power_supply');
  const listing = await listDir(base);
  if (!listing.ok) {
    return listing.failure === 'permission'
      ? absent('permission', `${base}: ${listing.message}`)
      : absent('not-present', 'no power_supply class (no battery or adapter)');
  }
  const supplies: PowerSupplies = { batteries: [], adaptersOnline: [] };
  for (const id of listing.names) {
    const dir = join(base, id);
    const type = await readTrimmed(join(dir, 'type'));
    // Peripheral batteries (mouse, headset) report scope "Device": they do not power this machine.
    if ((await readTrimmed(join(dir, 'scope')))?.toLowerCase() === 'device') continue;
    if (type === 'Battery') {
      if ((await readInteger(join(dir, 'present'))) === 0) continue;
      supplies.batteries.push(await readBattery(dir, id));
    } else if (type === 'Mains' || type === 'USB' || type === 'USB_C' || type === 'USB_PD') {
      const online = await readInteger(join(dir, 'online'));
      if (online !== null) supplies.adaptersOnline.push(online > 0);
    }
  }
  if (supplies.batteries.length === 0 && supplies.adaptersOnline.length === 0) {
    return absent('not-present', 'no battery or power adapter');
  }
  return ok(supplies, at);
}

function sum(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

/** Stored energy in µWh, from energy_now or charge_now × voltage. */
function storedMicroWattHours(b: BatteryAttributes): number | null {
  if (b.energyNowUwh !== null) return b.energyNowUwh;
  if (b.chargeNowUah !== null && b.voltageNowUv !== null) return (b.chargeNowUah * b.voltageNowUv) / 1e6;
  return null;
}

/** Instant power magnitude in W: power_now, else current_now × voltage_now. */
function instantWatts(b: BatteryAttributes): number | null {
  if (b.powerNowUw !== null) return Math.abs(b.powerNowUw) / 1e6;
  if (b.currentNowUa !== null && b.voltageNowUv !== null) {
    return Math.abs(b.currentNowUa * b.voltageNowUv) / 1e12;
  }
  return null;
}

/**
 * What a full charge holds now, in µWh: energy_full, or charge_full × voltage_min_design for
 * batteries that count charge (the kernel's power_supply ABI gives no nominal voltage; the design
 * minimum can only understate the energy, so battery minutes derived from it are never flattering).
 */
function fullMicroWattHours(b: BatteryAttributes): number | null {
  if (b.energyFullUwh !== null && b.energyFullUwh > 0) return b.energyFullUwh;
  if (b.chargeFullUah !== null && b.voltageMinDesignUv !== null && b.chargeFullUah > 0) {
    return (b.chargeFullUah * b.voltageMinDesignUv) / 1e6;
  }
  return null;
}

function percentOf(b: BatteryAttributes): number | null {
  if (b.capacityPercent !== null) return b.capacityPercent;
  if (b.energyNowUwh !== null && b.energyFullUwh) return (100 * b.energyNowUwh) / b.energyFullUwh;
  if (b.chargeNowUah !== null && b.chargeFullUah) return (100 * b.chargeNowUah) / b.chargeFullUah;
  return null;
}

export interface StoredEnergyMark {
  microWattHours: number;
  atMs: number;
}

/** Discharge rate from stored-energy changes, for batteries with neither power_now nor current_now. */
export interface EnergyTrend {
  /** When the stored energy last changed (or was first seen). */
  mark: StoredEnergyMark | null;
  sawChange: boolean;
  watts: number | null;
}

export const NO_TREND: EnergyTrend = { mark: null, sawChange: false, watts: null };

/**
 * Fuel gauges update energy_now every 15–60 s, so the rate is taken between two changes, not two
 * ticks; the span before the first change is unknown and gives no figure.
 */
export function advanceTrend(trend: EnergyTrend, stored: number | null, atMs: number): EnergyTrend {
  if (stored === null) return NO_TREND;
  const mark = { microWattHours: stored, atMs };
  if (!trend.mark || atMs < trend.mark.atMs) return { mark, sawChange: false, watts: null };
  if (stored === trend.mark.microWattHours) return trend;
  if (!trend.sawChange) return { mark, sawChange: true, watts: null };
  // µWh → J is × 3.6e-3; positive when the stored energy fell.
  const watts = ((trend.mark.microWattHours - stored) * 3.6e-3) / ((atMs - trend.mark.atMs) / 1000);
  return { mark, sawChange: true, watts: Number.isFinite(watts) ? watts : null };
}

/**
 * Battery percent, state, AC and discharge watts. Discharge watts come from power_now, or
 * current_now × voltage_now, or the stored-energy trend; positive while discharging, negative
 * while charging.
 */
export function batteryObservation(
  supplies: PowerSupplies,
  trend: EnergyTrend,
  atMs: number,
): { battery: BatteryObservation; trend: EnergyTrend } {
  const battery: BatteryObservation = { source: 'power-supply' };
  const { batteries, adaptersOnline } = supplies;
  if (adaptersOnline.length > 0) battery.onAc = adaptersOnline.some(Boolean);
  if (batteries.length === 0) return { battery, trend: NO_TREND };

  const states = batteries.map((b) => batteryState(b.status)).filter((s): s is BatteryState => !!s);
  const state = states.includes('discharging')
    ? 'discharging'
    : states.includes('charging')
      ? 'charging'
      : states[0];
  if (state) battery.state = state;

  const full = sum(batteries.map((b) => b.energyFullUwh));
  const now = sum(batteries.map((b) => b.energyNowUwh));
  const percents = batteries.map(percentOf);
  if (batteries.length > 1 && full && now !== null) battery.percent = (100 * now) / full;
  else if (percents.every((p) => p !== null)) {
    battery.percent = percents.reduce<number>((a, p) => a + (p ?? 0), 0) / percents.length;
  }
  if (battery.percent !== undefined) battery.percent = Math.min(100, Math.max(0, battery.percent));

  const nextTrend = advanceTrend(trend, sum(batteries.map(storedMicroWattHours)), atMs);
  const instant = sum(batteries.map(instantWatts));
  if (instant !== null) {
    battery.dischargeWatts = state === 'charging' ? -instant : state === 'full' ? 0 : instant;
  } else if (nextTrend.watts !== null) {
    battery.dischargeWatts = nextTrend.watts;
  }

  const fullCharge = sum(batteries.map(fullMicroWattHours));
  if (fullCharge !== null && fullCharge > 0) battery.fullChargeWattHours = Math.round(fullCharge / 1e5) / 10;

  const cycles = batteries.map((b) => b.cycleCount).filter((c): c is number => c !== null && c > 0);
  if (cycles.length > 0) battery.cycleCount = Math.max(...cycles);
  const temp = batteries.find((b) => b.tempDeciCelsius !== null)?.tempDeciCelsius;
  if (temp !== undefined && temp !== null) battery.temperatureCelsius = temp / 10;
  return { battery, trend: nextTrend };
}

export function createPowerSupplyCollector(env: CollectorEnv): CollectorInstance {
  let trend = NO_TREND;
  const collect = rememberAbsence(
    async (): Promise<Reading<Observation>> => {
      const supplies = await readPowerSupplies(env.sysRoot, env.now());
      if (supplies.status !== 'ok') {
        trend = NO_TREND;
        return supplies;
      }
      const next = batteryObservation(supplies.value, trend, env.now());
      trend = next.trend;
      return ok({ battery: next.battery }, supplies.at);
    },
    env.now,
    SYSFS_ABSENT_RECHECK_MS,
  );
  return {
    async collect() {
      try {
        return await collect();
      } catch (error) {
        return failed(`power-supply: ${(error as Error).message}`);
      }
    },
  };
}

export const POWER_SUPPLY_COLLECTOR: CollectorDefinition = {
  id: 'power-supply',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['battery', 'power'],
  defaultEnabled: true,
  description: 'Battery percent, state, AC and discharge watts from /sys/class/power_supply',
  create: createPowerSupplyCollector,
};
