import type { Reading } from '../contract/index.js';
import type { Observation } from './types.js';

/**
 * Wraps a collect function so a `not-present` answer (no binary, no desktop session) is remembered
 * for `recheckMs` instead of spawning a command on every tick to learn the same thing again.
 */
export function rememberAbsence(
  collect: () => Promise<Reading<Observation>>,
  now: () => number,
  recheckMs: number,
): () => Promise<Reading<Observation>> {
  let remembered: { reading: Reading<Observation>; until: number } | null = null;
  return async () => {
    if (remembered && now() < remembered.until) return remembered.reading;
    const reading = await collect();
    remembered =
      reading.status === 'absent' && reading.reason === 'not-present'
        ? { reading, until: now() + recheckMs }
        : null;
    return reading;
  };
}
