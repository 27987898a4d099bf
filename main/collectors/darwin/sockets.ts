import { failed, ok, type Reading } from '../../contract/index.js';
import type {
  CollectorEnv,
  CollectorInstance,
  CollectRequest,
  Connection,
  ListeningSocket,
  Observation,
} from '../types.js';
import { LSOF_TCP_ARGS, parseLsofTcp } from './lsof.js';
import { NETSTAT_ARGS, parseNetstat } from './netstat.js';
import { unusable } from './run-output.js';

/**
 * TCP sockets: `netstat -anv -p tcp` every tick (cheap: connection states and, on -v, pids), and
 * `lsof -nP -iTCP` on the slow tier, whose owners fill in pids netstat leaves out. Connections are
 * kept where either end is a service port. netstat has no per-connection byte counters.
 */
export function createDarwinSocketCollector(env: CollectorEnv): CollectorInstance {
  let lsofOwners = new Map<number, number>();
  return {
    async collect(request: CollectRequest): Promise<Reading<Observation>> {
      if (request.slow) {
        const lsof = await env.exec('lsof', [...LSOF_TCP_ARGS]);
        // lsof exits 1 when nothing matched; that is an empty answer, not a failure.
        if (!lsof.failure) {
          const parsed = parseLsofTcp(lsof.stdout);
          if (parsed.ok) {
            lsofOwners = new Map(
              parsed.value.listening.flatMap((l) => (l.pid === null ? [] : [[l.port, l.pid] as const])),
            );
          }
        }
      }
      const result = await env.exec('netstat', [...NETSTAT_ARGS]);
      const problem = unusable<Observation>('netstat', result);
      if (problem) return problem;
      const parsed = parseNetstat(result.stdout);
      if (!parsed.ok) return failed(`netstat: ${parsed.error}`);
      const seen = new Set<string>();
      const listening: ListeningSocket[] = [];
      for (const l of parsed.value.listening) {
        const pid = l.pid ?? lsofOwners.get(l.port) ?? null;
        const key = `${l.port}/${pid}`;
        if (seen.has(key)) continue;
        seen.add(key);
        listening.push({ port: l.port, pid });
      }
      // Client ends (remote port a service port) stay too: netstat -v names their pid, which tells
      // whether a request came from another monitored service.
      const ports = request.servicePorts;
      const connections: Connection[] = parsed.value.connections
        .filter((c) => ports.size === 0 || ports.has(c.localPort) || ports.has(c.remotePort))
        .map((c) => ({
          ...c,
          pid:
            c.pid ??
            (c.state === 'TIME_WAIT' || !ports.has(c.localPort)
              ? null
              : (lsofOwners.get(c.localPort) ?? null)),
        }));
      return ok({ sockets: { listening, connections, source: 'netstat' } }, env.now());
    },
  };
}
