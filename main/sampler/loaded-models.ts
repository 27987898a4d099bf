import type { OllamaModel } from '../collectors/types.js';
import type { LoadedModels } from '../contract/index.js';

/** The figures of Ollama's loaded models: how many, their total size, and when the last one unloads. */
export function summarizeModels(models: readonly OllamaModel[]): LoadedModels {
  const expiries = models.map((m) => m.expiresAt).filter((t): t is number => t !== null);
  const keptLoaded = expiries.length < models.length;
  return {
    count: models.length,
    bytes: models.reduce((sum, m) => sum + m.sizeBytes, 0),
    unloadsAt: keptLoaded || expiries.length === 0 ? null : Math.max(...expiries),
    keptLoaded,
  };
}
