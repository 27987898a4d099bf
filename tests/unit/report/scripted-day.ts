import type { Sample } from '../../../main/contract/index.js';
import { makeSample, makeService, T0 } from '../store/sample-factory.js';

export const HOUR = 3_600_000;
const STEP = 5000;

/**
 * 24 h of 5 s samples ending at T0 + 24 h. Active (requests to ollama, 20 W, fair pressure) from
 * 08:00 to 10:00; idle at 6 W otherwise. Ollama holds a 9.1 GB model at 2 W; VibeVoice spins at
 * 20 % CPU and 3 W with no requests at all.
 */
export function scriptedDay(): Sample[] {
  const samples: Sample[] = [];
  for (let at = T0 + STEP; at <= T0 + 24 * HOUR; at += STEP) {
    const active = at > T0 + 8 * HOUR && at <= T0 + 10 * HOUR;
    const watts = active ? 20 : 6;
    const lastOllama = at <= T0 + 8 * HOUR ? T0 - HOUR : active ? at : T0 + 10 * HOUR;
    samples.push(
      makeSample({
        at,
        power: { systemWatts: watts, packageWatts: watts - 1 },
        thermal: { pressure: active ? 'fair' : 'nominal' },
        idle: {
          stackIdle: !active,
          stackIdleSinceAt: active ? null : at - 60_000,
          lastActivityAt: lastOllama,
        },
        services: [
          makeService('ollama', {
            active,
            lastActiveAt: lastOllama,
            cpuPercent: active ? 150 : 1,
            estimatedWatts: 2,
            models: { count: 1, bytes: 9.1e9, unloadsAt: at + 4 * 60_000, keptLoaded: false },
          }),
          makeService('vibevoice', { cpuPercent: 20, estimatedWatts: 3, lastActiveAt: null }),
        ],
        energy: {
          systemWattHours: (watts * STEP) / HOUR,
          serviceWattHours: { ollama: (2 * STEP) / HOUR, vibevoice: (3 * STEP) / HOUR },
        },
      }),
    );
  }
  return samples;
}

/** A deterministic PRNG (mulberry32) for reproducible noise. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
