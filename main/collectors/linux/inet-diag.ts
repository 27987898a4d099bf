import type { TcpState } from '../types.js';

/**
 * The kernel's sock_diag netlink protocol for TCP sockets, as pure encode/decode functions
 * (layouts from the uapi headers linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h and
 * linux/tcp.h). Netlink is in host byte order; ports and addresses inside inet_diag_sockid are
 * in network byte order.
 */

/** In a request: both families in one dump (see encodeDiagRequest). */
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const NETLINK_SOCK_DIAG = 4;
const IPPROTO_TCP = 6;
const SOCK_DIAG_BY_FAMILY = 20;
const TCPDIAG_GETSOCK = 18;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
const INET_DIAG_REQ_BYTECODE = 1;
const INET_DIAG_INFO = 2;
const INET_DIAG_BC_JMP = 1;
const INET_DIAG_BC_S_GE = 2;
const INET_DIAG_BC_S_LE = 3;
const INET_DIAG_BC_D_GE = 4;
const INET_DIAG_BC_D_LE = 5;

const NLMSG_HEADER = 16;
const REQ_V2 = 56;
/** struct inet_diag_req: family, src_len, dst_len, ext, inet_diag_sockid, states, dbs. */
const REQ_V1 = 60;
const DIAG_MSG = 72;
const RTA_HEADER = 4;
/** Every TCP state, TIME_WAIT and NEW_SYN_RECV included. */
const ALL_STATES = 0xffffffff;
const LISTEN_ONLY = 1 << 10;

// include/net/tcp_states.h; NEW_SYN_RECV (12) is a request socket, shown as SYN_RECV.
const STATES: Record<number, TcpState> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'SYN_RECV',
};

/** struct tcp_info offsets: last_data_recv (u32, ms ago), bytes_acked and bytes_received (u64, Linux ≥ 4.1). */
const TCPI_LAST_DATA_RECV = 52;
const TCPI_BYTES_ACKED = 120;
const TCPI_BYTES_RECEIVED = 128;

const align4 = (n: number) => (n + 3) & ~3;

/**
 * Bytecode that accepts a socket whose local or remote port is one of `ports` (any port when the
 * list is empty: no filter). Each alternative is `port >= p`, `port <= p`, then a jump to the end
 * (accept); a failed comparison falls through to the next alternative, past the end for the last
 * (reject). Only the long-supported GE/LE/JMP operations are used (EQ arrived in Linux 4.16); the
 * JMP's 16-bit offset keeps the 8-bit `yes` offsets small however many ports there are.
 */
export function encodePortFilter(ports: readonly number[]): Buffer {
  const alternatives = [...new Set(ports)].flatMap((port) => [
    { ge: INET_DIAG_BC_S_GE, le: INET_DIAG_BC_S_LE, port },
    { ge: INET_DIAG_BC_D_GE, le: INET_DIAG_BC_D_LE, port },
  ]);
  const size = 20; // GE op + its port, LE op + its port, JMP
  const total = alternatives.length * size;
  const out = Buffer.alloc(total);
  alternatives.forEach((alt, i) => {
    const at = i * size;
    const remaining = total - at;
    const last = i === alternatives.length - 1;
    // struct inet_diag_bc_op { u8 code; u8 yes; u16 no; }; a port travels in the next op's `no`.
    writeOp(out, at, alt.ge, 8, last ? remaining + 4 : size);
    writeOp(out, at + 4, 0, 0, alt.port);
    writeOp(out, at + 8, alt.le, 8, last ? remaining - 8 + 4 : size - 8);
    writeOp(out, at + 12, 0, 0, alt.port);
    writeOp(out, at + 16, INET_DIAG_BC_JMP, 4, remaining - 16);
  });
  return out;
}

function writeOp(buf: Buffer, at: number, code: number, yes: number, no: number): void {
  buf.writeUInt8(code, at);
  buf.writeUInt8(yes, at + 1);
  buf.writeUInt16LE(no, at + 2);
}

export interface DiagRequestOptions {
  /**
   * AF_UNSPEC: IPv4 and IPv6 sockets from one walk of the kernel's tables, through the older
   * TCPDIAG_GETSOCK request (inet_diag_dump_compat sets the family to AF_UNSPEC). A
   * SOCK_DIAG_BY_FAMILY request names one family, and each one walks the whole established-connection
   * hash table (hundreds of thousands of buckets however few sockets there are): the largest part of
   * a dump's cost.
   */
  family: typeof AF_UNSPEC | typeof AF_INET | typeof AF_INET6;
  /** Sockets whose local or remote port is one of these; empty: every TCP socket. */
  ports: readonly number[];
  sequence: number;
  /** Only listening sockets (the kernel then skips the established-connection table). */
  listenersOnly?: boolean;
}

