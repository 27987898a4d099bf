import type { ServiceSample } from '../../main/contract/sample.js';
import { formatBytes, formatCpuPercent, formatPolling } from '../../main/contract/format.js';
import { formatAgo } from '../format.js';

export interface Fact {
  label: string;
  value: string;
  title?: string;
}

/**
 * The expanded row's lines about a service's traffic, threads and open files. Request counts are
 * estimates from traffic and say so; unknown figures read "unknown", never 0.
 */
export function activityFacts(s: ServiceSample, now: number): Fact[] {
  const facts: Fact[] = [];
  const a = s.activity;
  if (a) {
    facts.push({
      label: 'Requests, 5 min',
      value: `\u2248 ${a.requestCount5m.user} from users \u00b7 ${a.requestCount5m.internal} internal`,
      title:
        'An estimate from traffic: each new connection, and each sample in which an open connection received bytes, counts as one request. Internal requests come from monitored services or IdleWatt itself and never count as activity.',
    });
    for (const c of a.internalClients) {
      facts.push({
        label: 'Internal',
        value: `${formatPolling(c.name, s.name, c.requests5m, c.everySeconds)}: ${s.name} ${formatCpuPercent(s.cpuPercent)} CPU`,
        title:
          'Traffic from a monitored service or IdleWatt: idle waste, never use. Requests on one kept-alive connection count at most once per sample, so faster polling reads as the sampling interval.',
      });
    }
    facts.push({
      label: 'Last request',
      value: `user ${formatAgo(a.lastUserRequestAt, now)} \u00b7 internal ${formatAgo(a.lastInternalRequestAt, now)}`,
    });
    facts.push({
      label: 'Connections',
      value: `${a.activeConnections} open \u00b7 ${a.connectionsOpened.user + a.connectionsOpened.internal} new since the last sample`,
    });
    facts.push(
      a.bytesIn === null || a.bytesOut === null
        ? {
            label: 'Traffic',
            value: 'unknown',
            title: 'The socket source on this machine has no per-connection byte counters',
          }
        : {
            label: 'Traffic',
            value: `in ${formatBytes(a.bytesIn)} \u00b7 out ${formatBytes(a.bytesOut)} since the last sample`,
          },
    );
    if (a.inferenceCount5m !== null) {
      facts.push({
        label: 'Inferences, 5 min',
        value: `\u2265 ${a.inferenceCount5m}`,
        title:
          'A lower bound from /api/ps: a model whose expiry moved forward, or a new load, counts once per probe',
      });
    }
  } else if (s.status === 'running') {
    facts.push({ label: 'Requests', value: 'unknown', title: 'No socket reading yet' });
  }
  if (s.threads !== null) facts.push({ label: 'Threads', value: String(s.threads) });
  facts.push({
    label: 'Open files',
    value: s.openFiles === null ? 'unknown' : String(s.openFiles),
    ...(s.openFiles === null
      ? { title: 'Not readable here, or not counted yet (counted on the slow scan)' }
      : {}),
  });
  return facts;
}
