import { formatAmount } from './format.js';
import type { Sample } from './sample.js';
import type { FieldError, Validated } from './settings.js';

/**
 * A machine's idle baseline: what it draws with the stack idle, per power source (powermetrics, RAPL,
 * battery discharge…) and power state, learned from history or pinned by the user.
 */
export type PowerState = 'ac' | 'battery' | 'unknown';

export interface BaselineEntry {
  /** The `power.systemWatts` source it was measured with, e.g. 'powermetrics', 'rapl'. */
  source: string;
  powerState: PowerState;
  systemWatts: number | null;
  packageWatts: number | null;
  kind: 'learned' | 'pinned';
  /** Idle minutes it was learned from (a pin: the minutes averaged). */
  minutes: number;
  /** When it was pinned, or the newest minute it was learned from. */
  at: number;
}

export interface BaselineState {
  /** The baseline for the latest sample's source and power state (a pin wins over the learned one). */
  current: BaselineEntry | null;
  /** Mean system watts over the last minute minus `current.systemWatts`; null when either is unknown. */
  aboveWatts: number | null;
  /** Every learned and pinned baseline, per source and power state. */
  entries: BaselineEntry[];
  /** For people: "Idle baseline 4.2 W, learned from 3 d of idle time, on AC, rapl.", or why there is none. */
  note: string;
}

/** `{}` pins the last minute as the baseline for the current source and power state; `{clear: true}` removes that pin. */
export interface BaselinePinRequest {
  clear?: boolean;
}

/** `{}` or `{clear: boolean}`, every problem named by field (HTTP body and IPC argument alike). */
export function validateBaselinePin(input: unknown): Validated<BaselinePinRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(root)', reason: 'must be an object' }] };
  }
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(body)
    .filter((key) => key !== 'clear')
    .map((field) => ({ field, reason: 'unknown field' }));
  if (body.clear !== undefined && typeof body.clear !== 'boolean') {
    errors.push({ field: 'clear', reason: 'must be true or false' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: body.clear === true ? { clear: true } : {} };
}

export function powerStateOf(sample: Sample): PowerState {
  // No battery at all: the machine runs on mains.
  if (sample.battery === null) return 'ac';
  if (sample.battery.onAc === true) return 'ac';
  if (sample.battery.onAc === false) return 'battery';
  return 'unknown';
}

/** The source of the sample's system watts (else of its package watts), or null when it has neither. */
export function powerSourceOf(sample: Sample): string | null {
  if (sample.power.systemWatts !== null) return sample.sources['power.systemWatts']?.source ?? null;
  if (sample.power.packageWatts !== null) return sample.sources['power.packageWatts']?.source ?? null;
  return null;
}

/**
 * How far the sample sits above the baseline, when both were measured the same way: whole-system
 * watts where both have them, else package watts (a machine that measures only its CPU package).
 */
export function wattsAboveBaseline(sample: Sample, baseline: BaselineEntry | null): number | null {
  if (!baseline) return null;
  if (powerSourceOf(sample) !== baseline.source || powerStateOf(sample) !== baseline.powerState) return null;
  if (baseline.systemWatts !== null && sample.power.systemWatts !== null) {
    return sample.power.systemWatts - baseline.systemWatts;
  }
  if (baseline.packageWatts !== null && sample.power.packageWatts !== null) {
    return sample.power.packageWatts - baseline.packageWatts;
  }
  return null;
}

/** "1.8 W above your idle baseline" / "0.3 W below …"; floating-point residue reads as "at". */
export function describeBaselineGap(aboveWatts: number): string {
  const text = formatAmount(Math.abs(aboveWatts), 'W');
  if (text === '0.0 W') return 'at your idle baseline';
  return `${text} ${aboveWatts > 0 ? 'above' : 'below'} your idle baseline`;
}
