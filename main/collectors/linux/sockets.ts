import { endianness } from 'node:os';
import { join } from 'node:path';
import { absent, failed, ok } from '../../contract/index.js';
import type {
  CollectorDefinition,
  CollectorEnv,
  CollectorInstance,
  CollectRequest,
  Connection,
  ListeningSocket,
  SocketObservation,
  TcpState,
} from '../types.js';
import { listDirSync, readLinkSync, readTextSync } from './read-files.js';

/** One row of /proc/net/tcp or tcp6. */
export interface TcpEntry {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: TcpState;
  uid: number;
  /** 0 for sockets no process owns any more (TIME_WAIT). */
  inode: number;
}

// include/net/tcp_states.h; NEW_SYN_RECV (0x0C) is a request socket, shown as SYN_RECV.
const STATES: Record<number, TcpState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'SYN_RECV',
};

/** The kernel prints each 32-bit word of the address in host byte order. */
function wordBytes(hex: string, little: boolean): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return little ? bytes.reverse() : bytes;
}

function formatIpv6(bytes: number[]): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    return bytes.slice(12).join('.'); // IPv4-mapped: report the IPv4 client as such
  }
  // Compress the longest run of zero groups (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j += 1;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  const head = groups.slice(0, best.start).join(':');
  const tail = groups.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

/** `0500000A` → `10.0.0.5` (little-endian host); 32 hex digits → an IPv6 address. */
export function parseHexAddress(hex: string, little = endianness() === 'LE'): string | null {
  if (/^[0-9A-Fa-f]{8}$/.test(hex)) return wordBytes(hex, little).join('.');
  if (/^[0-9A-Fa-f]{32}$/.test(hex)) {
    const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8), little));
    return formatIpv6(bytes);
  }
  return null;
}

function endpoint(text: string | undefined, little: boolean): { address: string; port: number } | null {
  const [addr, port] = (text ?? '').split(':');
  const address = addr ? parseHexAddress(addr, little) : null;
  if (address === null || !port || !/^[0-9A-Fa-f]{4}$/.test(port)) return null;
  return { address, port: parseInt(port, 16) };
}

/** Parses /proc/net/tcp or tcp6; the header and malformed rows are skipped. */
export function parseProcNetTcp(text: string, little = endianness() === 'LE'): TcpEntry[] {
  const entries: TcpEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!f[0] || !/^\d+:$/.test(f[0])) continue;
    const local = endpoint(f[1], little);
    const remote = endpoint(f[2], little);
    const state = f[3] && /^[0-9A-Fa-f]{2}$/.test(f[3]) ? STATES[parseInt(f[3], 16)] : undefined;
    const uid = Number(f[7]);
    const inode = Number(f[9]);
    if (
      !local ||
      !remote ||
      !Number.isInteger(uid) ||
      !Number.isInteger(inode) ||
      !/^\d+$/.test(f[9] ?? '')
    ) {
      continue;
    }
    entries.push({
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state: state ?? 'UNKNOWN',
      uid,
      inode,
    });
  }
  return entries;
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/**
 * Finds the pids owning the wanted socket inodes through /proc/[pid]/fd links, looking at
 * `firstPids` first and stopping once every inode is found. Other users' fd/ are unreadable
 * without privileges: their sockets stay unattributed.
 */
export function socketOwners(
  procRoot: string,
  wanted: ReadonlySet<number>,
  firstPids: Iterable<number> = [],
): Map<number, number> {
  const owners = new Map<number, number>();
  if (wanted.size === 0) return owners;
  const listing = listDirSync(procRoot);
  const all = listing.ok ? listing.names.filter((n) => /^\d+$/.test(n)).map(Number) : [];
  const order = [...new Set([...firstPids, ...all])];
  for (const pid of order) {
    const fdDir = join(procRoot, String(pid), 'fd');
    const fds = listDirSync(fdDir);
    if (!fds.ok) continue;
    for (const fd of fds.names) {
      const match = SOCKET_LINK.exec(readLinkSync(join(fdDir, fd)) ?? '');
      if (!match) continue;
      const inode = Number(match[1]);
      if (wanted.has(inode) && !owners.has(inode)) owners.set(inode, pid);
    }
    if (owners.size === wanted.size) break;
  }
  return owners;
}

/**
 * Listening ports and connections with their owning pids. `ports`, when given, limits both to
 * those local ports (the cheap per-tick view); connections without a peer (remote port 0) are left out.
 */
export function socketObservation(
  entries: readonly TcpEntry[],
  owners: ReadonlyMap<number, number>,
  ports: ReadonlySet<number> | null,
): SocketObservation {
  const listening: ListeningSocket[] = [];
  const connections: Connection[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    if (ports && !ports.has(e.localPort)) continue;
    const pid = e.inode !== 0 ? (owners.get(e.inode) ?? null) : null;
    if (e.state === 'LISTEN') {
      const key = `${e.localPort}/${pid}`;
      if (!seen.has(key)) listening.push({ port: e.localPort, pid });
      seen.add(key);
    } else if (e.remotePort !== 0) {
      connections.push({
        localPort: e.localPort,
        remoteAddress: e.remoteAddress,
        remotePort: e.remotePort,
        state: e.state,
        pid,
      });
    }
  }
  return { listening, connections };
}

/**
 * Socket inodes are unique while the socket lives, so owners found once are reused between slow
 * ticks, and inodes nobody readable owns are not searched again until then.
 */
export function createSocketsCollector(env: CollectorEnv): CollectorInstance {
  const known = new Map<number, number>();
  const unowned = new Set<number>();
  return {
    async collect(request: CollectRequest) {
      try {
        const entries: TcpEntry[] = [];
        let readable = 0;
        for (const file of ['tcp', 'tcp6']) {
          const read = readTextSync(join(env.procRoot, 'net', file));
          if (!read.ok) continue;
          readable += 1;
          entries.push(...parseProcNetTcp(read.text));
        }
        if (readable === 0) return absent('not-present', 'no /proc/net/tcp or tcp6');
        if (request.slow) {
          known.clear();
          unowned.clear();
        }
        const live = new Set(entries.map((e) => e.inode));
        for (const inode of known.keys()) if (!live.has(inode)) known.delete(inode);
        for (const inode of unowned) if (!live.has(inode)) unowned.delete(inode);
        // Between slow ticks only service ports matter; the full scan discovers new listeners.
        const ports = request.slow || request.servicePorts.size === 0 ? null : request.servicePorts;
        const kept = ports ? entries.filter((e) => ports.has(e.localPort)) : entries;
        const toFind = new Set(
          kept.map((e) => e.inode).filter((i) => i !== 0 && !known.has(i) && !unowned.has(i)),
        );
        const found = socketOwners(env.procRoot, toFind, request.watchPids);
        for (const inode of toFind) {
          const pid = found.get(inode);
          if (pid === undefined) unowned.add(inode);
          else known.set(inode, pid);
        }
        return ok({ sockets: socketObservation(kept, known, null) }, env.now());
      } catch (error) {
        return failed(`sockets: ${(error as Error).message}`);
      }
    },
  };
}

export const SOCKETS_COLLECTOR: CollectorDefinition = {
  id: 'proc-net-tcp',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['sockets'],
  defaultEnabled: true,
  description: 'Listening ports per pid and connections per local port from /proc/net/tcp{,6} and fd links',
  create: createSocketsCollector,
};
