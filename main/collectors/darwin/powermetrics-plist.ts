import {
  isDict,
  numberAt,
  parsePlist,
  stringAt,
  type PlistDict,
  type PlistOutcome,
  type PlistValue,
} from './plist.js';
import { extractPlist, type PlistPick } from './plist-extract.js';
import { roundWatts, type PowermetricsSample, type PowermetricsTask } from './powermetrics-sample.js';
import { osThermalLevelFrom, thermalPressureFrom } from './thermal-pressure.js';

export type DocumentOutcome = { ok: true; value: PowermetricsSample } | { ok: false; error: string };

export interface PlistStreamOutcome {
  samples: PowermetricsSample[];
  /** Documents that were not powermetrics samples (truncated, garbage): counted and skipped. */
  malformed: number;
  /** The first malformed document's reason, for the one-line error when nothing parsed. */
  firstError: string | null;
}

/** Parses `powermetrics -f plist` output: one or more plist documents separated by NUL bytes. */
export function parsePowermetricsPlist(text: string): PlistStreamOutcome {
  const outcome: PlistStreamOutcome = { samples: [], malformed: 0, firstError: null };
  for (const document of text.split('\0')) {
    if (document.trim() === '') continue;
    const parsed = parsePowermetricsDocument(document);
    if (parsed.ok) outcome.samples.push(parsed.value);
    else {
      outcome.malformed++;
      outcome.firstError ??= parsed.error;
    }
  }
  return outcome;
}

/**
 * Parses one plist document written by powermetrics. Never throws. Only the values below are built
 * (see extractPlist); the rest of the ~260 KB document is checked, not kept.
 */
export function parsePowermetricsDocument(document: string | Uint8Array): DocumentOutcome {
  return sampleFrom(extractPlist(document, POWERMETRICS_PICK));
}

/** The same from the whole plist tree: the reference the extractor is tested and benchmarked against. */
export function parsePowermetricsDocumentFromFullTree(text: string): DocumentOutcome {
  return sampleFrom(parsePlist(text));
}

const POWER_SUFFIXES = ['_power', '_watts', '_energy', '_joules'];
/** Each prefix's four key names, made once rather than per read. */
const POWER_KEYS = new Map(
  ['cpu', 'gpu', 'ane', 'dram', 'combined', 'package'].map(
    (p) => [p, POWER_SUFFIXES.map((s) => p + s)] as const,
  ),
);
const powerKeys = (...prefixes: string[]): Record<string, PlistPick> =>
  Object.fromEntries(prefixes.flatMap((p) => POWER_KEYS.get(p)!.map((key) => [key, 'whole' as const])));

/** Every value sampleFrom reads, and nothing else. */
export const POWERMETRICS_PICK: PlistPick = {
  keys: {
    elapsed_ns: 'whole',
    timestamp: 'whole',
    hw_model: 'whole',
    thermal_pressure: 'whole',
    ...powerKeys('combined', 'package'),
    processor: { keys: powerKeys('cpu', 'gpu', 'ane', 'dram', 'combined', 'package') },
    gpu: { keys: powerKeys('gpu') },
    smc: { keys: { cpu_die: 'whole', gpu_die: 'whole', fan: 'whole' } },
    battery: { keys: { percent_charge: 'whole' } },
    tasks: {
      items: {
        keys: {
          pid: 'whole',
          name: 'whole',
          cputime_ms_per_s: 'whole',
          gputime_ms_per_s: 'whole',
          energy_impact: 'whole',
          energy_impact_per_s: 'whole',
        },
      },
    },
  },
};

function sampleFrom(plist: PlistOutcome): DocumentOutcome {
  if (!plist.ok) return { ok: false, error: `not a plist: ${plist.error}` };
  const root = plist.value;
  if (!isDict(root)) return { ok: false, error: 'the plist root is not a dictionary' };
  const elapsedNs = numberAt(root, 'elapsed_ns');
  if (elapsedNs === undefined || elapsedNs <= 0) {
    return { ok: false, error: 'not a powermetrics sample (no elapsed_ns)' };
  }
  const elapsedSeconds = elapsedNs / 1e9;
  const processor = dictAt(root, 'processor');
  const gpu = dictAt(root, 'gpu');
  const smc = dictAt(root, 'smc');
  const power = (prefixes: string[], ...where: (PlistDict | undefined)[]): number | null =>
    firstWatts(prefixes, where, elapsedSeconds);
  const timestamp = root['timestamp'];
  return {
    ok: true,
    value: {
      timestamp: timestamp instanceof Date ? timestamp.toISOString() : null,
      elapsedSeconds,
      hwModel: stringAt(root, 'hw_model') ?? null,
      cpuWatts: power(['cpu'], processor),
      gpuWatts: power(['gpu'], processor, gpu),
      aneWatts: power(['ane'], processor),
      dramWatts: power(['dram'], processor),
      packageWatts: power(['combined', 'package'], processor, root),
      thermalPressure: thermalPressureFrom(stringAt(root, 'thermal_pressure') ?? ''),
      thermalOsLevel: osThermalLevelFrom(stringAt(root, 'thermal_pressure') ?? ''),
      cpuTempCelsius: numberAt(smc, 'cpu_die') ?? null,
      gpuTempCelsius: numberAt(smc, 'gpu_die') ?? null,
      fanRpm: fans(smc),
      batteryPercent: numberAt(dictAt(root, 'battery'), 'percent_charge') ?? null,
      tasks: tasks(root['tasks']),
    },
  };
}

/**
 * powermetrics states a power figure several ways: `x_power` (mW, averaged over the interval),
 * `x_energy` (mJ in the interval), and on Intel `x_watts` / `x_joules`. The first one found wins.
 */
function firstWatts(
  prefixes: string[],
  dicts: (PlistDict | undefined)[],
  elapsedSeconds: number,
): number | null {
  for (const dict of dicts) {
    if (!dict) continue;
    for (const prefix of prefixes) {
      const [powerKey, wattsKey, energyKey, joulesKey] = POWER_KEYS.get(prefix)!;
      const milliwatts = numberAt(dict, powerKey!);
      if (milliwatts !== undefined) return roundWatts(milliwatts / 1000);
      const watts = numberAt(dict, wattsKey!);
      if (watts !== undefined) return roundWatts(watts);
      const millijoules = numberAt(dict, energyKey!);
      if (millijoules !== undefined) return roundWatts(millijoules / 1000 / elapsedSeconds);
      const joules = numberAt(dict, joulesKey!);
      if (joules !== undefined) return roundWatts(joules / elapsedSeconds);
    }
  }
  return null;
}

function tasks(value: PlistValue | undefined): PowermetricsTask[] {
  if (!Array.isArray(value)) return [];
  const rows: PowermetricsTask[] = [];
  for (const item of value) {
    if (!isDict(item)) continue;
    const pid = numberAt(item, 'pid');
    const cpu = numberAt(item, 'cputime_ms_per_s');
    if (pid === undefined || cpu === undefined || pid === -2) continue;
    rows.push({
      pid,
      name: stringAt(item, 'name') ?? '',
      cpuMsPerSecond: cpu,
      gpuMsPerSecond: numberAt(item, 'gputime_ms_per_s') ?? null,
      energyImpact: numberAt(item, 'energy_impact') ?? numberAt(item, 'energy_impact_per_s') ?? null,
    });
  }
  return rows;
}

function fans(smc: PlistDict | undefined): number[] {
  const value = smc?.['fan'];
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

function dictAt(dict: PlistDict, key: string): PlistDict | undefined {
  const value = dict[key];
  return isDict(value) ? value : undefined;
}
