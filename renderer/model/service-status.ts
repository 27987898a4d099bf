import type { ServiceSample } from '../../main/contract/sample.js';

/** The services table's Status column, in the words of the UnaMentis monitoring plan. */
export type ServiceStatusLabel = 'Active' | 'Loaded' | 'Idle (no models)' | 'Idle' | 'Stopped';

/** Sorting order: busiest first (Active, Loaded, Idle, Stopped). */
export const STATUS_RANK: Record<ServiceStatusLabel, number> = {
  Active: 0,
  Loaded: 1,
  Idle: 2,
  'Idle (no models)': 3,
  Stopped: 4,
};

/**
 * What the probe line says about loaded models: Ollama's "2 models loaded, 9.1 GB" or "idle, no
 * models"; a service whose probe reports "model loaded" counts as loaded. null: the line says nothing.
 */
function modelsLoaded(detail: string | null): boolean | null {
  if (!detail) return null;
  if (/\bno models?\b/i.test(detail)) return false;
  const count = /(\d+)\s+models?\s+loaded/i.exec(detail);
  if (count) return Number(count[1]) > 0;
  return /\bmodels?\s+loaded\b/i.test(detail) ? true : null;
}

/**
 * Active: a request within the idle threshold. Otherwise Loaded / Idle (no models) where the probe
 * tells, and plain Idle where nothing says whether a model is held (no guess).
 */
export function serviceStatusLabel(
  service: ServiceSample,
  now: number,
  idleAfterMs: number,
): ServiceStatusLabel {
  if (service.status === 'stopped') return 'Stopped';
  const recent = service.lastActiveAt !== null && now - service.lastActiveAt < idleAfterMs;
  if (service.active || recent) return 'Active';
  const loaded = modelsLoaded(service.detail);
  if (loaded === true) return 'Loaded';
  if (loaded === false) return 'Idle (no models)';
  return 'Idle';
}
