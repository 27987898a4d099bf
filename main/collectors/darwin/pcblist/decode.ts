import type { TcpState } from '../../types.js';

/**
 * Decodes `sysctl net.inet.tcp.pcblist_n`, the kernel's TCP table that `netstat -anvb` prints. The
 * buffer is a `struct xinpgen` header, then one group of records per socket, then the header again.
 * Every record starts with `u_int32_t len, kind` and begins on an 8-byte boundary (netstat's
 * ROUNDUP64). A TCP socket's group holds one record of each kind below; netstat (network_cmds
 * `netstat.tproj/inet.c`, `protopr`) prints a socket once it has seen all six, and stops at a record
 * no longer than the header. The layouts are XNU's, all `#pragma pack(4)`:
 *
 *   xinpcb_n (bsd/netinet/in_pcb.h): inp_fport at 16 and inp_lport at 18 (network order),
 *     inp_vflag at 44 (INP_IPV4 0x1, INP_IPV6 0x2), the foreign address at 48 and the local one at
 *     64, each 16 bytes (an IPv4 address in its last 4: struct in_addr_4in6).
 *   xsocket_n (bsd/sys/socketvar.h): so_last_pid at 68, so_e_pid at 72 (after so_uid at 64).
 *   xsockstat_n: xst_tc_stats[4] from 8, each {rxpackets, rxbytes, txpackets, txbytes} (u_int64_t).
 *   xtcpcb_n (bsd/netinet/tcp_var.h): t_state at 36 (after t_segq, t_dupacks, t_timer[4]),
 *     numbered as in tcp_fsm.h.
 */

const XSO_SOCKET = 0x001;
const XSO_RCVBUF = 0x002;
const XSO_SNDBUF = 0x004;
const XSO_STATS = 0x008;
const XSO_INPCB = 0x010;
const XSO_TCPCB = 0x020;
const ALL_TCP_KINDS = XSO_SOCKET | XSO_RCVBUF | XSO_SNDBUF | XSO_STATS | XSO_INPCB | XSO_TCPCB;

/** struct xinpgen: xig_len, xig_count, xig_gen (u_int64_t), xig_sogen (u_int64_t), packed to 4. */
export const XINPGEN_SIZE = 24;
const INP_IPV4 = 0x1;
const INP_IPV6 = 0x2;
const TC_CLASSES = 4;

/** The smallest record of each kind that holds every field read. */
const MIN_LENGTH: Record<number, number> = {
  [XSO_SOCKET]: 76,
  [XSO_STATS]: 8 + TC_CLASSES * 32,
  [XSO_INPCB]: 80,
  [XSO_TCPCB]: 40,
};

/** tcp_fsm.h TCPS_* in order. */
const STATES: readonly TcpState[] = [
  'CLOSE',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'CLOSE_WAIT',
  'FIN_WAIT1',
  'CLOSING',
  'LAST_ACK',
  'FIN_WAIT2',
  'TIME_WAIT',
];

export interface PcbSocket {
  /** As netstat prints it: `127.0.0.1`, `::1`, `*` for any address. */
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpState;
  /** The last process to use the socket (netstat -v's pid); null when the kernel has none. */
  pid: number | null;
  /** Bytes the socket received and sent, over every traffic class, since it opened. */
  bytesReceived: number;
  bytesSent: number;
}

export type PcbListOutcome = { ok: true; sockets: PcbSocket[] } | { ok: false; error: string };

/** The socket observation's `source` when it comes from this table. */
export const PCBLIST_SOURCE = 'pcblist';

const roundUp8 = (n: number) => (n + 7) & ~7;

export function decodeTcpPcbList(bytes: Uint8Array): PcbListOutcome {
  if (bytes.length < XINPGEN_SIZE) return { ok: false, error: `${bytes.length} bytes: no xinpgen header` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  const headerLength = u32(0);
  if (headerLength < XINPGEN_SIZE || headerLength > bytes.length) {
    return { ok: false, error: `xinpgen length ${headerLength}` };
  }
  const sockets: PcbSocket[] = [];
  let seen = 0;
  let inpcb = -1;
  let socket = -1;
  let stats = -1;
  let tcpcb = -1;
  let offset = roundUp8(headerLength);
  for (; offset + 8 <= bytes.length;) {
    const length = u32(offset);
    if (length <= XINPGEN_SIZE) break; // the trailing xinpgen
    const kind = u32(offset + 4);
    if (offset + length > bytes.length) return { ok: false, error: `record at ${offset} runs past the end` };
    if ((MIN_LENGTH[kind] ?? 0) > length)
      return { ok: false, error: `kind ${kind} record of ${length} bytes` };
    if (seen & kind) return { ok: false, error: `kind ${kind} twice for one socket` };
    seen |= kind;
    if (kind === XSO_INPCB) inpcb = offset;
    else if (kind === XSO_SOCKET) socket = offset;
    else if (kind === XSO_STATS) stats = offset;
    else if (kind === XSO_TCPCB) tcpcb = offset;
    offset += roundUp8(length);
    if ((seen & ALL_TCP_KINDS) !== ALL_TCP_KINDS) continue;
    seen = 0;
    const vflag = bytes[inpcb + 44]!;
    if ((vflag & (INP_IPV4 | INP_IPV6)) === 0) continue;
    let received = 0;
    let sent = 0;
    for (let tc = 0; tc < TC_CLASSES; tc++) {
      received += u64(stats + 8 + tc * 32 + 8);
      sent += u64(stats + 8 + tc * 32 + 24);
    }
    const lastPid = view.getInt32(socket + 68, true);
    const effectivePid = view.getInt32(socket + 72, true);
    const pid = lastPid > 0 ? lastPid : effectivePid > 0 ? effectivePid : null;
    sockets.push({
      localAddress: address(bytes, inpcb + 64, vflag),
      localPort: view.getUint16(inpcb + 18, false),
      remoteAddress: address(bytes, inpcb + 48, vflag),
      remotePort: view.getUint16(inpcb + 16, false),
      state: STATES[view.getInt32(tcpcb + 36, true)] ?? 'UNKNOWN',
      pid,
      bytesReceived: received,
      bytesSent: sent,
    });
  }
  if (seen & ALL_TCP_KINDS) return { ok: false, error: 'the last socket’s records are incomplete' };
  return { ok: true, sockets };
}

/** IPv4 where the socket has it (as netstat prefers), else IPv6; the any-address as `*`. */
function address(bytes: Uint8Array, at: number, vflag: number): string {
  if (vflag & INP_IPV4) {
    const [a, b, c, d] = [bytes[at + 12]!, bytes[at + 13]!, bytes[at + 14]!, bytes[at + 15]!];
    return a + b + c + d === 0 ? '*' : `${a}.${b}.${c}.${d}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + 2 * i]! << 8) | bytes[at + 2 * i + 1]!);
  // KAME stacks keep a link-local address's scope in its second group (netstat clears it too).
  if ((groups[0]! & 0xffc0) === 0xfe80) groups[1] = 0;
  if (groups.every((g) => g === 0)) return '*';
  return ipv6Text(groups);
}

/** RFC 5952 text: lowercase hex, the longest run of two or more zero groups as `::`. */
function ipv6Text(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
