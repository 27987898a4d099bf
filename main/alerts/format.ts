/** Text formats for alert titles and messages (UI.md "Units"): W with one decimal, CPU % one decimal under 10 %. */

/** MB as the popover shows memory (binary megabytes, labelled MB). */
export const BYTES_PER_MB = 1024 * 1024;

export function formatWatts(watts: number): string {
  return `${watts.toFixed(1)} W`;
}

export function formatCpu(percent: number): string {
  return percent < 10 ? `${percent.toFixed(1)} %` : `${Math.round(percent)} %`;
}

export function formatMbPerHour(mbPerHour: number): string {
  return `${Math.round(mbPerHour)} MB/h`;
}

export function formatMemory(bytes: number): string {
  const mb = bytes / BYTES_PER_MB;
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

/** "45 s", "5 min", "2 h", "2 h 10 min", "3 d": short enough for a notification. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest === 0 || hours >= 10 ? `${hours} h` : `${hours} h ${rest} min`;
  }
  return `${Math.round(hours / 24)} d`;
}

/** Text from a probe or a service name goes into one-line messages: no control characters, bounded. */
export function oneLine(text: string, maxLength = 200): string {
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}
