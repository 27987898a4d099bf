/**
 * Thermal zones (/sys/class/thermal/thermal_zone*) and cooling devices.
 *
 * Thermal pressure rule, from the hottest CPU zone (zones whose type names a CPU, package or SoC;
 * all zones when none does) and that zone's own trip points:
 *   critical  temperature ≥ the critical trip − 5 °C, or ≥ the `hot` trip
 *   serious   temperature ≥ the passive trip (the kernel is throttling the CPU now)
 *   fair      temperature ≥ the passive trip − 10 °C, or, without a passive trip, ≥ critical − 20 °C
 *   nominal   otherwise
 * The passive trip is the lowest `passive` trip point, else the zone's legacy `passive` file when
 * non-zero. A zone without passive, hot or critical trips gives no pressure (left out, never guessed).
 * Cooling devices of a processor kind (Processor, intel_powerclamp, thermal-cpufreq-*, devfreq) with
 * cur_state > 0 mark the machine as throttled; fans are not throttling.
 */
import { join } from 'node:path';
import {
  absent,
  failed,
  ok,
  type Reading,
  type TemperatureSensor,
  type ThermalPressure,
} from '../../contract/index.js';
import type {
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  Observation,
  ThermalObservation,
} from '../types.js';
import { rememberAbsence, SYSFS_ABSENT_RECHECK_MS } from '../absence-cache.js';
import { listDir, parseInteger, readInteger, readTrimmed } from './read-files.js';

export interface TripPoint {
  type: string;
  celsius: number;
}

export interface ThermalZone {
  id: string;
  type: string;
  celsius: number;
  trips: TripPoint[];
  /** Legacy `passive` attribute in °C, null when absent or 0 (disabled). */
  passiveCelsius: number | null;
}

export interface CoolingDevice {
  id: string;
  type: string;
  curState: number;
  maxState: number | null;
}

// acpitz is usually a board sensor, not the CPU: it only counts when no zone names the CPU.
const CPU_ZONE = /cpu|x86_pkg_temp|pkg|package|soc|core|k10temp|tctl|tdie|bcm2835/i;
const THROTTLING_DEVICE = /processor|powerclamp|cpufreq|devfreq|cpu/i;

export async function readThermalZone(dir: string, id: string): Promise<ThermalZone | null> {
  const type = (await readTrimmed(join(dir, 'type'))) || id;
  const milli = await readInteger(join(dir, 'temp'));
  if (milli === null) return null;
  const trips: TripPoint[] = [];
  const listing = await listDir(dir);
  const tripTypes = listing.ok ? listing.names.filter((n) => /^trip_point_\d+_type$/.test(n)) : [];
  for (const file of tripTypes) {
    const index = file.slice('trip_point_'.length, -'_type'.length);
    const tripType = await readTrimmed(join(dir, file));
    const tripMilli = await readInteger(join(dir, `trip_point_${index}_temp`));
    // Disabled trips read as 0 or a huge/negative sentinel on some platforms.
    if (tripType && tripMilli !== null && tripMilli > 0 && tripMilli < 250_000) {
      trips.push({ type: tripType, celsius: tripMilli / 1000 });
    }
  }
  const passive = await readInteger(join(dir, 'passive'));
  return {
    id,
    type,
    celsius: milli / 1000,
    trips,
    passiveCelsius: passive !== null && passive > 0 ? passive / 1000 : null,
  };
}

export async function readCoolingDevice(dir: string, id: string): Promise<CoolingDevice | null> {
  const type = await readTrimmed(join(dir, 'type'));
  const cur = await readTrimmed(join(dir, 'cur_state'));
  const curState = cur === null ? null : parseInteger(cur);
  if (type === null || curState === null) return null;
  return { id, type, curState, maxState: await readInteger(join(dir, 'max_state')) };
}

