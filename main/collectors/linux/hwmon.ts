import { join } from 'node:path';
import { absent, failed, ok, type Reading, type TemperatureSensor } from '../../contract/index.js';
import type {
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  Observation,
  PowerObservation,
  ThermalObservation,
} from '../types.js';
import { rememberAbsence, SYSFS_ABSENT_RECHECK_MS } from '../absence-cache.js';
import { listDir, naturalCompare, parseInteger, readText, readTrimmed } from './read-files.js';

/** The sensors of one hwmon chip, in SI units. */
export interface HwmonChip {
  /** `hwmon3` */
  id: string;
  /** Driver name (`coretemp`, `amdgpu`, `nct6779`), or the id when the chip has no name file. */
  name: string;
  temps: { label: string; celsius: number }[];
  fans: { label: string; rpm: number }[];
  /** power*_input, or power*_average where the driver only offers that. */
  power: { label: string; watts: number }[];
  /** Cumulative energy*_input counters. */
  energy: { label: string; microjoules: number }[];
  /** True when some attribute could not be read for lack of permission. */
  denied: boolean;
}

const SENSOR_FILE = /^(temp|fan|power|energy)(\d+)_(input|average)$/;
/** The kernel's acpi_power_meter driver (ACPI000D): a meter of the whole machine's input power. */
const WHOLE_SYSTEM_METER = 'power_meter';
const CPU_CHIPS = new Set(['coretemp', 'k10temp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal']);
const GPU_CHIPS = new Set(['amdgpu', 'radeon', 'nouveau', 'i915', 'xe']);

async function sensorFiles(dir: string): Promise<string[] | null> {
  const listing = await listDir(dir);
  if (!listing.ok) return null;
  return listing.names.filter((name) => SENSOR_FILE.test(name));
}

/** Reads one chip; attributes may live in the hwmon directory or only under its `device/`. */
export async function readHwmonChip(hwmonDir: string, id: string): Promise<HwmonChip> {
  let dir = hwmonDir;
  let files = await sensorFiles(dir);
  if (!files || files.length === 0) {
    const deviceFiles = await sensorFiles(join(hwmonDir, 'device'));
    if (deviceFiles && deviceFiles.length > 0) {
      dir = join(hwmonDir, 'device');
      files = deviceFiles;
    }
  }
  const name = (await readTrimmed(join(dir, 'name'))) || (await readTrimmed(join(hwmonDir, 'name'))) || id;
  const chip: HwmonChip = { id, name, temps: [], fans: [], power: [], energy: [], denied: false };
  const inputs = new Set(files ?? []);
  for (const file of [...inputs].sort(naturalCompare)) {
    const [, kind, index, suffix] = SENSOR_FILE.exec(file)!;
    // power*_average only when the driver has no power*_input for the same index.
    if (suffix === 'average' && (kind !== 'power' || inputs.has(`power${index}_input`))) continue;
    const read = await readText(join(dir, file));
    if (!read.ok) {
      if (read.failure === 'permission') chip.denied = true;
      continue;
    }
    const raw = parseInteger(read.text);
    if (raw === null) continue;
    const label = (await readTrimmed(join(dir, `${kind}${index}_label`))) || `${kind}${index}`;
    if (kind === 'temp') chip.temps.push({ label, celsius: raw / 1000 });
    else if (kind === 'fan' && raw >= 0) chip.fans.push({ label, rpm: raw });
    else if (kind === 'power' && raw >= 0) chip.power.push({ label, watts: raw / 1e6 });
    else if (kind === 'energy' && raw >= 0) chip.energy.push({ label, microjoules: raw });
  }
  return chip;
}

export async function readHwmonChips(sysRoot: string, at: number): Promise<Reading<HwmonChip[]>> {
  const base = join(sysRoot, 'class', 'hwmon');
  const listing = await listDir(base);
  if (!listing.ok) {
    return listing.failure === 'permission'
      ? absent('permission', `${base}: ${listing.message}`)
      : absent('not-present', 'no hwmon sensors on this machine');
  }
  const ids = listing.names.filter((name) => /^hwmon\d+$/.test(name));
  if (ids.length === 0) return absent('not-present', 'no hwmon sensors on this machine');
  const chips = await Promise.all(ids.map((id) => readHwmonChip(join(base, id), id)));
  return ok(chips, at);
}

function max(values: number[]): number | undefined {
  return values.length > 0 ? Math.max(...values) : undefined;
}

/** The package sensor where the chip labels one (coretemp "Package id 0"), else its hottest sensor. */
function chipTemperature(chip: HwmonChip): number | undefined {
  const pkg = chip.temps.filter(
    (t) => /^(package|physical) id/i.test(t.label) || /^(tdie|tctl)$/i.test(t.label),
  );
  return max((pkg.length > 0 ? pkg : chip.temps).map((t) => t.celsius));
}

