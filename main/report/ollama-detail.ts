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

/** Parses what formatBytes writes (and Ollama-style "4.7 GB", "800 MiB") back to bytes. */
export function parseByteSize(text: string): number | null {
  const m = /^([\d.]+)\s*([kKMGT]?)(i?)B$/.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return null;
  const power = ['', 'k', 'M', 'G', 'T'].indexOf(m[2] === 'K' ? 'k' : m[2]!);
  return value * (m[3] ? 1024 : 1000) ** power;
}
