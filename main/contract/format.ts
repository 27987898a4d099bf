import type { LoadedModels } from './sample.js';

/**
 * The one set of text formats for figures: durations, sizes, watts, percentages and temperatures,
 * shared by alert messages, reports, CLI lines and the popover (which imports this file directly).
 * Live readings keep one decimal; report totals keep two significant figures (formatAmount). A
 * missing or non-finite value is an em dash, never 0.
 */

export const MISSING = '—';

export const isFiniteNumber = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v);

/** Memory is shown in binary megabytes, labelled MB, as Activity Monitor and `top` do. */
export const BYTES_PER_MB = 1024 * 1024;
const BYTES_PER_GB = 1024 * BYTES_PER_MB;

/** "45 s", "75 min", "2 h 10 min", "3 d 4 h": two units at most; seconds below 90 s, minutes below 90 min. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isFiniteNumber(seconds) || seconds < 0) return MISSING;
  const s = Math.round(seconds);
  if (s < 90) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * "Management Console polls Next.js every ≈ 2 s (150 in 5 min)": a monitored client's requests to
 * another service over the last 5 minutes, with their mean spacing when there are two or more.
 */
export function formatPolling(
  client: string,
  service: string,
  requests5m: number,
  everySeconds: number | null,
): string {
  if (everySeconds === null || !Number.isFinite(everySeconds)) {
    return `${client} sent ${service} ${requests5m} ${requests5m === 1 ? 'request' : 'requests'} in 5 min`;
  }
  return `${client} polls ${service} every \u2248 ${formatDuration(Math.max(1, everySeconds))} (${requests5m} in 5 min)`;
}

/** The same, from milliseconds (a span between two epoch times). */
export const formatSpan = (ms: number | null | undefined): string =>
  isFiniteNumber(ms) ? formatDuration(Math.max(0, ms) / 1000) : MISSING;

/** Process memory: whole MB from 10 MB, one decimal below, GB with one decimal from 1 GB. */
export function formatMemory(bytes: number | null | undefined): string {
  if (!isFiniteNumber(bytes) || bytes < 0) return MISSING;
  if (bytes >= BYTES_PER_GB) return `${(bytes / BYTES_PER_GB).toFixed(1)} GB`;
  const mb = bytes / BYTES_PER_MB;
  return mb >= 10 || mb === 0 ? `${Math.round(mb)} MB` : `${mb.toFixed(1)} MB`;
}

/**
 * Decimal units, as Ollama reports model sizes and as traffic is counted: "9.1 GB", "512 MB",
 * "56 kB", "999 B"; one decimal below 10, whole numbers above.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (!isFiniteNumber(bytes) || bytes < 0) return MISSING;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 || value >= 9.95 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A live power reading: one decimal, whole watts from 100 W ("7.8 W", "123 W"). */
export function formatWatts(watts: number | null | undefined): string {
  if (!isFiniteNumber(watts)) return MISSING;
  return `${Math.abs(watts) < 99.95 ? watts.toFixed(1) : watts.toFixed(0)} W`;
}

export function formatWattHours(wattHours: number | null | undefined): string {
  return isFiniteNumber(wattHours) ? `${wattHours.toFixed(1)} Wh` : MISSING;
}

/**
 * Two significant figures below 10, whole numbers above: "0.42", "1.4", "14". For totals and means.
 * Floating-point residue (a difference of equal means, 7.3e-16) is "0.0", never exponent notation.
 */
export function formatNumber(value: number): string {
  const a = Math.abs(value);
  if (a >= 10) return String(Math.round(value));
  if (a >= 1) return value.toFixed(1);
  if (a < 0.0005) return '0.0';
  return value.toPrecision(2);
}

/**
 * A difference with its sign and unit: "+1.2 W", "−0.40 W" (a real minus sign); one too small to show
 * is "0.0 W", without a sign. Significant figures as formatNumber, or a fixed number of decimals so a
 * column of differences lines up with the figures beside it.
 */
export function formatSigned(value: number | null | undefined, unit = '', decimals?: number): string {
  if (!isFiniteNumber(value)) return MISSING;
  const magnitude =
    decimals === undefined ? formatNumber(Math.abs(value)) : Math.abs(value).toFixed(decimals);
  const text = unit ? `${magnitude} ${unit}` : magnitude;
  if (Number(magnitude) === 0) return text;
  return `${value < 0 ? '\u2212' : '+'}${text}`;
}

/** A total or mean with its unit at the precision it deserves: "14 Wh", "0.42 Wh", "7.8 W". */
export function formatAmount(value: number | null | undefined, unit: string): string {
  return isFiniteNumber(value) ? `${formatNumber(value)} ${unit}` : MISSING;
}

/**
 * Money in an ISO 4217 currency with two significant figures ("$0.42", "€0.0042"): idle waste costs
 * fractions of a cent. A code Intl does not know is written after the figure ("0.42 XYZ").
 */
export function formatMoney(amount: number | null | undefined, currency: string): string {
  if (!isFiniteNumber(amount)) return MISSING;
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      maximumSignificantDigits: 2,
    }).format(amount);
  } catch {
    return `${formatNumber(amount)} ${currency}`;
  }
}

/** CPU % with one decimal under 10 %, whole numbers above. 100 = one core. */
export function formatCpuPercent(percent: number | null | undefined): string {
  if (!isFiniteNumber(percent)) return MISSING;
  return percent < 10 ? `${percent.toFixed(1)} %` : `${Math.round(percent)} %`;
}

/** A whole percentage (battery charge, GPU use). */
export function formatPercent(percent: number | null | undefined): string {
  return isFiniteNumber(percent) ? `${Math.round(percent)} %` : MISSING;
}

export function formatMbPerHour(mbPerHour: number | null | undefined): string {
  return isFiniteNumber(mbPerHour) ? `${Math.round(mbPerHour)} MB/h` : MISSING;
}

export function formatCelsius(celsius: number | null | undefined): string {
  return isFiniteNumber(celsius) ? `${Math.round(celsius)} °C` : MISSING;
}

/** "2 models", "1 model". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "2 models loaded, 9.1 GB, unloads in 3 min", "1 model loaded, 400 MB, kept loaded" or "idle, no models". */
export function describeModels(models: LoadedModels, now: number): string {
  if (models.count === 0) return 'idle, no models';
  const parts = [`${plural(models.count, 'model')} loaded`];
  if (models.bytes !== null) parts.push(formatBytes(models.bytes));
  if (models.keptLoaded) parts.push('kept loaded');
  else if (models.unloadsAt !== null) {
    parts.push(models.unloadsAt <= now ? 'unloading' : `unloads in ${formatSpan(models.unloadsAt - now)}`);
  }
  return parts.join(', ');
}
