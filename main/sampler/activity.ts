import type { Connection } from '../collectors/types.js';

/**
 * Activity is requests, not CPU: a service is active in a tick when a remote endpoint appears on one
 * of its ports that was not there on the previous tick — in any TCP state, so short connections
 * caught only in TIME_WAIT count too. The first observation is a baseline, not activity.
 */
export class ActivityTracker {
  private previous: Map<number, Set<string>> | null = null;

  /** Returns the set of local ports that saw a new remote endpoint since the last call. */
  update(connections: readonly Connection[], watchedPorts: ReadonlySet<number>): Set<number> {
    const current = new Map<number, Set<string>>();
    for (const c of connections) {
      if (c.state === 'LISTEN' || !watchedPorts.has(c.localPort)) continue;
      const key = `${c.remoteAddress}|${c.remotePort}`;
      const set = current.get(c.localPort);
      if (set) set.add(key);
      else current.set(c.localPort, new Set([key]));
    }
    const activePorts = new Set<number>();
    if (this.previous) {
      for (const [port, endpoints] of current) {
        const before = this.previous.get(port);
        for (const endpoint of endpoints) {
          if (!before?.has(endpoint)) {
            activePorts.add(port);
            break;
          }
        }
      }
    }
    this.previous = current;
    return activePorts;
  }

  /** Count of connections per local port from the latest update (any state but LISTEN). */
  connectionCount(port: number): number {
    return this.previous?.get(port)?.size ?? 0;
  }
}
