/** Builds `net.inet.tcp.pcblist_n` buffers at the offsets of XNU's pack(4) structs (see decode.ts). */

export interface TableSocket {
  local: [string, number];
  remote: [string, number];
  /** tcp_fsm.h TCPS_*: 1 LISTEN, 4 ESTABLISHED, 10 TIME_WAIT. */
  state: number;
  lastPid: number;
  effectivePid?: number;
  /** Bytes per traffic class (4 classes; the decoder sums them). */
  received?: number[];
  sent?: number[];
}

const XSO = { socket: 0x1, rcvbuf: 0x2, sndbuf: 0x4, stats: 0x8, inpcb: 0x10, tcpcb: 0x20 } as const;
/** Record sizes as a 64-bit kernel writes them (what matters is that each holds the fields read). */
const SIZES = { socket: 104, rcvbuf: 32, sndbuf: 32, stats: 136, inpcb: 104, tcpcb: 204 } as const;

function record(kind: number, length: number, fill: (b: Buffer) => void = () => {}): Buffer {
  const b = Buffer.alloc((length + 7) & ~7);
  b.writeUInt32LE(length, 0);
  b.writeUInt32LE(kind, 4);
  fill(b);
  return b;
}

function writeAddress(b: Buffer, at: number, text: string): number {
  if (text.includes(':')) {
    const [head, tail] = text.split('::') as [string, string | undefined];
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
    groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), at + 2 * i));
    return 0x2;
  }
  text.split('.').forEach((octet, i) => (b[at + 12 + i] = Number(octet)));
  return 0x1;
}

/** One socket's six records, in the order XNU's tcp_pcblist_n writes them. */
export function socketRecords(s: TableSocket): Buffer[] {
  const classes = (values: number[] | undefined) => [...(values ?? []), 0, 0, 0, 0].slice(0, 4);
  return [
    record(XSO.inpcb, SIZES.inpcb, (b) => {
      b.writeUInt16BE(s.remote[1], 16);
      b.writeUInt16BE(s.local[1], 18);
      const flag = writeAddress(b, 48, s.remote[0]) | writeAddress(b, 64, s.local[0]);
      b[44] = flag;
    }),
    record(XSO.socket, SIZES.socket, (b) => {
      b.writeInt32LE(s.lastPid, 68);
      b.writeInt32LE(s.effectivePid ?? s.lastPid, 72);
    }),
    record(XSO.rcvbuf, SIZES.rcvbuf),
    record(XSO.sndbuf, SIZES.sndbuf),
    record(XSO.stats, SIZES.stats, (b) => {
      classes(s.received).forEach((v, tc) => b.writeBigUInt64LE(BigInt(v), 8 + tc * 32 + 8));
      classes(s.sent).forEach((v, tc) => b.writeBigUInt64LE(BigInt(v), 8 + tc * 32 + 24));
    }),
    record(XSO.tcpcb, SIZES.tcpcb, (b) => b.writeInt32LE(s.state, 36)),
  ];
}

function xinpgen(count: number): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(24, 0);
  b.writeUInt32LE(count, 4);
  b.writeBigUInt64LE(7n, 8);
  b.writeBigUInt64LE(9n, 16);
  return b;
}

/** The whole table: header, every socket's records, header again. */
export function tcpTable(sockets: TableSocket[], between: Buffer[] = []): Buffer {
  return Buffer.concat([
    xinpgen(sockets.length),
    ...sockets.flatMap(socketRecords),
    ...between,
    xinpgen(sockets.length),
  ]);
}
