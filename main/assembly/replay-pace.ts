import type { ReplayControl } from '../collectors/darwin/replay.js';
import type { Sampler } from '../sampler/sampler.js';

/**
 * A replay keeps the recording's timeline, placed so that its first pass ends now (or just after the
 * newest stored sample): that pass is read as fast as the sampler can, so history, idle energy,
 * recommendations and alerts are there at once; later ticks follow at the recording's own pace.
 */
export function replayPace(
  replay: ReplayControl,
  latestStoredAt: number | null,
  now: () => number = Date.now,
): { timeline: () => number; nextTickDueAt: () => number } {
  const first = replay.time();
  const start = Math.max(
    now() - replay.passMs,
    latestStoredAt === null ? -Infinity : latestStoredAt + replay.manifest.intervalMs,
  );
  const timeline = (): number => start + replay.time() - first;
  return { timeline, nextTickDueAt: timeline };
}

/** After each sample: serve the next recorded tick; a new pass restarts the recorded counters. */
export function advanceReplay(replay: ReplayControl, sampler: Pick<Sampler, 'countersRestart'>): void {
  replay.nextTick();
  if (replay.restarted()) sampler.countersRestart();
}
