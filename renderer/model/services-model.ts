import { openAlertEvents, type AlertEvent } from '../../main/contract/alerts.js';
import {
  packageLabel,
  POWER_BASIS_PATH,
  type Sample,
  type ServiceSample,
} from '../../main/contract/sample.js';
import { formatWatts } from '../../main/contract/format.js';
import { serviceStatusLabel, STATUS_RANK } from './service-status.js';

/** The settings' default `sampling.idleAfterMinutes`, for callers that have no settings yet. */
export const DEFAULT_IDLE_AFTER_MS = 5 * 60_000;

export type ServiceSortKey = 'name' | 'cpu' | 'memory' | 'status' | 'watts' | 'lastActive' | 'idleToday';

export interface ServiceSort {
  key: ServiceSortKey;
  descending: boolean;
}

export const DEFAULT_SERVICE_SORT: ServiceSort = { key: 'watts', descending: true };

type Extra = { idleWattHoursToday: Record<string, number>; now?: number; idleAfterMs?: number };

function sortValue(s: ServiceSample, key: ServiceSortKey, extra: Extra): number | string | null {
  switch (key) {
    case 'name':
      return s.name.toLocaleLowerCase();
    case 'cpu':
      return s.cpuPercent;
    case 'memory':
      return s.rssBytes;
    case 'status':
      // Descending (a new column's first click) puts the busiest first.
      return -STATUS_RANK[
        serviceStatusLabel(s, extra.now ?? Date.now(), extra.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS)
      ];
    case 'watts':
      return s.estimatedWatts;
    case 'lastActive':
      return s.lastActiveAt;
    case 'idleToday':
      return extra.idleWattHoursToday[s.id] ?? null;
  }
}

/** Sorts a copy; missing values always sink to the bottom, ties fall back to the name. */
export function sortServices(
  services: readonly ServiceSample[],
  sort: ServiceSort,
  extra: Extra = { idleWattHoursToday: {} },
): ServiceSample[] {
  const direction = sort.descending ? -1 : 1;
  return [...services].sort((a, b) => {
    const va = sortValue(a, sort.key, extra);
    const vb = sortValue(b, sort.key, extra);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return (va < vb ? -1 : 1) * direction;
    return a.name.localeCompare(b.name);
  });
}

/** Clicking the current column flips its direction; a new column starts descending (names ascending). */
export function nextSort(current: ServiceSort, key: ServiceSortKey): ServiceSort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key !== 'name' };
}

export function splitByStatus(services: readonly ServiceSample[]): {
  running: ServiceSample[];
  stopped: ServiceSample[];
} {
  return {
    running: services.filter((s) => s.status === 'running'),
    stopped: services.filter((s) => s.status !== 'running'),
  };
}

/**
 * Alerts still open per service: the newest event of each alert decides, so a 'cleared' event closes
 * what 'fired' opened (a whole-machine alert sits with the culprit its newest event names).
 */
export function openAlertsByService(alerts: readonly AlertEvent[]): Map<string, AlertEvent[]> {
  const open = new Map<string, AlertEvent[]>();
  for (const a of openAlertEvents(alerts)) {
    if (a.serviceId === null) continue;
    open.set(a.serviceId, [...(open.get(a.serviceId) ?? []), a]);
  }
  return open;
}

/** Newest first, one entry per id (the stream and a refetch may both deliver an event). */
export function mergeAlerts(existing: readonly AlertEvent[], incoming: readonly AlertEvent[], limit = 200) {
  const byId = new Map<string, AlertEvent>();
  for (const a of [...existing, ...incoming]) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => b.at - a.at).slice(0, limit);
}

/**
 * Which measured total the services' ≈ W were split from, and the rest of it:
 * "≈ W split system power 9.1 W: services 2.3 W + rest 6.8 W". '' without a sample or a basis.
 */
export function attributionLine(sample: Sample | null): string {
  const basis = sample?.attribution.basis ?? null;
  if (!sample || basis === null) return sample ? 'No measured power to split: \u2248 W unknown' : '';
  const total = sample.power[POWER_BASIS_PATH[basis]];
  const name = basis === 'system' ? 'system' : packageLabel(sample);
  const services = sample.services.reduce((sum, s) => sum + (s.estimatedWatts ?? 0), 0);
  const rest = sample.attribution.restWatts;
  return `\u2248 W split ${name} power ${formatWatts(total)}: services ${formatWatts(services)} + rest ${formatWatts(rest)}`;
}
