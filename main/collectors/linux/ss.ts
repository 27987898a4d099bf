import type { TcpState } from '../types.js';
import type { DiagSocket } from './inet-diag.js';
import { compressIpv6 } from './inet-diag.js';

/**
 * `ss -tinHOe state all ( sport = :P or dport = :P … )`: the same kernel sock_diag answer printed
 * by iproute2, one socket a line (-O), with the inode and uid (-e) and tcp_info (-i). The fallback
 * when the netlink socket cannot be opened from Node.
 */
export function ssArgs(ports: readonly number[]): string[] {
  const args = ['-tinHOe', 'state', 'all'];
  const unique = [...new Set(ports)];
  if (unique.length === 0) return args;
  const terms = unique.flatMap((p, i) => [
    ...(i > 0 ? ['or'] : []),
    'sport',
    '=',
    `:${p}`,
    'or',
    'dport',
    '=',
    `:${p}`,
  ]);
  return [...args, '(', ...terms, ')'];
}

const STATES: Record<string, TcpState> = {
  ESTAB: 'ESTABLISHED',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'TIME-WAIT': 'TIME_WAIT',
  CLOSE: 'CLOSE',
  UNCONN: 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

export type SsOutcome = { ok: true; value: DiagSocket[] } | { ok: false; error: string };

/**
 * Parses `ss -tinHOe` lines: state, queues, local and peer `address:port`, then `key:value`
 * tokens. Lines that are not a socket are skipped; text with no socket line that is not empty
 * is an error (a different ss, or an error message).
 */
export function parseSs(text: string): SsOutcome {
  const sockets: DiagSocket[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const tokens = line.trim().split(/\s+/);
    const state = STATES[tokens[0] ?? ''];
    const local = endpoint(tokens[3]);
    const peer = endpoint(tokens[4]);
    if (!state || !local || !peer) {
      unreadable += 1;
      continue;
    }
    const socket: DiagSocket = {
      state,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: peer.address,
      remotePort: peer.port,
      uid: 0,
      inode: 0,
    };
    for (const token of tokens.slice(5)) {
      const m = /^([a-z_]+):(\d+)$/.exec(token);
      if (!m) continue;
      const value = Number(m[2]);
      if (!Number.isSafeInteger(value)) continue;
      if (m[1] === 'ino') socket.inode = value;
      else if (m[1] === 'uid') socket.uid = value;
      else if (m[1] === 'bytes_acked') socket.bytesSent = value;
      else if (m[1] === 'bytes_received') socket.bytesReceived = value;
      else if (m[1] === 'lastrcv') socket.lastReceiveAgoMs = value;
    }
    // A socket that never received has no bytes_received token although tcp_info was printed.
    if (socket.bytesSent !== undefined && socket.bytesReceived === undefined) socket.bytesReceived = 0;
    if (socket.bytesReceived !== undefined && socket.bytesSent === undefined) socket.bytesSent = 0;
    sockets.push(socket);
  }
  if (sockets.length === 0 && unreadable > 0) return { ok: false, error: 'no line reads as an ss socket' };
  return { ok: true, value: sockets };
}

/** `127.0.0.1:80`, `[::1]:3000`, `[::ffff:127.0.0.1]:3000`, `*:22`, `0.0.0.0:*`, `127.0.0.53%lo:53`. */
function endpoint(text: string | undefined): { address: string; port: number } | null {
  if (!text) return null;
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = text.slice(colon + 1);
  const port = portText === '*' ? 0 : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) return null;
  let address = text.slice(0, colon).replace(/%[^\]]*/, '');
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  if (address === '*') address = '::'; // ss prints a dual-stack wildcard as `*`, IPv4's as 0.0.0.0
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  else if (address.includes(':')) address = normaliseIpv6(address);
  return address ? { address, port } : null;
}

function normaliseIpv6(address: string): string {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(Math.max(0, fill)).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return address.toLowerCase();
  return compressIpv6(groups.map((g) => parseInt(g, 16).toString(16)));
}
