import { join } from 'node:path';
import { absent, failed, ok, type Reading } from '../../contract/index.js';
import type {
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  Observation,
  PowerObservation,
} from '../types.js';
import { rememberAbsence, SYSFS_ABSENT_RECHECK_MS } from '../absence-cache.js';
import { listDir, parseInteger, readInteger, readText, readTrimmed } from './read-files.js';

/** One RAPL power zone under /sys/class/powercap (Intel, and AMD since Linux 5.8). */
export interface RaplZone {
  /** Directory name, e.g. `intel-rapl:0` or the sub-zone `intel-rapl:0:1`. */
  id: string;
  /** Kernel zone name: `package-0`, `core`, `uncore`, `dram`, `psys`. */
  name: string;
  parentId: string | null;
  maxEnergyRangeUj: number | null;
}

/** Cumulative energy counters at one instant. `atMs` only has to be consistent between snapshots. */
export interface RaplCounters {
  atMs: number;
  energyUj: Record<string, number>;
}

/** Where counters come from: sysfs directly, or the elevated helper's FIFO (rapl-elevation.ts). */
export interface RaplCounterSource {
  read(zones: readonly RaplZone[]): Promise<Reading<RaplCounters>>;
  close?(): Promise<void>;
}

export const RAPL_PERMISSION_DETAIL =
  'energy_uj is readable only by root on Linux 5.10 and later; see "Linux power readings (RAPL permissions)" in the README';

// `intel-rapl-mmio:*` repeats the package counter through another interface: reading both would double count.
const ZONE_DIR = /^intel-rapl:[0-9a-f]+(:[0-9a-f]+)?$/i;

/** A jump above this is a counter reset (resume, firmware), not power. */
const MAX_PLAUSIBLE_ZONE_WATTS = 5000;

export async function discoverRaplZones(sysRoot: string, at: number): Promise<Reading<RaplZone[]>> {
  const base = join(sysRoot, 'class', 'powercap');
  const listing = await listDir(base);
  if (!listing.ok) {
    return listing.failure === 'permission'
      ? absent('permission', `${base}: ${listing.message}`)
      : absent('not-present', 'no powercap interface (no RAPL on this machine or kernel)');
  }
  const ids = listing.names.filter((name) => ZONE_DIR.test(name));
  const zones = await Promise.all(
    ids.map(async (id): Promise<RaplZone | null> => {
      const name = await readTrimmed(join(base, id, 'name'));
      if (!name) return null;
      const parts = id.split(':');
      return {
        id,
        name,
        parentId: parts.length > 2 ? parts.slice(0, 2).join(':') : null,
        maxEnergyRangeUj: await readInteger(join(base, id, 'max_energy_range_uj')),
      };
    }),
  );
  const found = zones.filter((z): z is RaplZone => z !== null);
  if (found.length === 0) return absent('not-present', 'no RAPL zones under powercap');
  return ok(found, at);
}

/** Reads energy_uj straight from sysfs. */
export function sysfsCounterSource(env: Pick<CollectorEnv, 'sysRoot' | 'now'>): RaplCounterSource {
  return {
    async read(zones) {
      const energyUj: Record<string, number> = {};
      let denied = 0;
      const problems: string[] = [];
      await Promise.all(
        zones.map(async (zone) => {
          const read = await readText(join(env.sysRoot, 'class', 'powercap', zone.id, 'energy_uj'));
          if (!read.ok) {
            if (read.failure === 'permission') denied += 1;
            else problems.push(`${zone.id}: ${read.message}`);
            return;
          }
          const value = parseInteger(read.text);
          if (value === null || value < 0) problems.push(`${zone.id}: energy_uj is not a counter`);
          else energyUj[zone.id] = value;
        }),
      );
      if (Object.keys(energyUj).length > 0) return ok({ atMs: env.now(), energyUj }, env.now());
      if (denied > 0) return absent('permission', RAPL_PERMISSION_DETAIL);
      return problems.length > 0 ? failed(problems.join('; ')) : absent('not-present', 'no energy counters');
    },
  };
}

/** Energy used between two counter values, across one wraparound at max_energy_range_uj. */
export function energyDeltaUj(
  previous: number,
  next: number,
  maxEnergyRangeUj: number | null,
): number | null {
  if (next >= previous) return next - previous;
  if (maxEnergyRangeUj === null || maxEnergyRangeUj <= 0 || previous > maxEnergyRangeUj) return null;
  return maxEnergyRangeUj - previous + next;
}

