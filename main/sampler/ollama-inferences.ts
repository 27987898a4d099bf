import type { OllamaModel } from '../collectors/types.js';
import { REQUEST_WINDOW_MS } from './activity.js';

/** Ollama recomputes a model's expiry on every request; a move smaller than this is clock noise. */
const REFRESH_MIN_MS = 1000;

/**
 * Counts Ollama inferences from successive `/api/ps` readings: a model whose expiry moved forward
 * was used, and a model that was not loaded before was loaded for a request. Several requests
 * between two probes count once and a model kept forever (no expiry) shows only its loads, so the
 * count is a lower bound. The first reading is a baseline.
 */
export class OllamaInferenceCounter {
  private previous: Map<string, number | null> | null = null;
  private events: number[] = [];
  /** Inferences seen by the latest update (0 for the baseline). */
  latest = 0;

  update(models: readonly OllamaModel[], at: number): number {
    const current = new Map(models.map((m) => [m.name, m.expiresAt]));
    this.latest = 0;
    if (this.previous) {
      for (const [name, expiresAt] of current) {
        const before = this.previous.get(name);
        const loaded = before === undefined;
        const refreshed =
          before !== undefined &&
          before !== null &&
          expiresAt !== null &&
          expiresAt - before >= REFRESH_MIN_MS;
        if (loaded || refreshed) {
          this.events.push(at);
          this.latest += 1;
        }
      }
    }
    this.previous = current;
    return this.count(at);
  }

  count(at: number): number {
    this.events = this.events.filter((t) => t > at - REQUEST_WINDOW_MS && t <= at);
    return this.events.length;
  }
}
