import type { OllamaModel } from '../collectors/types.js';
import { formatBytes, formatSpan } from '../contract/format.js';

/** "2 models loaded, 9.1 GB, unloads in 3 min" or "idle, no models". */
export function describeOllama(models: readonly OllamaModel[], now: number): string {
  if (models.length === 0) return 'idle, no models';
  const bytes = models.reduce((sum, m) => sum + m.sizeBytes, 0);
  const parts = [`${models.length} model${models.length === 1 ? '' : 's'} loaded`, formatBytes(bytes)];
  const expiries = models.map((m) => m.expiresAt).filter((t): t is number => t !== null);
  if (expiries.length === models.length && expiries.length > 0) {
    const last = Math.max(...expiries);
    parts.push(last <= now ? 'unloading' : `unloads in ${formatSpan(last - now)}`);
  } else if (expiries.length < models.length) {
    parts.push('kept loaded');
  }
  return parts.join(', ');
}
