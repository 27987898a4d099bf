import { collectorsFor } from './registry.js';
import { runCommand } from './exec.js';
import type { CollectorEnv, CommandRunner } from './types.js';
import type { SamplerCollector } from './types.js';

export interface CollectorSetup {
  platform: NodeJS.Platform;
  sysRoot: string;
  procRoot: string;
  exec?: CommandRunner;
  fetch?: typeof fetch;
  now?: () => number;
  /** See CollectorEnv.deferElevation. */
  deferElevation?: boolean;
  /** See CollectorEnv.elevation. */
  elevation?: 'prompt' | 'non-interactive';
  /** See CollectorEnv.powerIntervalMs. */
  powerIntervalMs?: number;
}

/** Instantiates the registry's collectors for a platform with the injected roots and runner. */
export function createCollectors(setup: CollectorSetup): SamplerCollector[] {
  const env: CollectorEnv = {
    sysRoot: setup.sysRoot,
    procRoot: setup.procRoot,
    exec: setup.exec ?? runCommand,
    now: setup.now ?? Date.now,
    fetch: setup.fetch ?? fetch,
    deferElevation: setup.deferElevation ?? false,
    elevation: setup.elevation ?? 'prompt',
    ...(setup.powerIntervalMs !== undefined ? { powerIntervalMs: setup.powerIntervalMs } : {}),
  };
  return collectorsFor(setup.platform).map((definition) => ({
    definition,
    instance: definition.create(env),
  }));
}

export async function closeCollectors(collectors: readonly SamplerCollector[]): Promise<void> {
  await Promise.allSettled(collectors.map((c) => c.instance.close?.()));
}
