import { absent, ok, type Reading } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, Observation } from '../types.js';
import { lazyPort } from './native-port.js';
import { registryOpenerFor } from './registry/open.js';
import type { RegistryOpener } from './registry/ports.js';
import { unusable } from './run-output.js';

export const HID_IDLE_ARGS = ['-c', 'IOHIDSystem', '-r', '-d', '1', '-k', 'HIDIdleTime'] as const;

export type HidIdleOutcome = { ok: true; value: number } | { ok: false; error: string };

/** `HIDIdleTime` (nanoseconds since the last keyboard/mouse event) → seconds. */
export function parseHidIdle(text: string): HidIdleOutcome {
  const match = /"HIDIdleTime"\s*=\s*(\d+)/.exec(text);
  if (!match) return { ok: false, error: 'no HIDIdleTime property' };
  return { ok: true, value: Number(BigInt(match[1]!) / 1_000_000n) / 1000 };
}

/**
 * Seconds since the last keyboard or mouse event (the headless monitor; Electron uses powerMonitor):
 * IOHIDSystem's HIDIdleTime from the IORegistry through IOKit where koffi can reach it, else `ioreg`.
 */
export function createHidIdleCollector(
  env: CollectorEnv,
  open: RegistryOpener = registryOpenerFor(env),
): CollectorInstance {
  const registry = lazyPort(open);
  return {
    async collect(): Promise<Reading<Observation>> {
      const read = registry.get()?.read('IOHIDSystem', ['HIDIdleTime']);
      if (read?.ok === false && read.none) return absent('not-present', 'no IOHIDSystem service');
      const nanoseconds = read?.ok ? read.properties['HIDIdleTime'] : undefined;
      if (typeof nanoseconds === 'number' && nanoseconds >= 0) {
        return ok({ userIdleSeconds: Math.floor(nanoseconds / 1e6) / 1000 }, env.now());
      }
      const result = await env.exec('ioreg', [...HID_IDLE_ARGS]);
      const problem = unusable<Observation>('ioreg', result);
      if (problem) return problem;
      const parsed = parseHidIdle(result.stdout);
      if (!parsed.ok) return absent('not-present', parsed.error);
      return ok({ userIdleSeconds: parsed.value }, env.now());
    },
    async close() {
      registry.close();
    },
  };
}
