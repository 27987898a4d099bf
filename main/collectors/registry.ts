import { COMMON_COLLECTORS } from './common/index.js';
import { DARWIN_COLLECTORS } from './darwin/index.js';
import { LINUX_COLLECTORS } from './linux/index.js';
import type { CollectorDefinition } from './types.js';

/**
 * The collector table: a plain list of rows (id, platforms, cost tier, default on/off). Each
 * platform folder keeps its rows in its index.ts; the sampler calls slow-tier rows less often.
 */
export const COLLECTORS: readonly CollectorDefinition[] = [
  ...DARWIN_COLLECTORS,
  ...LINUX_COLLECTORS,
  ...COMMON_COLLECTORS,
];

export function collectorsFor(
  platform: NodeJS.Platform,
  enabled?: ReadonlySet<string>,
): CollectorDefinition[] {
  return COLLECTORS.filter(
    (c) => c.platforms.includes(platform) && (enabled ? enabled.has(c.id) : c.defaultEnabled),
  );
}
