import { absent, ok, type Reading } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, Observation } from '../types.js';
import { unusable } from './run-output.js';

export const HID_IDLE_ARGS = ['-c', 'IOHIDSystem', '-r', '-d', '1', '-k', 'HIDIdleTime'] as const;

export type HidIdleOutcome = { ok: true; value: number } | { ok: false; error: string };

/** `HIDIdleTime` (nanoseconds since the last keyboard/mouse event) → seconds. */
export function parseHidIdle(text: string): HidIdleOutcome {
  const match = /"HIDIdleTime"\s*=\s*(\d+)/.exec(text);
  if (!match) return { ok: false, error: 'no HIDIdleTime property' };
  return { ok: true, value: Number(BigInt(match[1]!) / 1_000_000n) / 1000 };
}

/** Seconds since the last keyboard or mouse event (the headless monitor; Electron uses powerMonitor). */
export function createHidIdleCollector(env: CollectorEnv): CollectorInstance {
  return {
    async collect(): Promise<Reading<Observation>> {
      const result = await env.exec('ioreg', [...HID_IDLE_ARGS]);
      const problem = unusable<Observation>('ioreg', result);
      if (problem) return problem;
      const parsed = parseHidIdle(result.stdout);
      if (!parsed.ok) return absent('not-present', parsed.error);
      return ok({ userIdleSeconds: parsed.value }, env.now());
    },
  };
}
