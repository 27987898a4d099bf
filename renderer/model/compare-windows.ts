import type { TimeRange } from '../../main/contract/report.js';

export type ComparePresetId =
  'hour-vs-yesterday' | 'hour-vs-previous' | 'last-15m-vs-previous' | 'today-vs-yesterday' | 'custom';

export interface ComparePreset {
  id: ComparePresetId;
  label: string;
}

export const COMPARE_PRESETS: readonly ComparePreset[] = [
  { id: 'hour-vs-yesterday', label: 'Last hour vs same hour yesterday' },
  { id: 'hour-vs-previous', label: 'Last hour vs the hour before' },
  { id: 'last-15m-vs-previous', label: 'Last 15 min vs the 15 min before' },
  { id: 'today-vs-yesterday', label: 'Today so far vs same time yesterday' },
  { id: 'custom', label: 'Custom windows' },
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function startOfLocalDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The before/after windows of a preset, ending at `now`. */
export function presetWindows(id: Exclude<ComparePresetId, 'custom'>, now: number) {
  switch (id) {
    case 'hour-vs-yesterday':
      return { before: { from: now - DAY - HOUR, to: now - DAY }, after: { from: now - HOUR, to: now } };
    case 'hour-vs-previous':
      return { before: { from: now - 2 * HOUR, to: now - HOUR }, after: { from: now - HOUR, to: now } };
    case 'last-15m-vs-previous':
      return {
        before: { from: now - 30 * MINUTE, to: now - 15 * MINUTE },
        after: { from: now - 15 * MINUTE, to: now },
      };
    case 'today-vs-yesterday': {
      const today = startOfLocalDay(now);
      return { before: { from: today - DAY, to: now - DAY }, after: { from: today, to: now } };
    }
  }
}

/** Value of an <input type="datetime-local"> for an epoch time (local, minute precision). */
export function toLocalInputValue(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export type WindowCheck = { ok: true; range: TimeRange } | { ok: false; reason: string };

/** Parses two datetime-local values into a window: both present, start before end, not in the future. */
export function parseWindow(fromText: string, toText: string, now: number): WindowCheck {
  const from = fromText ? new Date(fromText).getTime() : NaN;
  const to = toText ? new Date(toText).getTime() : NaN;
  if (!Number.isFinite(from) || !Number.isFinite(to))
    return { ok: false, reason: 'needs a start and an end' };
  if (to <= from) return { ok: false, reason: 'must end after it starts' };
  if (from > now) return { ok: false, reason: 'starts in the future' };
  return { ok: true, range: { from, to: Math.min(to, now) } };
}