/** Watts per zone id between two snapshots; zones without an honest figure are left out. */
export function raplWatts(
  previous: RaplCounters,
  next: RaplCounters,
  zones: readonly RaplZone[],
): Record<string, number> {
  const seconds = (next.atMs - previous.atMs) / 1000;
  const watts: Record<string, number> = {};
  if (!(seconds > 0)) return watts;
  for (const zone of zones) {
    const before = previous.energyUj[zone.id];
    const after = next.energyUj[zone.id];
    if (before === undefined || after === undefined) continue;
    const delta = energyDeltaUj(before, after, zone.maxEnergyRangeUj);
    if (delta === null) continue;
    const value = delta / 1e6 / seconds;
    if (value <= MAX_PLAUSIBLE_ZONE_WATTS) watts[zone.id] = value;
  }
  return watts;
}

/** `package-0`, `core`, … ; sub-zones are prefixed with their package when there are several packages. */
export function zoneLabels(zones: readonly RaplZone[]): Map<string, string> {
  const byId = new Map(zones.map((z) => [z.id, z]));
  const packages = zones.filter((z) => z.parentId === null && z.name.startsWith('package')).length;
  const labels = new Map<string, string>();
  const used = new Set<string>();
  for (const zone of zones) {
    const parent = zone.parentId ? byId.get(zone.parentId) : undefined;
    let label = parent && packages > 1 ? `${parent.name}/${zone.name}` : zone.name;
    if (used.has(label)) label = `${label} (${zone.id})`;
    used.add(label);
    labels.set(zone.id, label);
  }
  return labels;
}

export function raplObservation(zones: readonly RaplZone[], watts: Record<string, number>): PowerObservation {
  const labels = zoneLabels(zones);
  const observation: PowerObservation = { source: 'rapl', zones: {} };
  const add = (key: 'packageWatts' | 'cpuWatts' | 'gpuWatts' | 'dramWatts', w: number) => {
    observation[key] = (observation[key] ?? 0) + w;
  };
  for (const zone of zones) {
    const w = watts[zone.id];
    if (w === undefined) continue;
    observation.zones![labels.get(zone.id) ?? zone.id] = w;
    if (zone.name.startsWith('package') && zone.parentId === null) add('packageWatts', w);
    else if (zone.name === 'core') add('cpuWatts', w);
    // PP1 "uncore" is the integrated GPU on client parts; server parts have no such zone.
    else if (zone.name === 'uncore') add('gpuWatts', w);
    else if (zone.name === 'dram') add('dramWatts', w);
    // psys stays a zone: what it covers depends on how the board wires the PSys input, so it is not
    // claimed as whole-machine power.
  }
  return observation;
}

export interface RaplCollectorOptions {
  /** Defaults to reading energy_uj from sysfs. */
  counterSource?: RaplCounterSource;
}

export interface RaplCollector extends CollectorInstance {
  /** Switches to another counter source (the root loop after a granted elevation). */
  useCounterSource(next: RaplCounterSource): void;
}

/** Package/core/uncore/dram/psys watts from the energy counters of two consecutive reads. */
export function createRaplCollector(env: CollectorEnv, options: RaplCollectorOptions = {}): RaplCollector {
  let source = options.counterSource ?? sysfsCounterSource(env);
  let previous: RaplCounters | null = null;
  let lastResult: Reading<Observation> | null = null;

  async function collect(): Promise<Reading<Observation>> {
    const zones = await discoverRaplZones(env.sysRoot, env.now());
    if (zones.status !== 'ok') {
      previous = null;
      return zones;
    }
    const counters = await source.read(zones.value);
    if (counters.status !== 'ok') {
      previous = null;
      return counters;
    }
    const before = previous;
    const next = counters.value;
    if (before && next.atMs === before.atMs && lastResult) return lastResult;
    previous = next;
    if (!before) return absent('warming-up', 'RAPL needs two counter reads to compute watts');
    if (next.atMs < before.atMs) return absent('warming-up', 'the counter clock went backwards; restarting');
    const watts = raplWatts(before, next, zones.value);
    if (Object.keys(watts).length === 0) {
      return absent('warming-up', 'no zone had two comparable counter reads');
    }
    lastResult = ok({ power: raplObservation(zones.value, watts) }, env.now());
    return lastResult;
  }

  const remembering = () => rememberAbsence(collect, env.now, SYSFS_ABSENT_RECHECK_MS);
  let collectOrRecall = remembering();
  return {
    async collect() {
      try {
        return await collectOrRecall();
      } catch (error) {
        return failed(`rapl: ${(error as Error).message}`);
      }
    },
    close: async () => source.close?.(),
    useCounterSource(next) {
      void source.close?.();
      source = next;
      previous = null;
      lastResult = null;
      collectOrRecall = remembering();
    },
  };
}

export const RAPL_COLLECTOR: CollectorDefinition = {
  id: 'rapl',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['power'],
  defaultEnabled: true,
  description: 'CPU package, core, uncore (iGPU), DRAM and psys watts from RAPL energy counters (powercap)',
  create: (env) => createRaplCollector(env),
};
