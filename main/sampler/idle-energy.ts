import type { EnergyFigures, IdleFigures, ServiceSample } from '../contract/index.js';

const MS_PER_HOUR = 3_600_000;

/**
 * Request-based idle tracking and energy integration. The stack is idle when no service has had a
 * request for `idleAfterMs` (counting from the monitor's start when none has been seen). Energy is
 * integrated by trapezoid between consecutive ticks, never across a gap.
 */
export class IdleEnergyTracker {
  private readonly lastActive = new Map<string, number>();
  private previous: { at: number; systemWatts: number | null; serviceWatts: Map<string, number> } | null =
    null;

  constructor(private readonly startedAt: number) {}

  /** Records a service's activity this tick and returns its last request time. */
  serviceActivity(serviceId: string, active: boolean, at: number): number | null {
    if (active) this.lastActive.set(serviceId, at);
    return this.lastActive.get(serviceId) ?? null;
  }

  idleState(at: number, idleAfterMs: number, userIdleSeconds: number | null): IdleFigures {
    const lastActivityAt = this.lastActive.size > 0 ? Math.max(...this.lastActive.values()) : null;
    const quietSince = lastActivityAt ?? this.startedAt;
    const stackIdle = at - quietSince >= idleAfterMs;
    return { stackIdle, stackIdleSinceAt: stackIdle ? quietSince : null, lastActivityAt, userIdleSeconds };
  }

  integrate(
    at: number,
    gap: boolean,
    systemWatts: number | null,
    services: readonly ServiceSample[],
  ): EnergyFigures {
    const serviceWatts = new Map<string, number>();
    for (const s of services) if (s.estimatedWatts !== null) serviceWatts.set(s.id, s.estimatedWatts);
    const before = this.previous;
    this.previous = { at, systemWatts, serviceWatts };
    const energy: EnergyFigures = { systemWattHours: null, serviceWattHours: {} };
    if (!before || gap || at <= before.at) return energy;
    const hours = (at - before.at) / MS_PER_HOUR;
    if (systemWatts !== null && before.systemWatts !== null) {
      energy.systemWattHours = ((systemWatts + before.systemWatts) / 2) * hours;
    }
    for (const [id, watts] of serviceWatts) {
      const prior = before.serviceWatts.get(id);
      if (prior !== undefined) energy.serviceWattHours[id] = ((watts + prior) / 2) * hours;
    }
    return energy;
  }
}
