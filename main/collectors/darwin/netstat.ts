import type { Connection, ListeningSocket } from '../types.js';
import { tcpState } from './lsof.js';

/** Per tick: every TCP socket with its state; -v adds the owning pid. Cheap (no per-file scan). */
export const NETSTAT_ARGS = ['-anv', '-p', 'tcp'] as const;

export interface NetstatTcp {
  listening: ListeningSocket[];
  connections: Connection[];
}

export type NetstatOutcome = { ok: true; value: NetstatTcp } | { ok: false; error: string };

/**
 * Parses macOS `netstat -anv -p tcp`. Addresses end in `.port` (`127.0.0.1.11434`, `*.3000`,
 * `::1.8766`). The pid column moved across releases: older ones print `pid` as its own column,
 * newer ones `process:pid` (the process name may hold spaces), so both are read.
 */
export function parseNetstat(text: string): NetstatOutcome {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => /^Proto\b.*Local Address/.test(l));
  if (headerIndex < 0) return { ok: false, error: "no 'Proto … Local Address' header" };
  const afterState = lines[headerIndex]!.replace(/^.*\(state\)\s*/, '').split(/\s+/);
  const pidColumn = afterState.indexOf('pid');
  const result: NetstatTcp = { listening: [], connections: [] };
  for (const line of lines.slice(headerIndex + 1)) {
    const tokens = line.trim().split(/\s+/);
    if (!tokens[0]?.startsWith('tcp') || tokens.length < 6) continue;
    const [, , , local, foreign, state] = tokens as [string, string, string, string, string, string];
    const rest = tokens.slice(6);
    const pid = pidOf(rest, pidColumn);
    const localPort = portOf(local);
    if (localPort === null) continue;
    if (state === 'LISTEN') {
      result.listening.push({ port: localPort, pid });
      continue;
    }
    const remotePort = portOf(foreign);
    if (remotePort === null) continue;
    result.connections.push({
      localAddress: local.slice(0, local.lastIndexOf('.')),
      localPort,
      remoteAddress: foreign.slice(0, foreign.lastIndexOf('.')),
      remotePort,
      state: tcpState(state),
      pid,
    });
  }
  return { ok: true, value: result };
}

function pidOf(rest: string[], pidColumn: number): number | null {
  // The first `name:digits` token (a name may itself hold colons: the digits follow the last one).
  for (const token of rest) {
    const digits = token.slice(token.lastIndexOf(':') + 1);
    if (digits.length < token.length && /^\d+$/.test(digits)) return positive(Number(digits));
  }
  if (pidColumn >= 0 && rest[pidColumn] !== undefined) return positive(Number(rest[pidColumn]));
  return null;
}

function positive(value: number): number | null {
  return Number.isInteger(value) && value > 0 ? value : null;
}

function portOf(address: string): number | null {
  const text = address.slice(address.lastIndexOf('.') + 1);
  return /^\d+$/.test(text) ? Number(text) : null;
}