/** The rule documented at the top of this file; undefined when the zone has no usable trip. */
export function pressureOf(zone: ThermalZone): ThermalPressure | undefined {
  const lowest = (type: string) => {
    const temps = zone.trips.filter((t) => t.type === type).map((t) => t.celsius);
    return temps.length > 0 ? Math.min(...temps) : null;
  };
  const critical = lowest('critical');
  const hot = lowest('hot');
  const passive = lowest('passive') ?? zone.passiveCelsius;
  const t = zone.celsius;
  if (critical === null && hot === null && passive === null) return undefined;
  if ((critical !== null && t >= critical - 5) || (hot !== null && t >= hot)) return 'critical';
  if (passive !== null && t >= passive) return 'serious';
  if (passive !== null ? t >= passive - 10 : critical !== null && t >= critical - 20) return 'fair';
  return 'nominal';
}

export function thermalObservation(
  zones: readonly ThermalZone[],
  devices: readonly CoolingDevice[],
): ThermalObservation {
  const counts = new Map<string, number>();
  for (const z of zones) counts.set(z.type, (counts.get(z.type) ?? 0) + 1);
  const sensors: TemperatureSensor[] = zones.map((z) => ({
    label: (counts.get(z.type) ?? 0) > 1 ? `${z.type} (${z.id})` : z.type,
    celsius: z.celsius,
  }));
  const cpuZones = zones.filter((z) => CPU_ZONE.test(z.type));
  const candidates = cpuZones.length > 0 ? cpuZones : zones;
  const observation: ThermalObservation = { source: 'thermal-zone', sensors };
  const hottest = candidates.reduce<ThermalZone | null>(
    (a, z) => (!a || z.celsius > a.celsius ? z : a),
    null,
  );
  if (hottest && cpuZones.length > 0) observation.cpuTempCelsius = hottest.celsius;
  const pressure = hottest ? pressureOf(hottest) : undefined;
  if (pressure) observation.pressure = pressure;
  const throttlers = devices.filter((d) => THROTTLING_DEVICE.test(d.type));
  if (throttlers.length > 0) observation.throttled = throttlers.some((d) => d.curState > 0);
  return observation;
}

async function readAll<T>(
  base: string,
  names: string[],
  prefix: string,
  read: (dir: string, id: string) => Promise<T | null>,
): Promise<T[]> {
  const items = await Promise.all(
    names.filter((n) => n.startsWith(prefix) && /\d+$/.test(n)).map((n) => read(join(base, n), n)),
  );
  return items.filter((x): x is Awaited<T> => x !== null) as T[];
}

export async function readThermal(sysRoot: string, at: number): Promise<Reading<ThermalObservation>> {
  const base = join(sysRoot, 'class', 'thermal');
  const listing = await listDir(base);
  if (!listing.ok) {
    return listing.failure === 'permission'
      ? absent('permission', `${base}: ${listing.message}`)
      : absent('not-present', 'no thermal zones on this machine');
  }
  const zones = await readAll(base, listing.names, 'thermal_zone', readThermalZone);
  const devices = await readAll(base, listing.names, 'cooling_device', readCoolingDevice);
  if (zones.length === 0) {
    return listing.names.some((n) => n.startsWith('thermal_zone'))
      ? absent('no-data', 'thermal zones present but none has a readable temperature')
      : absent('not-present', 'no thermal zones on this machine');
  }
  return ok(thermalObservation(zones, devices), at);
}

export function createThermalZoneCollector(env: CollectorEnv): CollectorInstance {
  const collect = rememberAbsence(
    async (): Promise<Reading<Observation>> => {
      const thermal = await readThermal(env.sysRoot, env.now());
      return thermal.status === 'ok' ? ok({ thermal: thermal.value }, thermal.at) : thermal;
    },
    env.now,
    SYSFS_ABSENT_RECHECK_MS,
  );
  return {
    async collect() {
      try {
        return await collect();
      } catch (error) {
        return failed(`thermal-zone: ${(error as Error).message}`);
      }
    },
  };
}

export const THERMAL_ZONE_COLLECTOR: CollectorDefinition = {
  id: 'thermal-zone',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['thermal'],
  defaultEnabled: true,
  description: 'Zone temperatures, trip-point thermal pressure and CPU throttling from /sys/class/thermal',
  create: createThermalZoneCollector,
};
