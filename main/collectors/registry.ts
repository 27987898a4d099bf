import type { CollectorDefinition } from './types.js';

/**
 * The collector table. Each platform's collectors register here; the sampler calls them by tier.
 * Rows are added by the collector issues (one file, one row, one fixture).
 */
export const COLLECTORS: readonly CollectorDefinition[] = [];

export function collectorsFor(
  platform: NodeJS.Platform,
  enabled?: ReadonlySet<string>,
): CollectorDefinition[] {
  return COLLECTORS.filter(
    (c) => c.platforms.includes(platform) && (enabled ? enabled.has(c.id) : c.defaultEnabled),
  );
}
