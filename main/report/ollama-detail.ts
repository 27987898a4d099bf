import { parseByteSize } from './format-units.js';

export interface LoadedModels {
  count: number;
  bytes: number | null;
}

/**
 * Reads the Ollama probe's one-line detail ("2 models loaded, 9.1 GB, unloads in 3 min",
 * "idle, no models") back into numbers; null when the line says nothing about models.
 */
export function parseLoadedModels(detail: string | null): LoadedModels | null {
  if (detail === null) return null;
  if (/\bno models\b/i.test(detail)) return { count: 0, bytes: 0 };
  const m = /(\d+)\s+models?\s+loaded(?:,\s*([\d.]+\s*[kKMGT]?i?B))?/i.exec(detail);
  if (!m) return null;
  return { count: Number(m[1]), bytes: m[2] === undefined ? null : parseByteSize(m[2]) };
}
