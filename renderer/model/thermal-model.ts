import type { HistoryPoint } from '../../main/contract/history.js';
import type { Sample, ThermalPressure } from '../../main/contract/sample.js';
import { formatCelsius } from '../../main/contract/format.js';
import { pressureFromLevel } from '../format.js';

/** Seconds spent at each pressure across the points (each point weighs its distance to the next). */
export function pressureDurations(
  points: readonly HistoryPoint[],
): Record<ThermalPressure | 'unknown', number> {
  const totals = { nominal: 0, fair: 0, serious: 0, critical: 0, unknown: 0 };
  const sorted = [...points].sort((a, b) => a.at - b.at);
  sorted.forEach((p, i) => {
    const next = sorted[i + 1];
    if (!next || p.gap) return;
    totals[pressureFromLevel(p.thermalLevel) ?? 'unknown'] += (next.at - p.at) / 1000;
  });
  return totals;
}

export interface ThermalFact {
  value: string;
  /** Where the figure came from, or why it is missing (the fact's tooltip). */
  title: string;
}

/** Source ids as the thermal panel names them. */
const SOURCE_NAMES: Record<string, string> = {
  smc: 'SMC',
  iohid: 'IOHID',
  powermetrics: 'powermetrics',
  hwmon: 'hwmon',
  'thermal-zone': 'thermal zone',
  'nvidia-smi': 'nvidia-smi',
};

const sourceName = (source: string): string => SOURCE_NAMES[source] ?? source;

function fact(sample: Sample | null, path: string, value: string | null): ThermalFact {
  if (value === null) {
    const why = sample?.absent[path];
    return { value: '\u2014', title: why ? `Not measured: ${why}` : 'Not measured' };
  }
  const provenance = sample?.sources[path];
  return provenance
    ? { value: `${value} \u00b7 ${sourceName(provenance.source)}`, title: `Measured by ${provenance.source}` }
    : { value, title: '' };
}

/** The thermal panel's CPU, GPU and fan lines, each labelled with its source (pure, unit-tested). */
export function thermalFacts(sample: Sample | null): {
  cpu: ThermalFact;
  gpu: ThermalFact;
  fans: ThermalFact;
} {
  const t = sample?.thermal;
  const celsius = (v: number | null | undefined) => (typeof v === 'number' ? formatCelsius(v) : null);
  const fans =
    t && t.fanRpm.length > 0
      ? t.fanRpm.map((r) => `${Math.round(r).toLocaleString('en-US')} rpm`).join(', ')
      : null;
  const fanFact = fact(sample, 'thermal.fanRpm', fans);
  return {
    cpu: fact(sample, 'thermal.cpuTempCelsius', celsius(t?.cpuTempCelsius)),
    gpu: fact(sample, 'thermal.gpuTempCelsius', celsius(t?.gpuTempCelsius)),
    fans:
      fans === null && !sample?.absent['thermal.fanRpm'] ? { value: 'none reported', title: '' } : fanFact,
  };
}
