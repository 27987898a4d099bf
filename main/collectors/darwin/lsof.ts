import type { Connection, ListeningSocket, TcpState } from '../types.js';

/** Slow tier: every TCP socket with its owner, numeric hosts and ports, field output with state. */
export const LSOF_TCP_ARGS = ['-nP', '-iTCP', '-F', 'pcnT'] as const;

export interface LsofTcp {
  listening: (ListeningSocket & { command: string; address: string })[];
  connections: (Connection & { command: string })[];
  /** Entries whose port is a service name that could not be mapped (lsof run without -P). */
  unresolved: string[];
}

export type LsofOutcome = { ok: true; value: LsofTcp } | { ok: false; error: string };

/** Parses `lsof -F pcn[T]` field output or lsof's default table (as pasted into bug reports). */
export function parseLsofTcp(text: string): LsofOutcome {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  if (lines.length === 0) return { ok: true, value: { listening: [], connections: [], unresolved: [] } };
  if (/^COMMAND\s+PID\s/.test(lines[0]!)) return parseTable(lines.slice(1));
  // The table without its header (piped through grep): recognised by its columns.
  if (lines.every((l) => TABLE_ROW.test(l))) return parseTable(lines);
  if (!lines.every((l) => /^[a-zA-Z]/.test(l))) return { ok: false, error: 'not lsof field or table output' };
  if (!lines.some((l) => l.startsWith('p')))
    return { ok: false, error: 'no p (pid) field in lsof -F output' };
  const result: LsofTcp = { listening: [], connections: [], unresolved: [] };
  let pid: number | null = null;
  let command = '';
  let name: string | null = null;
  let state: string | null = null;
  const flush = (): void => {
    if (name !== null) addSocket(result, pid, command, name, state);
    name = null;
    state = null;
  };
  for (const line of lines) {
    const field = line[0];
    const value = line.slice(1);
    if (field === 'p') {
      flush();
      // A pid field that is not a whole number names no process: its sockets stay unattributed.
      pid = /^\d{1,10}$/.test(value) ? Number(value) : null;
      command = '';
    } else if (field === 'c') command = value;
    else if (field === 'f') flush();
    else if (field === 'n') name = value;
    else if (field === 'T' && value.startsWith('ST=')) state = value.slice(3);
  }
  flush();
  return { ok: true, value: result };
}

/** COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME, as lsof lays out a TCP socket row. */
const TABLE_ROW = /^\S+\s+\d+\s+\S+\s+\d+[a-zA-Z]*\s+IPv[46]\s.*\sTCP\s+\S+(?:\s+\(\w+\))?\s*$/;

function parseTable(rows: string[]): LsofOutcome {
  const result: LsofTcp = { listening: [], connections: [], unresolved: [] };
  for (const line of rows) {
    const match = /^(\S+)\s+(\d+)\s.*\sTCP\s+(\S+)(?:\s+\((\w+)\))?\s*$/.exec(line);
    if (!match) continue;
    addSocket(result, Number(match[2]), match[1]!, match[3]!, match[4] ?? null);
  }
  return { ok: true, value: result };
}

function addSocket(
  result: LsofTcp,
  pid: number | null,
  command: string,
  name: string,
  state: string | null,
): void {
  const [local, remote] = name.split('->') as [string, string | undefined];
  const localPort = port(local);
  if (localPort === null) {
    result.unresolved.push(name);
    return;
  }
  if (remote === undefined) {
    if (state === null || state === 'LISTEN') {
      result.listening.push({ port: localPort, pid, command, address: host(local) });
    }
    return;
  }
  const remotePort = port(remote);
  if (remotePort === null) {
    result.unresolved.push(name);
    return;
  }
  result.connections.push({
    localPort,
    remoteAddress: host(remote),
    remotePort,
    state: tcpState(state ?? 'ESTABLISHED'),
    pid,
    command,
  });
}

/** Ports lsof prints by service name when run without -P (e.g. `localhost:postgresql`). */
const SERVICE_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ssh: 22,
  postgresql: 5432,
  mysql: 3306,
  redis: 6379,
  'http-alt': 8080,
  ipp: 631,
};

function port(endpoint: string): number | null {
  const text = endpoint.slice(endpoint.lastIndexOf(':') + 1);
  if (/^\d+$/.test(text)) return Number(text);
  return SERVICE_PORTS[text] ?? null;
}

function host(endpoint: string): string {
  return endpoint.slice(0, endpoint.lastIndexOf(':')).replace(/^\[|\]$/g, '');
}

const STATES: Record<string, TcpState> = {
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RCVD: 'SYN_RECV',
  SYN_RECV: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSED: 'CLOSE',
  CLOSE: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

export function tcpState(text: string): TcpState {
  return STATES[text.toUpperCase()] ?? 'UNKNOWN';
}

/** Slow tier, service pids only: `lsof -nP -F pf -p PIDS` → open descriptors per pid. */
export function openFilesArgs(pids: readonly number[]): string[] {
  return ['-nP', '-F', 'pf', '-p', pids.join(',')];
}

export function parseOpenFileCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  let pid: number | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('p')) {
      const value = Number(line.slice(1));
      pid = Number.isInteger(value) ? value : null;
      if (pid !== null) counts.set(pid, 0);
    } else if (line.startsWith('f') && pid !== null) counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  return counts;
}
