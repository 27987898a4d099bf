import { formatWatts, formatWattHours, isFiniteNumber, MISSING } from '../main/contract/format.js';
import type { ThermalPressure } from '../main/contract/sample.js';

/**
 * Display formats only the popover needs: clock times, relative times, compare figures, the
 * estimate marker and thermal badges. Figures (watts, sizes, durations, percentages) are formatted
 * by main/contract/format.ts, shared with alerts, reports and the CLI.
 */

const isNum = isFiniteNumber;

/** "now" under a minute, then "5 m ago", "2 h ago", "3 d ago"; "never" when there is no time. */
export function formatAgo(at: number | null | undefined, now: number): string {
  if (!isNum(at)) return 'never';
  const seconds = Math.max(0, (now - at) / 1000);
  if (seconds < 60) return 'now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local "14:05". */
export function formatClock(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Local "Mon 14:05"; for axis labels spanning days. */
export function formatDayClock(at: number): string {
  return `${WEEKDAYS[new Date(at).getDay()] ?? ''} ${formatClock(at)}`;
}

/**
 * A compare figure in its own unit ("7.4 W", "5.3 Wh/h", "45.0 %"), one decimal like its signed
 * difference beside it, so the two columns agree.
 */
export function formatFigure(value: number | null | undefined, unit: string): string {
  if (!isNum(value)) return MISSING;
  return `${value.toFixed(1)}${unit ? ` ${unit}` : ''}`;
}

export interface EstimateText {
  text: string;
  title: string;
}

/** An estimate is prefixed ≈ and says so in its tooltip, so it is never read as a measurement. */
export function formatEstimateWatts(watts: number | null | undefined): EstimateText {
  return {
    text: isNum(watts) ? `\u2248 ${formatWatts(watts)}` : MISSING,
    title: 'Estimated: the service\u2019s share of CPU/GPU time applied to the measured power',
  };
}

export function formatEstimateWattHours(wattHours: number | null | undefined): EstimateText {
  return {
    text: isNum(wattHours) ? `\u2248 ${formatWattHours(wattHours)}` : MISSING,
    title: 'Estimated: the service\u2019s share of CPU/GPU time applied to the measured energy',
  };
}

export type ThermalTone = ThermalPressure | 'unknown';

export interface ThermalBadge {
  tone: ThermalTone;
  label: string;
}

const THERMAL_LABELS: Record<ThermalTone, string> = {
  nominal: 'Nominal',
  fair: 'Fair',
  serious: 'Serious',
  critical: 'Critical',
  unknown: 'Unknown',
};

export function thermalBadge(pressure: ThermalPressure | null | undefined): ThermalBadge {
  const tone: ThermalTone = pressure ?? 'unknown';
  return { tone, label: THERMAL_LABELS[tone] ?? THERMAL_LABELS.unknown };
}

const LEVELS: readonly ThermalPressure[] = ['nominal', 'fair', 'serious', 'critical'];

/** HistoryPoint.thermalLevel (0…3) back to a pressure name. */
export function pressureFromLevel(level: number | null | undefined): ThermalPressure | null {
  if (!isNum(level)) return null;
  return LEVELS[Math.max(0, Math.min(3, Math.round(level)))] ?? null;
}
