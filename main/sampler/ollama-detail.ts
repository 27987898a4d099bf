import type { OllamaModel } from '../collectors/types.js';

/** "2 models loaded, 9.1 GB, unloads in 3 min" or "idle, no models". */
export function describeOllama(models: readonly OllamaModel[], now: number): string {
  if (models.length === 0) return 'idle, no models';
  const bytes = models.reduce((sum, m) => sum + m.sizeBytes, 0);
  const parts = [`${models.length} model${models.length === 1 ? '' : 's'} loaded`, formatGigabytes(bytes)];
  const expiries = models.map((m) => m.expiresAt).filter((t): t is number => t !== null);
  if (expiries.length === models.length && expiries.length > 0) {
    const last = Math.max(...expiries);
    parts.push(last <= now ? 'unloading' : `unloads in ${formatMinutes(last - now)}`);
  } else if (expiries.length < models.length) {
    parts.push('kept loaded');
  }
  return parts.join(', ');
}

function formatGigabytes(bytes: number): string {
  const gb = bytes / 1e9;
  return gb >= 1 ? `${gb.toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function formatMinutes(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
