import type { LoadedModels } from '../contract/index.js';

/**
 * History written before samples carried the Ollama figures as numbers kept them as the probe's
 * sentence ("2 models loaded, 9.1 GB, unloads in 3 min", "idle, no models"). This reads such a
 * line back into figures so old records still count in reports; the time to unload is relative
 * to a moment the line does not keep, so it stays unknown. Null when the line says nothing about models.
 */
export function parseLoadedModels(detail: string | null): LoadedModels | null {
  if (detail === null) return null;
  if (/\bno models\b/i.test(detail)) return { count: 0, bytes: 0, unloadsAt: null, keptLoaded: false };
  const m = /(\d+)\s+models?\s+loaded(?:,\s*([\d.]+\s*[kKMGT]?i?B))?/i.exec(detail);
  if (!m) return null;
  return {
    count: Number(m[1]),
    bytes: m[2] === undefined ? null : parseByteSize(m[2]),
    unloadsAt: null,
    keptLoaded: /\bkept loaded\b/i.test(detail),
  };
}

/** Parses what contract/format's formatBytes writes (and Ollama-style "4.7 GB", "800 MiB") back to bytes. */
export function parseByteSize(text: string): number | null {
  const m = /^([\d.]+)\s*([kKMGT]?)(i?)B$/.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return null;
  const power = ['', 'k', 'M', 'G', 'T'].indexOf(m[2] === 'K' ? 'k' : m[2]!);
  return value * (m[3] ? 1024 : 1000) ** power;
}
