/**
 * Counts who is watching the monitor (the popover while it is open, each dashboard's event stream)
 * and tells the sampler "watched" while the total is above zero. Each source reports its own count,
 * so the popover closing does not slow sampling while a dashboard is still open.
 */
export interface WatcherCount {
  /** Sets one source's count (e.g. 'popover' 0 or 1, 'dashboard streams' n). */
  set(source: string, count: number): void;
  readonly total: number;
}

export function createWatcherCount(setWatched: (watched: boolean) => void): WatcherCount {
  const counts = new Map<string, number>();
  let total = 0;
  let watched = false;
  return {
    set(source, count) {
      counts.set(source, Math.max(0, Math.trunc(count) || 0));
      total = [...counts.values()].reduce((sum, n) => sum + n, 0);
      if (total > 0 !== watched) {
        watched = total > 0;
        setWatched(watched);
      }
    },
    get total() {
      return total;
    },
  };
}
