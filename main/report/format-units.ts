/** "45 s", "3 min", "2 h 10 min", "1 d 4 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** Decimal units, as Ollama reports model sizes: "9.1 GB", "512 MB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Two significant figures below 10, whole numbers above: "0.42 Wh", "1.4 Wh", "14 Wh". Floating-point
 * residue (a difference of equal means, 7.3e-16) is "0.0", never exponent notation.
 */
export function formatNumber(value: number): string {
  const a = Math.abs(value);
  if (a >= 10) return String(Math.round(value));
  if (a >= 1) return value.toFixed(1);
  if (a < 0.0005) return '0.0';
  return value.toPrecision(2);
}

/** A difference with its sign ("−1.2", "+0.40"); one too small to show is "0.0", without a sign. */
export function formatSigned(value: number): string {
  const text = formatNumber(Math.abs(value));
  if (text === '0.0') return text;
  return `${value < 0 ? '\u2212' : '+'}${text}`;
}

export const formatWattHours = (wh: number): string => `${formatNumber(wh)} Wh`;
export const formatWatts = (w: number): string => `${formatNumber(w)} W`;

/** Parses what formatBytes writes (and Ollama-style "4.7 GB", "800 MiB") back to bytes. */
export function parseByteSize(text: string): number | null {
  const m = /^([\d.]+)\s*([kKMGT]?)(i?)B$/.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return null;
  const power = ['', 'k', 'M', 'G', 'T'].indexOf(m[2] === 'K' ? 'k' : m[2]!);
  return value * (m[3] ? 1024 : 1000) ** power;
}
