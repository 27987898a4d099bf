import type { Report } from '../../main/contract/report.js';

export interface IdleRow {
  serviceId: string;
  name: string;
  today: number | null;
  week: number | null;
}

/** Per-service idle energy for today and this week (null: unknown), most wasteful (this week) first. */
export function idleRows(today: Report | null, week: Report | null): IdleRow[] {
  const rows = new Map<string, IdleRow>();
  for (const s of week?.services ?? []) {
    rows.set(s.serviceId, { serviceId: s.serviceId, name: s.name, today: null, week: s.idleWattHours });
  }
  for (const s of today?.services ?? []) {
    const row = rows.get(s.serviceId) ?? { serviceId: s.serviceId, name: s.name, today: null, week: null };
    row.today = s.idleWattHours;
    rows.set(s.serviceId, row);
  }
  return [...rows.values()].sort((a, b) => (b.week ?? b.today ?? 0) - (a.week ?? a.today ?? 0));
}
