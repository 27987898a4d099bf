import type { ServicePoint } from '../../main/contract/history.js';
import type { Sample } from '../../main/contract/sample.js';

export const TRAIL_MS = 15 * 60_000;

interface Mark {
  at: number;
  cpuPercent: number | null;
}

/**
 * Each service's CPU over the last 15 minutes for the rows' sparklines: seeded once from the
 * store's service history, then extended by the live samples the popover receives anyway (no
 * further queries).
 */
export class CpuTrails {
  private readonly trails = new Map<string, Mark[]>();

  seed(serviceId: string, points: readonly ServicePoint[]): void {
    const live = this.trails.get(serviceId) ?? [];
    const first = live[0]?.at ?? Infinity;
    const seeded = points.filter((p) => p.at < first).map((p) => ({ at: p.at, cpuPercent: p.cpuPercent }));
    this.trails.set(serviceId, [...seeded, ...live]);
  }

  has(serviceId: string): boolean {
    return this.trails.has(serviceId);
  }

  add(sample: Sample): void {
    for (const s of sample.services) {
      const trail = this.trails.get(s.id) ?? [];
      const lastAt = trail[trail.length - 1]?.at ?? -Infinity;
      if (sample.at <= lastAt) continue;
      trail.push({ at: sample.at, cpuPercent: s.status === 'running' ? s.cpuPercent : null });
      const cutoff = sample.at - TRAIL_MS;
      while (trail.length > 0 && trail[0]!.at < cutoff) trail.shift();
      this.trails.set(s.id, trail);
    }
  }

  /** CPU % values, oldest first, within the 15 minutes before `now`. */
  values(serviceId: string, now: number): (number | null)[] {
    return (this.trails.get(serviceId) ?? []).filter((m) => m.at >= now - TRAIL_MS).map((m) => m.cpuPercent);
  }

  /** Mean CPU % over the trail; null when nothing is known. */
  mean(serviceId: string, now: number): number | null {
    const known = this.values(serviceId, now).filter((v): v is number => v !== null);
    return known.length ? known.reduce((a, v) => a + v, 0) / known.length : null;
  }
}
