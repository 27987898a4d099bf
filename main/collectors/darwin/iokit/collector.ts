import { absent, failed, ok, type Reading, type TemperatureSensor } from '../../../contract/index.js';
import type {
  CollectorEnv,
  CollectorInstance,
  Observation,
  PowerObservation,
  ThermalObservation,
} from '../../types.js';
import { summariseHidTemperatures } from './hid-clusters.js';
import type { HidPort, IokitOpener, IokitOpenResult, SmcPort } from './ports.js';
import { decodeSmcNumber } from './smc-codec.js';
import {
  CLUSTER_LABELS,
  FAN_COUNT_KEY,
  fanIndexesFromKeys,
  fanKeys,
  isCpuCluster,
  isPlausibleFanRpm,
  isPlausibleSystemWatts,
  isPlausibleTemperature,
  parseChip,
  SYSTEM_POWER_KEY,
  temperatureKeysByFamily,
  temperatureKeysFor,
  type Chip,
  type Cluster,
  type TemperatureKey,
} from './smc-keys.js';

export const BRAND_ARGS = ['-n', 'machdep.cpu.brand_string'] as const;
const MAX_FANS = 10;

/** What the first tick learned about this machine's SMC; the keys it found are read every tick after. */
interface Layout {
  chip: Chip;
  temperatureKeys: TemperatureKey[];
  /** Where the key list came from, for the health line. */
  keySource: string;
  fans: { index: number; minRpm: number | null; maxRpm: number | null }[];
  /** Why there is no fan reading (no fans, or no FNum). */
  fanAbsence: string | null;
  pstr: boolean;
  pstrAbsence: string | null;
}

type Decoded = { ok: true; value: number } | { ok: false; why: string; missing: boolean };

function readNumber(smc: SmcPort, key: string): Decoded {
  const r = smc.read(key);
  if (r.status === 'missing') return { ok: false, why: `no ${key} key on this Mac`, missing: true };
  if (r.status === 'error') return { ok: false, why: `${key}: ${r.message}`, missing: false };
  const n = decodeSmcNumber(r.dataType, r.bytes);
  return n.ok ? { ok: true, value: n.value } : { ok: false, why: `${key}: ${n.error}`, missing: false };
}

async function chipOf(env: CollectorEnv): Promise<Chip> {
  const result = await env.exec('sysctl', [...BRAND_ARGS]);
  return parseChip(result.exitCode === 0 ? result.stdout : '');
}

