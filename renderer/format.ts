import type { ThermalPressure } from '../main/contract/sample.js';

/** Display formats shared by every view (UI.md "Units"). Missing values render as an em dash. */
export const MISSING = '—';

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function formatWatts(watts: number | null | undefined): string {
  return isNum(watts) ? `${watts.toFixed(1)} W` : MISSING;
}

export function formatWattHours(wattHours: number | null | undefined): string {
  return isNum(wattHours) ? `${wattHours.toFixed(1)} Wh` : MISSING;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Memory in MB below 1 GB (whole numbers), GB with one decimal above. */
export function formatBytes(bytes: number | null | undefined): string {
  if (!isNum(bytes) || bytes < 0) return MISSING;
  if (bytes >= GB) return `${(bytes / GB).toFixed(1)} GB`;
  const mb = bytes / MB;
  return mb >= 10 || mb === 0 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

/** CPU % with one decimal under 10 %, whole numbers above. 100 = one core. */
export function formatCpuPercent(percent: number | null | undefined): string {
  if (!isNum(percent)) return MISSING;
  return percent < 10 ? `${percent.toFixed(1)} %` : `${Math.round(percent)} %`;
}

export function formatPercent(percent: number | null | undefined): string {
  return isNum(percent) ? `${Math.round(percent)} %` : MISSING;
}

export function formatCelsius(celsius: number | null | undefined): string {
  return isNum(celsius) ? `${Math.round(celsius)} °C` : MISSING;
}

/** "45 s", "5 m", "2 h 10 m", "3 d 4 h": two units at most. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isNum(seconds) || seconds < 0) return MISSING;
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

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

/** A signed difference with its unit: "+1.2 W", "−3.1 W" (a real minus sign), "0.0 W". */
export function formatSigned(value: number | null | undefined, unit: string, digits = 1): string {
  if (!isNum(value)) return MISSING;
  const rounded = Number(value.toFixed(digits));
  const body = `${Math.abs(rounded).toFixed(digits)}${unit ? ` ${unit}` : ''}`;
  if (rounded > 0) return `+${body}`;
  if (rounded < 0) return `\u2212${body}`;
  return body;
}

export interface EstimateText {
  text: string;
  title: string;
}

/** An estimate is prefixed ≈ and says so in its tooltip (ARCHITECTURE.md principle 6). */
export function formatEstimateWatts(watts: number | null | undefined): EstimateText {
  return {
    text: isNum(watts) ? `\u2248 ${watts.toFixed(1)} W` : MISSING,
    title: 'Estimated: the service\u2019s share of CPU/GPU time applied to the measured power',
  };
}

export function formatEstimateWattHours(wattHours: number | null | undefined): EstimateText {
  return {
    text: isNum(wattHours) ? `\u2248 ${wattHours.toFixed(1)} Wh` : MISSING,
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

/** "2 models loaded" and similar counts: "1 model", "2 models". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
