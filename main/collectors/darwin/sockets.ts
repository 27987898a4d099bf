import { failed, ok, type Reading } from '../../contract/index.js';
import type {
  CollectorEnv,
  CollectorInstance,
  CollectRequest,
  Connection,
  ListeningSocket,
  Observation,
  SocketObservation,
} from '../types.js';
import { libprocOpenerFor } from './libproc/open.js';
import { lazyPort } from './native-port.js';
import type { LibprocOpener } from './libproc/ports.js';
import { LSOF_TCP_ARGS, parseLsofTcp } from './lsof.js';
import { NETSTAT_ARGS, parseNetstat } from './netstat.js';
import { decodeTcpPcbList, PCBLIST_SOURCE, type PcbSocket } from './pcblist/decode.js';
import { unusable } from './run-output.js';

/**
 * TCP sockets. Where libSystem can be reached (koffi on a Mac), the kernel's TCP table itself, no
 * spawn, no root: `sysctl net.inet.tcp.pcblist_n`, what `netstat -anvb` prints, with every socket's
 * pid and byte counters. Otherwise, or when the table cannot be read or decoded, `netstat -anv -p
 * tcp` every tick (connection states and, on -v, pids; no byte counters) and `lsof -nP -iTCP` on
 * the slow tier, whose owners fill in pids netstat leaves out. Connections are kept where either end
 * is a service port.
 */
export function createDarwinSocketCollector(
  env: CollectorEnv,
  open: LibprocOpener = libprocOpenerFor(env),
): CollectorInstance {
  let lsofOwners = new Map<number, number>();
  const kernel = lazyPort(open);
  return {
    async collect(request: CollectRequest): Promise<Reading<Observation>> {
      const table = kernel.get()?.tcpPcbList();
      const decoded = table?.ok ? decodeTcpPcbList(table.bytes) : null;
      if (decoded?.ok) return ok({ sockets: fromTcpTable(decoded.sockets, request.servicePorts) }, env.now());
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
      const listening = uniqueListeners(
        parsed.value.listening.map((l) => ({ port: l.port, pid: l.pid ?? lsofOwners.get(l.port) ?? null })),
      );
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
    async close() {
      kernel.close();
    },
  };
}

/** The kernel's TCP table as a socket observation: listeners, and connections touching a service port. */
export function fromTcpTable(sockets: readonly PcbSocket[], ports: ReadonlySet<number>): SocketObservation {
  const listeners: ListeningSocket[] = [];
  const connections: Connection[] = [];
  for (const s of sockets) {
    if (s.state === 'LISTEN') {
      listeners.push({ port: s.localPort, pid: s.pid });
      continue;
    }
    if (s.state === 'CLOSE') continue;
    if (ports.size > 0 && !ports.has(s.localPort) && !ports.has(s.remotePort)) continue;
    connections.push({
      localAddress: s.localAddress,
      localPort: s.localPort,
      remoteAddress: s.remoteAddress,
      remotePort: s.remotePort,
      state: s.state,
      pid: s.state === 'TIME_WAIT' ? null : s.pid,
      bytesReceived: s.bytesReceived,
      bytesSent: s.bytesSent,
    });
  }
  return { listening: uniqueListeners(listeners), connections, source: PCBLIST_SOURCE };
}

/** One entry per port and owner: IPv4 and IPv6 listeners of one process on one port are one. */
function uniqueListeners(listeners: readonly ListeningSocket[]): ListeningSocket[] {
  const seen = new Set<string>();
  return listeners.filter((l) => {
    const key = `${l.port}/${l.pid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
