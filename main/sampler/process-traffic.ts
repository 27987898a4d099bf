import type { ProcessTraffic } from '../collectors/types.js';

/**
 * Turns per-process cumulative byte counters (macOS nettop) into bytes per service since the
 * previous reading. A process seen for the first time, or whose counters fell (a reused pid), adds
 * nothing; a service none of whose processes has a previous reading gets null (unknown).
 */
export class ProcessTrafficTracker {
  private previous = new Map<number, ProcessTraffic>();

  update(
    traffic: readonly ProcessTraffic[],
    pidsByService: ReadonlyMap<string, readonly number[]>,
  ): Map<string, { bytesIn: number; bytesOut: number } | null> {
    const current = new Map(traffic.map((t) => [t.pid, t]));
    const result = new Map<string, { bytesIn: number; bytesOut: number } | null>();
    for (const [id, pids] of pidsByService) {
      let known = false;
      let bytesIn = 0;
      let bytesOut = 0;
      for (const pid of pids) {
        const now = current.get(pid);
        const before = this.previous.get(pid);
        if (!now || !before || before.name !== now.name) continue;
        if (now.bytesIn < before.bytesIn || now.bytesOut < before.bytesOut) continue;
        known = true;
        bytesIn += now.bytesIn - before.bytesIn;
        bytesOut += now.bytesOut - before.bytesOut;
      }
      result.set(id, known ? { bytesIn, bytesOut } : null);
    }
    this.previous = current;
    return result;
  }
}
