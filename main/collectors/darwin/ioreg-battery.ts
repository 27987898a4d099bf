import { absent, failed, ok, type BatteryState, type Reading } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, Observation } from '../types.js';
import { unusable } from './run-output.js';
import { parseIoregBlocks, type IoregValue } from './ioreg-value.js';
import { lazyPort } from './native-port.js';
import { registryOpenerFor } from './registry/open.js';
import type { RegistryOpener } from './registry/ports.js';

export const IOREG_BATTERY_ARGS = ['-rw0', '-c', 'AppleSmartBattery'] as const;

export interface IoregBattery {
  percent: number | null;
  charging: boolean | null;
  externalConnected: boolean | null;
  fullyCharged: boolean | null;
  state: BatteryState;
  cycleCount: number | null;
  temperatureCelsius: number | null;
  /** Signed: negative while discharging. */
  amperageMilliamps: number | null;
  voltageMillivolts: number | null;
  /** Amperage × voltage; negative while discharging. */
  batteryWatts: number | null;
  /**
   * Full-charge capacity in mAh (fullChargeMilliampHours) × the pack's present voltage, in Wh. The
   * voltage moves with the charge (about ±8 % over a cycle), so this is good to about that much.
   */
  fullChargeWattHours: number | null;
  /** Apple Silicon PowerTelemetryData, where present (no root needed). */
  telemetry: {
    systemPowerInWatts: number | null;
    systemLoadWatts: number | null;
    batteryPowerWatts: number | null;
  } | null;
}

export type IoregBatteryOutcome = { ok: true; value: IoregBattery } | { ok: false; error: string };

/** Every property batteryFromProperties reads; the rest of the block is not parsed. */
export const BATTERY_KEYS: ReadonlySet<string> = new Set([
  'CurrentCapacity',
  'MaxCapacity',
  'AppleRawMaxCapacity',
  'IsCharging',
  'ExternalConnected',
  'FullyCharged',
  'InstantAmperage',
  'Amperage',
  'Voltage',
  'AppleRawBatteryVoltage',
  'Temperature',
  'CycleCount',
  'PowerTelemetryData',
  'BatteryInstalled',
]);

/** The PowerTelemetryData entries read (Apple silicon; milliwatts). */
export const TELEMETRY_KEYS = ['SystemPowerIn', 'SystemLoad', 'BatteryPower'] as const;

/** Parses `ioreg -rw0 -c AppleSmartBattery` (also `-b -f` and `-rk BatterySerialNumber` variants). */
export function parseIoregBattery(text: string): IoregBatteryOutcome {
  const block = parseIoregBlocks(text, BATTERY_KEYS).find(isBatteryBlock);
  if (!block) return { ok: false, error: 'no AppleSmartBattery properties found' };
  return { ok: true, value: batteryFromProperties(block) };
}

const isBatteryBlock = (b: Record<string, IoregValue>): boolean =>
  'CurrentCapacity' in b || 'BatteryInstalled' in b || 'Voltage' in b;

/** The battery from AppleSmartBattery's properties, however they were read (ioreg text, IOKit). */
export function batteryFromProperties(block: Record<string, IoregValue>): IoregBattery {
  const current = num(block['CurrentCapacity']);
  const max = num(block['MaxCapacity']);
  const charging = bool(block['IsCharging']);
  const external = bool(block['ExternalConnected']);
  const full = bool(block['FullyCharged']);
  const amperage = num(block['InstantAmperage']) ?? num(block['Amperage']);
  const voltage = num(block['Voltage']) ?? num(block['AppleRawBatteryVoltage']);
  const temperature = num(block['Temperature']);
  const fullMah = fullChargeMilliampHours(block);
  const telemetryDict = block['PowerTelemetryData'];
  const telemetry =
    telemetryDict && typeof telemetryDict === 'object' && !Array.isArray(telemetryDict)
      ? {
          systemPowerInWatts: milli(num((telemetryDict as Record<string, IoregValue>)['SystemPowerIn'])),
          systemLoadWatts: milli(num((telemetryDict as Record<string, IoregValue>)['SystemLoad'])),
          batteryPowerWatts: milli(num((telemetryDict as Record<string, IoregValue>)['BatteryPower'])),
        }
      : null;
  return {
    percent: current !== null && max !== null && max > 0 ? round1((current / max) * 100) : null,
    charging,
    externalConnected: external,
    fullyCharged: full,
    state: batteryState(charging, external, full),
    cycleCount: num(block['CycleCount']),
    // ioreg reports hundredths of a degree Celsius.
    temperatureCelsius: temperature === null ? null : temperature / 100,
    amperageMilliamps: amperage,
    voltageMillivolts: voltage,
    batteryWatts:
      amperage !== null && voltage !== null ? Math.round((amperage * voltage) / 1000) / 1000 : null,
    // mAh × mV = µWh.
    fullChargeWattHours:
      fullMah !== null && voltage !== null && voltage > 0 ? round1((fullMah * voltage) / 1e6) : null,
    telemetry,
  };
}

