import type { Reading } from '../contract/index.js';
import type { Observation } from './types.js';

/**
 * How long a sysfs class found absent (no powercap, hwmon, thermal or power_supply entries) stays
 * absent before the directory is listed again: hardware that appears later is seen within this.
 */
export const SYSFS_ABSENT_RECHECK_MS = 30_000;

/**
 * Wraps a collect function so an absent answer for one of `reasons` (by default `not-present`: no
 * binary, no desktop session) is remembered for `recheckMs` instead of spawning a command on every
 * tick to learn the same thing again. A clock that goes backwards ends the memory at once, so a jump
 * back never stretches it past `recheckMs`.
 */
export function rememberAbsence(
  collect: () => Promise<Reading<Observation>>,
  now: () => number,
  recheckMs: number,
  reasons: readonly string[] = ['not-present'],
): () => Promise<Reading<Observation>> {
  let remembered: { reading: Reading<Observation>; since: number } | null = null;
  return async () => {
    const at = now();
    if (remembered && at >= remembered.since && at - remembered.since < recheckMs) return remembered.reading;
    const reading = await collect();
    remembered =
      reading.status === 'absent' && reasons.includes(reading.reason) ? { reading, since: now() } : null;
    return reading;
  };
}
