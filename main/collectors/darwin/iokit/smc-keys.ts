/**
 * Which SMC keys hold CPU and GPU die temperatures, per chip generation. The lists are the ones
 * Stats reads (exelban/stats `Modules/Sensors/values.swift` `SensorsList`, keys marked `average`,
 * per `Platform.m1Gen` … `m5Gen`, and the Intel `TC…`/`TG…` keys); for a chip neither list knows,
 * the key families macmon reads (vladkens/macmon `src_lib/metrics.rs` `init_smc`: `Tp`, `Te`, `Ts`
 * for the CPU, `Tg` for the GPU, `flt ` only) over the keys the SMC enumerates.
 */

export type ChipFamily = 'm1' | 'm2' | 'm3' | 'm4' | 'm5' | 'apple-other' | 'intel' | 'unknown';

export interface Chip {
  family: ChipFamily;
  /** 'Pro', 'Max', 'Ultra' or '' for the base chip. */
  tier: string;
  brand: string;
}

/** `sysctl -n machdep.cpu.brand_string` → chip ("Apple M4 Max", "Intel(R) Core(TM) i9-9980HK …"). */
export function parseChip(brand: string): Chip {
  const text = brand.trim();
  const apple = /^Apple M(\d+)(?:\s+(Pro|Max|Ultra))?\b/.exec(text);
  if (apple) {
    const generation = Number(apple[1]);
    const family: ChipFamily =
      generation >= 1 && generation <= 5 ? (`m${generation}` as ChipFamily) : 'apple-other';
    return { family, tier: apple[2] ?? '', brand: text };
  }
  if (/^Apple\b/.test(text)) return { family: 'apple-other', tier: '', brand: text };
  if (/\bIntel\b/i.test(text)) return { family: 'intel', tier: '', brand: text };
  return { family: 'unknown', tier: '', brand: text };
}

export type Cluster = 'cpu-efficiency' | 'cpu-performance' | 'cpu-super' | 'cpu' | 'gpu';

export interface TemperatureKey {
  key: string;
  cluster: Cluster;
}

const keys = (cluster: Cluster, list: string): TemperatureKey[] =>
  list.split(' ').map((key) => ({ key, cluster }));

const M4_GPU_SHARED = 'Tg0K Tg0L Tg0d Tg0e Tg0j Tg0k';

const FAMILY_KEYS: Record<'m1' | 'm2' | 'm3' | 'm5' | 'intel', TemperatureKey[]> = {
  m1: [
    ...keys('cpu-efficiency', 'Tp09 Tp0T'),
    ...keys('cpu-performance', 'Tp01 Tp05 Tp0D Tp0H Tp0L Tp0P Tp0X Tp0b'),
    ...keys('gpu', 'Tg05 Tg0D Tg0L Tg0T'),
  ],
  m2: [
    ...keys('cpu-efficiency', 'Tp1h Tp1t Tp1p Tp1l'),
    ...keys('cpu-performance', 'Tp01 Tp05 Tp09 Tp0D Tp0X Tp0b Tp0f Tp0j'),
    ...keys('gpu', 'Tg0f Tg0j'),
  ],
  m3: [
    ...keys('cpu-efficiency', 'Te05 Te0L Te0P Te0S'),
    ...keys('cpu-performance', 'Tf04 Tf09 Tf0A Tf0B Tf0D Tf0E Tf44 Tf49 Tf4A Tf4B Tf4D Tf4E'),
    ...keys('gpu', 'Tf14 Tf18 Tf19 Tf1A Tf24 Tf28 Tf29 Tf2A'),
  ],
  m5: [
    ...keys('cpu-super', 'Tp00 Tp04 Tp08 Tp0C Tp0G Tp0K'),
    ...keys('cpu-performance', 'Tp0O Tp0R Tp0U Tp0X Tp0a Tp0d Tp0g Tp0j Tp0m Tp0p Tp0u Tp0y'),
    ...keys('gpu', 'Tg0U Tg0X Tg0d Tg0g Tg0j Tg1Y Tg1c Tg1g'),
  ],
  // Intel: CPU diode/proximity/package and per-core keys, discrete or integrated GPU (sp78).
  intel: [
    ...keys('cpu', 'TC0D TC0E TC0F TC0P TCAD TC0C TC1C TC2C TC3C TC4C TC5C TC6C TC7C'),
    ...keys('gpu', 'TG0D TG0P TCGC TGDD'),
  ],
};

/** The die-temperature keys Stats lists for this chip; empty when the generation is unknown. */
export function temperatureKeysFor(chip: Chip): TemperatureKey[] {
  if (chip.family === 'm4') {
    const big = chip.tier === 'Pro' || chip.tier === 'Max' || chip.tier === 'Ultra';
    return [
      ...keys('cpu-efficiency', 'Te05 Te0S Te09 Te0H'),
      ...keys('cpu-performance', 'Tp01 Tp05 Tp09 Tp0D Tp0V Tp0Y Tp0b Tp0e'),
      ...keys('gpu', `${big ? 'Tg1U Tg1k' : 'Tg0G Tg0H'} ${M4_GPU_SHARED}`),
    ];
  }
  if (chip.family === 'apple-other' || chip.family === 'unknown') return [];
  return FAMILY_KEYS[chip.family];
}

/** macmon's rule over enumerated keys, for chips no list knows. */
export function temperatureKeysByFamily(available: readonly string[]): TemperatureKey[] {
  const found: TemperatureKey[] = [];
  for (const key of new Set(available)) {
    if (/^T[pes]/.test(key)) found.push({ key, cluster: 'cpu' });
    else if (key.startsWith('Tg')) found.push({ key, cluster: 'gpu' });
  }
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export const SYSTEM_POWER_KEY = 'PSTR';
export const FAN_COUNT_KEY = 'FNum';
export const KEY_COUNT_KEY = '#KEY';

export const fanKeys = (index: number) => ({
  actual: `F${index}Ac`,
  min: `F${index}Mn`,
  max: `F${index}Mx`,
});

/** Fan indexes from enumerated keys (macmon: keys `F?Ac`), for an SMC without a readable `FNum`. */
export function fanIndexesFromKeys(available: readonly string[]): number[] {
  const indexes = available
    .map((k) => /^F(\d)Ac$/.exec(k))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
  return [...new Set(indexes)].sort((a, b) => a - b);
}

/** A die temperature is plausible above 0 and up to 150 °C (macmon `is_valid_temp`); 0 means no reading. */
export function isPlausibleTemperature(celsius: number): boolean {
  return Number.isFinite(celsius) && celsius > 0 && celsius <= 150;
}

/** A stopped fan reads 0 rpm on Apple silicon laptops, so 0 is a reading (macmon `is_valid_fan_rpm`). */
export function isPlausibleFanRpm(rpm: number): boolean {
  return Number.isFinite(rpm) && rpm >= 0 && rpm <= 100_000;
}

/** PSTR is the whole machine's draw; anything outside 0–2 kW is not a reading. */
export function isPlausibleSystemWatts(watts: number): boolean {
  return Number.isFinite(watts) && watts >= 0 && watts <= 2000;
}

export const CLUSTER_LABELS: Record<Cluster, string> = {
  'cpu-efficiency': 'CPU efficiency cores',
  'cpu-performance': 'CPU performance cores',
  'cpu-super': 'CPU super cores',
  cpu: 'CPU',
  gpu: 'GPU',
};

export const isCpuCluster = (cluster: Cluster): boolean => cluster !== 'gpu';