/** One dump request for TCP sockets in every state (or listeners only), asking for tcp_info. */
export function encodeDiagRequest(options: DiagRequestOptions): Buffer {
  const filter = options.ports.length > 0 ? encodePortFilter(options.ports) : null;
  const attribute = filter ? align4(RTA_HEADER + filter.length) : 0;
  const both = options.family === AF_UNSPEC;
  const body = both ? REQ_V1 : REQ_V2;
  const length = NLMSG_HEADER + body + attribute;
  const buf = Buffer.alloc(length);
  buf.writeUInt32LE(length, 0);
  buf.writeUInt16LE(both ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY, 4);
  buf.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  buf.writeUInt32LE(options.sequence >>> 0, 8);
  buf.writeUInt32LE(0, 12);
  const req = NLMSG_HEADER;
  const ext = 1 << (INET_DIAG_INFO - 1);
  const states = options.listenersOnly ? LISTEN_ONLY : ALL_STATES;
  // inet_diag_sockid stays zero: no exact-socket lookup. Cookie ~0 means "no cookie".
  if (both) {
    buf.writeUInt8(ext, req + 3);
    buf.writeUInt32LE(0xffffffff, req + 4 + 40);
    buf.writeUInt32LE(0xffffffff, req + 4 + 44);
    buf.writeUInt32LE(states, req + 52);
  } else {
    buf.writeUInt8(options.family, req);
    buf.writeUInt8(IPPROTO_TCP, req + 1);
    buf.writeUInt8(ext, req + 2);
    buf.writeUInt32LE(states, req + 4);
    buf.writeUInt32LE(0xffffffff, req + 8 + 40);
    buf.writeUInt32LE(0xffffffff, req + 8 + 44);
  }
  if (filter) {
    const rta = NLMSG_HEADER + body;
    buf.writeUInt16LE(RTA_HEADER + filter.length, rta);
    buf.writeUInt16LE(INET_DIAG_REQ_BYTECODE, rta + 2);
    filter.copy(buf, rta + RTA_HEADER);
  }
  return buf;
}

/** One socket from a dump. Byte counters are absent for sockets without tcp_info (TIME_WAIT, request sockets). */
export interface DiagSocket {
  state: TcpState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  uid: number;
  /** 0 for sockets no process owns (TIME_WAIT). */
  inode: number;
  /** tcpi_bytes_received: payload bytes received. */
  bytesReceived?: number;
  /** tcpi_bytes_acked: payload bytes sent and acknowledged by the peer. */
  bytesSent?: number;
  /** tcpi_last_data_recv: milliseconds since data last arrived. */
  lastReceiveAgoMs?: number;
}

export interface DiagChunk {
  sockets: DiagSocket[];
  /** NLMSG_DONE seen: the dump is complete. */
  done: boolean;
  /** A negative errno from NLMSG_ERROR (e.g. -22 for a bytecode the kernel refused). */
  errno: number | null;
}

/** Decodes one buffer received from the netlink socket (one or more messages). Malformed messages end the chunk. */
export function decodeDiagChunk(buf: Buffer, sequence?: number): DiagChunk {
  const chunk: DiagChunk = { sockets: [], done: false, errno: null };
  let at = 0;
  while (at + NLMSG_HEADER <= buf.length) {
    const length = buf.readUInt32LE(at);
    const type = buf.readUInt16LE(at + 4);
    const seq = buf.readUInt32LE(at + 8);
    if (length < NLMSG_HEADER || at + length > buf.length) {
      chunk.errno = chunk.errno ?? -74; // EBADMSG
      break;
    }
    const body = buf.subarray(at + NLMSG_HEADER, at + length);
    at += align4(length);
    if (sequence !== undefined && seq !== sequence >>> 0) continue; // an answer to an older request
    if (type === NLMSG_DONE) {
      chunk.done = true;
      break;
    }
    if (type === NLMSG_ERROR) {
      chunk.errno = body.length >= 4 ? body.readInt32LE(0) : -74;
      chunk.done = true;
      break;
    }
    // A TCPDIAG_GETSOCK request is answered in messages of its own type, with the same layout.
    if (type !== SOCK_DIAG_BY_FAMILY && type !== TCPDIAG_GETSOCK) continue;
    const socket = decodeDiagMessage(body);
    if (socket) chunk.sockets.push(socket);
  }
  return chunk;
}

/** struct inet_diag_msg followed by attributes; null when too short or of an unknown family. */
export function decodeDiagMessage(body: Buffer): DiagSocket | null {
  if (body.length < DIAG_MSG) return null;
  const family = body.readUInt8(0);
  if (family !== AF_INET && family !== AF_INET6) return null;
  const socket: DiagSocket = {
    state: STATES[body.readUInt8(1)] ?? 'UNKNOWN',
    localPort: body.readUInt16BE(4),
    remotePort: body.readUInt16BE(6),
    localAddress: formatAddress(family, body.subarray(8, 24)),
    remoteAddress: formatAddress(family, body.subarray(24, 40)),
    uid: body.readUInt32LE(64),
    inode: body.readUInt32LE(68),
  };
  let at = DIAG_MSG;
  while (at + RTA_HEADER <= body.length) {
    const length = body.readUInt16LE(at);
    const type = body.readUInt16LE(at + 2);
    if (length < RTA_HEADER || at + length > body.length) break;
    if (type === INET_DIAG_INFO && socket.state !== 'LISTEN') {
      const info = body.subarray(at + RTA_HEADER, at + length);
      if (info.length >= TCPI_LAST_DATA_RECV + 4)
        socket.lastReceiveAgoMs = info.readUInt32LE(TCPI_LAST_DATA_RECV);
      if (info.length >= TCPI_BYTES_RECEIVED + 8) {
        socket.bytesSent = Number(info.readBigUInt64LE(TCPI_BYTES_ACKED));
        socket.bytesReceived = Number(info.readBigUInt64LE(TCPI_BYTES_RECEIVED));
      }
    }
    at += align4(length);
  }
  return socket;
}

function formatAddress(family: number, bytes: Buffer): string {
  if (family === AF_INET) return [...bytes.subarray(0, 4)].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(2 * i));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [...bytes.subarray(12, 16)].join('.'); // IPv4-mapped: the IPv4 client as such
  }
  return compressIpv6(groups.map((g) => g.toString(16)));
}

/** RFC 5952: the longest run (of two or more) of zero groups becomes `::`. */
export function compressIpv6(groups: readonly string[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j += 1;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}