interface EnergyMark {
  microjoules: number;
  atMs: number;
}

/** Turns hwmon energy counters into watts between calls; a counter that went backwards is skipped. */
export class HwmonEnergyRates {
  private marks = new Map<string, EnergyMark>();

  update(key: string, microjoules: number, atMs: number): number | null {
    const before = this.marks.get(key);
    this.marks.set(key, { microjoules, atMs });
    if (!before || atMs <= before.atMs || microjoules < before.microjoules) return null;
    return (microjoules - before.microjoules) / 1e6 / ((atMs - before.atMs) / 1000);
  }

  forgetExcept(keys: ReadonlySet<string>): void {
    for (const key of this.marks.keys()) if (!keys.has(key)) this.marks.delete(key);
  }
}

export function hwmonObservation(
  chips: readonly HwmonChip[],
  rates: HwmonEnergyRates,
  atMs: number,
): Observation {
  const sensors: TemperatureSensor[] = [];
  const fanRpm: number[] = [];
  const zones: Record<string, number> = {};
  const cpuTemps: number[] = [];
  const gpuTemps: number[] = [];
  let gpuWatts: number | undefined;
  let systemWatts: number | undefined;
  const seenEnergy = new Set<string>();
  const nameCount = new Map<string, number>();
  for (const chip of chips) nameCount.set(chip.name, (nameCount.get(chip.name) ?? 0) + 1);
  for (const chip of chips) {
    // Two coretemp chips (two sockets) would otherwise give identical labels.
    const prefix = (nameCount.get(chip.name) ?? 0) > 1 ? `${chip.name} (${chip.id})` : chip.name;
    for (const t of chip.temps) sensors.push({ label: `${prefix} ${t.label}`, celsius: t.celsius });
    for (const f of chip.fans) fanRpm.push(f.rpm);
    const chipTemp = chipTemperature(chip);
    if (chipTemp !== undefined && CPU_CHIPS.has(chip.name)) cpuTemps.push(chipTemp);
    if (chipTemp !== undefined && GPU_CHIPS.has(chip.name)) gpuTemps.push(chipTemp);
    const watts: { label: string; watts: number }[] = [...chip.power];
    for (const e of chip.energy) {
      const key = `${chip.id}/${e.label}`;
      seenEnergy.add(key);
      const w = rates.update(key, e.microjoules, atMs);
      if (w !== null && !chip.power.some((p) => p.label === e.label))
        watts.push({ label: e.label, watts: w });
    }
    for (const w of watts) {
      zones[`${prefix} ${w.label}`] = w.watts;
      if (GPU_CHIPS.has(chip.name)) gpuWatts = (gpuWatts ?? 0) + w.watts;
      if (chip.name === WHOLE_SYSTEM_METER) systemWatts = (systemWatts ?? 0) + w.watts;
    }
  }
  rates.forgetExcept(seenEnergy);
  const observation: Observation = {};
  if (sensors.length > 0 || fanRpm.length > 0) {
    const thermal: ThermalObservation = { source: 'hwmon', sensors, fanRpm };
    const cpu = max(cpuTemps);
    const gpu = max(gpuTemps);
    if (cpu !== undefined) thermal.cpuTempCelsius = cpu;
    if (gpu !== undefined) thermal.gpuTempCelsius = gpu;
    observation.thermal = thermal;
  }
  if (Object.keys(zones).length > 0) {
    const power: PowerObservation = { source: 'hwmon', zones };
    if (gpuWatts !== undefined) power.gpuWatts = gpuWatts;
    if (systemWatts !== undefined) power.systemWatts = systemWatts;
    observation.power = power;
  }
  return observation;
}

export function createHwmonCollector(env: CollectorEnv): CollectorInstance {
  const rates = new HwmonEnergyRates();
  const collect = rememberAbsence(
    async (): Promise<Reading<Observation>> => {
      const chips = await readHwmonChips(env.sysRoot, env.now());
      if (chips.status !== 'ok') return chips;
      const observation = hwmonObservation(chips.value, rates, env.now());
      if (observation.thermal || observation.power) return ok(observation, env.now());
      if (chips.value.some((c) => c.denied)) return absent('permission', 'hwmon sensors are not readable');
      return absent('no-data', 'hwmon chips expose no temperature, fan or power sensor');
    },
    env.now,
    SYSFS_ABSENT_RECHECK_MS,
  );
  return {
    async collect() {
      try {
        return await collect();
      } catch (error) {
        return failed(`hwmon: ${(error as Error).message}`);
      }
    },
  };
}

export const HWMON_COLLECTOR: CollectorDefinition = {
  id: 'hwmon',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['thermal', 'power'],
  defaultEnabled: true,
  description: 'Temperatures, fan speeds and power/energy sensors from /sys/class/hwmon',
  create: createHwmonCollector,
};
