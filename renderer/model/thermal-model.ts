import type { HistoryPoint } from '../../main/contract/history.js';
import type { ThermalPressure } from '../../main/contract/sample.js';
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