/**
 * The full-charge capacity in mAh. Apple silicon reports MaxCapacity as a percentage (100) and the
 * mAh in AppleRawMaxCapacity; Intel Macs report mAh in MaxCapacity itself. exelban/stats
 * Modules/Battery/readers.swift reads the same two keys the same way for battery health (and
 * Voltage as millivolts). A MaxCapacity of 100 or less is the percentage scale: no mAh figure.
 */
function fullChargeMilliampHours(block: Record<string, IoregValue>): number | null {
  const raw = num(block['AppleRawMaxCapacity']);
  if (raw !== null && raw > 0) return raw;
  const max = num(block['MaxCapacity']);
  return max !== null && max > 100 ? max : null;
}

function batteryState(
  charging: boolean | null,
  external: boolean | null,
  full: boolean | null,
): BatteryState {
  if (charging) return 'charging';
  if (external === false) return 'discharging';
  if (external && full) return 'full';
  if (external) return 'not-charging';
  return 'unknown';
}

function num(value: IoregValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

function bool(value: IoregValue | undefined): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function milli(value: number | null): number | null {
  return value === null ? null : value / 1000;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * AppleSmartBattery → battery, plus whole-system watts from PowerTelemetryData (no root). Read from
 * the IORegistry through IOKit where koffi can reach it (the dozen properties used, no spawn), else
 * from `ioreg` every tick (and always while a recording is made or replayed).
 */
export function createIoregBatteryCollector(
  env: CollectorEnv,
  open: RegistryOpener = registryOpenerFor(env),
): CollectorInstance {
  const registry = lazyPort(open);
  return {
    async collect(): Promise<Reading<Observation>> {
      const read = registry.get()?.read('AppleSmartBattery', [...BATTERY_KEYS], {
        PowerTelemetryData: TELEMETRY_KEYS,
      });
      if (read?.ok === false && read.none) return absent('not-present', 'no battery');
      if (read?.ok && isBatteryBlock(read.properties)) {
        return ok(batteryObservation(batteryFromProperties(read.properties)), env.now());
      }
      const result = await env.exec('ioreg', [...IOREG_BATTERY_ARGS]);
      const problem = unusable<Observation>('ioreg', result);
      if (problem) return problem;
      if (result.stdout.trim() === '') return absent('not-present', 'no battery');
      const parsed = parseIoregBattery(result.stdout);
      if (!parsed.ok) return failed(`ioreg battery: ${parsed.error}`);
      return ok(batteryObservation(parsed.value), env.now());
    },
    async close() {
      registry.close();
    },
  };
}

export function batteryObservation(battery: IoregBattery): Observation {
  const observation: Observation = {
    battery: {
      source: 'ioreg',
      state: battery.state,
      ...(battery.percent !== null ? { percent: battery.percent } : {}),
      ...(battery.externalConnected !== null ? { onAc: battery.externalConnected } : {}),
      ...(battery.batteryWatts !== null ? { dischargeWatts: Math.max(0, -battery.batteryWatts) } : {}),
      ...(battery.fullChargeWattHours !== null ? { fullChargeWattHours: battery.fullChargeWattHours } : {}),
      ...(battery.cycleCount !== null ? { cycleCount: battery.cycleCount } : {}),
      ...(battery.temperatureCelsius !== null ? { temperatureCelsius: battery.temperatureCelsius } : {}),
    },
  };
  const systemWatts = telemetrySystemWatts(battery);
  if (systemWatts !== null) observation.power = { source: 'ioreg-telemetry', systemWatts };
  return observation;
}

/**
 * SystemLoad is what the whole machine draws, on battery or on the adapter; BatteryPower is the
 * battery's own output, the same figure while on battery with no adapter. SystemPowerIn is what the
 * adapter delivers, battery charging included, so it is never the system figure.
 */
export function telemetrySystemWatts(battery: IoregBattery): number | null {
  const t = battery.telemetry;
  if (!t) return null;
  if (t.systemLoadWatts !== null && t.systemLoadWatts > 0) return t.systemLoadWatts;
  if (battery.externalConnected === false && t.batteryPowerWatts !== null && t.batteryPowerWatts > 0) {
    return t.batteryPowerWatts;
  }
  return null;
}