async function discover(env: CollectorEnv, smc: SmcPort): Promise<Layout> {
  const chip = await chipOf(env);
  const listed = smc.listKeys();
  const available = listed.ok ? new Set(listed.keys) : null;
  const known = temperatureKeysFor(chip);
  let temperatureKeys: TemperatureKey[];
  let keySource: string;
  if (available) {
    const present = known.filter((k) => available.has(k.key));
    temperatureKeys = present.length > 0 ? present : temperatureKeysByFamily([...available]);
    keySource = present.length > 0 ? `${chip.brand || chip.family} key list` : 'key families (Tp/Te/Ts, Tg)';
  } else {
    temperatureKeys = known;
    keySource = `${chip.brand || chip.family} key list, unverified (${listed.ok ? '' : listed.error})`;
  }
  // A key that exists but is not a number (or a temperature in a type we do not decode) is dropped now.
  temperatureKeys = temperatureKeys.filter((k) => readNumber(smc, k.key).ok);

  let fans: Layout['fans'] = [];
  let fanAbsence: string | null = null;
  const count = readNumber(smc, FAN_COUNT_KEY);
  const indexes = count.ok
    ? Array.from({ length: Math.min(Math.max(0, Math.trunc(count.value)), MAX_FANS) }, (_, i) => i)
    : available
      ? fanIndexesFromKeys([...available])
      : [];
  if (indexes.length === 0) fanAbsence = count.ok ? 'this Mac has no fans (FNum = 0)' : count.why;
  for (const index of indexes) {
    const keys = fanKeys(index);
    if (!readNumber(smc, keys.actual).ok) continue;
    const limit = (key: string) => {
      const r = readNumber(smc, key);
      return r.ok && isPlausibleFanRpm(r.value) && r.value > 0 ? r.value : null;
    };
    fans.push({ index, minRpm: limit(keys.min), maxRpm: limit(keys.max) });
  }
  if (indexes.length > 0 && fans.length === 0)
    fanAbsence = `no readable fan speed (${fanKeys(indexes[0]!).actual})`;
  fans = fans.slice(0, MAX_FANS);

  const pstr = readNumber(smc, SYSTEM_POWER_KEY);
  return {
    chip,
    temperatureKeys,
    keySource,
    fans,
    fanAbsence,
    // A failed read is retried every tick; only a key the SMC says it lacks is given up.
    pstr: pstr.ok || !pstr.missing,
    pstrAbsence: pstr.ok ? null : pstr.why,
  };
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
const round1 = (v: number) => Math.round(v * 10) / 10;

interface SmcTemperatures {
  cpu: number | null;
  gpu: number | null;
  sensors: TemperatureSensor[];
  unreadable: string[];
}

function readTemperatures(smc: SmcPort, keys: readonly TemperatureKey[]): SmcTemperatures {
  const byCluster = new Map<Cluster, number[]>();
  const unreadable: string[] = [];
  for (const k of keys) {
    const r = readNumber(smc, k.key);
    if (!r.ok || !isPlausibleTemperature(r.value)) {
      unreadable.push(r.ok ? `${k.key}: ${r.value} °C is not a reading` : r.why);
      continue;
    }
    const values = byCluster.get(k.cluster);
    if (values) values.push(r.value);
    else byCluster.set(k.cluster, [r.value]);
  }
  const cpu = [...byCluster].filter(([c]) => isCpuCluster(c)).flatMap(([, v]) => v);
  const gpu = byCluster.get('gpu') ?? [];
  const sensors = [...byCluster].map(([cluster, values]) => ({
    label: `${CLUSTER_LABELS[cluster]} (SMC, mean of ${values.length})`,
    celsius: round1(mean(values)),
  }));
  return {
    cpu: cpu.length > 0 ? mean(cpu) : null,
    gpu: gpu.length > 0 ? mean(gpu) : null,
    sensors,
    unreadable,
  };
}

function hidTemperatures(hid: HidPort): (SmcTemperatures & { error?: string }) | null {
  const r = hid.temperatures();
  if (!r.ok) return { cpu: null, gpu: null, sensors: [], unreadable: [], error: r.error };
  const summary = summariseHidTemperatures(r.sensors);
  return {
    cpu: summary.cpuCelsius,
    gpu: summary.gpuCelsius,
    sensors: summary.clusters.map((c) => ({
      label: `${c.label} (IOHID, mean of ${c.sensors})`,
      celsius: round1(c.celsius),
    })),
    unreadable: [],
  };
}

export interface IokitCollectorOptions {
  /** Opens the SMC and IOHID; the registry passes the koffi binding, or the recording's replay. */
  open: IokitOpener;
}

/**
 * Whole-machine watts (SMC `PSTR`), fan speeds (`FNum`, `F<n>Ac/Mn/Mx`) and CPU/GPU die
 * temperatures (SMC keys per chip; IOHID sensors averaged per cluster where the SMC has none, as
 * macmon does) without root. A figure this Mac lacks is absent with its reason, never 0.
 */
export function createIokitCollector(env: CollectorEnv, options: IokitCollectorOptions): CollectorInstance {
  let opened: IokitOpenResult | null = null;
  let layout: Layout | null = null;
  return {
    async collect(): Promise<Reading<Observation>> {
      try {
        opened ??= options.open();
        if (!opened.ok) return absent(opened.reason, opened.detail);
        const { smc, hid } = opened.ports;
        if (smc.ok && !layout) layout = await discover(env, smc.port);
        const at = env.now();
        const observation: Observation = {};
        const missing: Record<string, string> = {};

        if (smc.ok && layout) {
          if (layout.pstr) {
            const watts = readNumber(smc.port, SYSTEM_POWER_KEY);
            if (watts.ok && isPlausibleSystemWatts(watts.value)) {
              const power: PowerObservation = {
                source: 'smc',
                systemWatts: Math.round(watts.value * 1000) / 1000,
              };
              observation.power = power;
            } else {
              missing['power.systemWatts'] = watts.ok ? `PSTR read ${watts.value} W` : watts.why;
            }
          } else missing['power.systemWatts'] = layout.pstrAbsence ?? 'no PSTR key on this Mac';
        } else if (!smc.ok) {
          missing['power.systemWatts'] = `SMC: ${smc.reason}`;
        }

        const thermal: ThermalObservation = { source: 'smc' };
        let temps: SmcTemperatures | null =
          smc.ok && layout ? readTemperatures(smc.port, layout.temperatureKeys) : null;
        let tempSource = 'smc';
        if ((!temps || temps.cpu === null) && hid.ok) {
          const fromHid = hidTemperatures(hid.port);
          if (fromHid && (fromHid.cpu !== null || fromHid.gpu !== null)) {
            temps = fromHid;
            tempSource = 'iohid';
          } else if (fromHid?.error) {
            missing['thermal.cpuTempCelsius'] = `IOHID: ${fromHid.error}`;
          }
        }
        if (temps) {
          if (temps.cpu !== null) thermal.cpuTempCelsius = round1(temps.cpu);
          if (temps.gpu !== null) thermal.gpuTempCelsius = round1(temps.gpu);
          if (temps.sensors.length > 0) thermal.sensors = temps.sensors;
        }
        if (thermal.cpuTempCelsius === undefined) {
          missing['thermal.cpuTempCelsius'] ??= noTemperatureWhy(
            layout,
            smc.ok ? null : smc.reason,
            hid.ok ? null : hid.reason,
          );
        }
        if (thermal.gpuTempCelsius === undefined) {
          missing['thermal.gpuTempCelsius'] = 'no GPU die temperature key or IOHID GPU sensor on this Mac';
        }

        if (smc.ok && layout) {
          const rpm: number[] = [];
          for (const fan of layout.fans) {
            const r = readNumber(smc.port, fanKeys(fan.index).actual);
            if (r.ok && isPlausibleFanRpm(r.value)) rpm.push(Math.round(r.value));
          }
          if (rpm.length > 0) thermal.fanRpm = rpm;
          else missing['thermal.fanRpm'] = layout.fanAbsence ?? 'fan speeds unreadable this tick';
        } else if (!smc.ok) {
          missing['thermal.fanRpm'] = `SMC: ${smc.reason}`;
        }

        const sources: NonNullable<ThermalObservation['sources']> = {};
        if (thermal.cpuTempCelsius !== undefined) sources.cpuTempCelsius = tempSource;
        if (thermal.gpuTempCelsius !== undefined) sources.gpuTempCelsius = tempSource;
        if (thermal.sensors) sources.sensors = tempSource;
        if (thermal.fanRpm) sources.fanRpm = 'smc';
        if (Object.keys(sources).length > 0) {
          thermal.source = sources.cpuTempCelsius ?? sources.gpuTempCelsius ?? 'smc';
          thermal.sources = sources;
          observation.thermal = thermal;
        }
        if (!observation.power && !observation.thermal) {
          return absent('not-present', Object.values(missing).join('; ') || 'no SMC or IOHID reading');
        }
        if (Object.keys(missing).length > 0) observation.absent = missing;
        return ok(observation, at);
      } catch (error) {
        return failed(`IOKit: ${(error as Error).message}`);
      }
    },
    async close() {
      if (opened?.ok) opened.ports.close();
    },
  };
}

function noTemperatureWhy(
  layout: Layout | null,
  smcUnavailable: string | null,
  hidUnavailable: string | null,
): string {
  const parts: string[] = [];
  if (smcUnavailable) parts.push(`SMC: ${smcUnavailable}`);
  else if (layout && layout.temperatureKeys.length === 0) {
    parts.push(`no CPU die temperature key found (${layout.keySource})`);
  } else parts.push('CPU die temperature keys unreadable this tick');
  parts.push(hidUnavailable ? `IOHID: ${hidUnavailable}` : 'no IOHID CPU sensor');
  return parts.join('; ');
}
