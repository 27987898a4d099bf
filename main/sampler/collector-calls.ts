import type { CollectorHealth } from '../contract/index.js';
import type { CollectRequest, Observation, SamplerCollector } from '../collectors/types.js';

export interface CollectorReading {
  observation: Observation | null;
  health: CollectorHealth;
}

/**
 * Calls the collectors for one tick, all at once: slow-tier ones only on slow ticks (their last
 * reading stands in between). A collector that fails or throws fails alone, with its reason.
 */
export class CollectorCalls {
  private readonly slowCache = new Map<string, CollectorReading>();

  constructor(private readonly collectors: readonly SamplerCollector[]) {}

  collectAll(request: CollectRequest): Promise<CollectorReading[]> {
    return Promise.all(this.collectors.map((c) => this.collect(c, request)));
  }

  /** Why each kind of figure is missing, from the collectors providing it that did not answer. */
  absenceReasons(health: readonly CollectorHealth[]): Map<string, string> {
    const reasons = new Map<string, string[]>();
    this.collectors.forEach((c, i) => {
      const h = health[i];
      if (!h || h.status === 'ok') return;
      for (const kind of c.definition.provides ?? []) {
        const list = reasons.get(kind) ?? [];
        list.push(`${h.id}: ${h.reason ?? h.status}`);
        reasons.set(kind, list);
      }
    });
    return new Map([...reasons].map(([k, v]) => [k, v.join('; ')]));
  }

  private async collect(c: SamplerCollector, request: CollectRequest): Promise<CollectorReading> {
    if (c.definition.tier === 'slow' && !request.slow) {
      const cached = this.slowCache.get(c.definition.id);
      if (cached) return cached;
    }
    const started = performance.now();
    let result: CollectorReading;
    try {
      const reading = await c.instance.collect(request);
      const durationMs = performance.now() - started;
      if (reading.status === 'ok') {
        result = {
          observation: reading.value,
          health: { id: c.definition.id, status: 'ok', reason: null, durationMs },
        };
      } else if (reading.status === 'absent') {
        const reason = reading.detail ? `${reading.reason}: ${reading.detail}` : reading.reason;
        result = { observation: null, health: { id: c.definition.id, status: 'absent', reason, durationMs } };
      } else {
        result = {
          observation: null,
          health: { id: c.definition.id, status: 'error', reason: reading.message, durationMs },
        };
      }
    } catch (error) {
      // Collectors must not throw; if one does anyway, it fails alone and the tick goes on.
      const reason = `collector threw: ${(error as Error).message}`;
      result = {
        observation: null,
        health: { id: c.definition.id, status: 'error', reason, durationMs: performance.now() - started },
      };
    }
    if (c.definition.tier === 'slow') this.slowCache.set(c.definition.id, result);
    return result;
  }
}
