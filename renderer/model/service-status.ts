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
  if (service.models) return service.models.count > 0 ? 'Loaded' : 'Idle (no models)';
  return 'Idle';
}
