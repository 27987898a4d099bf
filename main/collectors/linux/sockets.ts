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
import {
  encodeDiagRequest,
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  type DiagRequestOptions,
  type DiagSocket,
} from './inet-diag.js';
import { readTextSync } from './read-files.js';
import { SocketOwnerCache } from './socket-owners.js';
import { openSockDiag, type SockDiagChannel } from './sock-diag-channel.js';
import { parseSs, ssArgs } from './ss.js';

/** One TCP socket, from /proc/net/tcp{,6}, sock_diag or ss (the last two add tcp_info byte counters). */
export type TcpEntry = DiagSocket;

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

/**
 * Listening ports and connections with their owning pids. `ports`, when given, limits listeners
 * to those local ports and connections to those touching one of them at either end (a client's
 * end has the service port as its remote port); connections without a peer are left out.
 */
export function socketObservation(
  entries: readonly TcpEntry[],
  owners: ReadonlyMap<number, number>,
  ports: ReadonlySet<number> | null,
  ownerGone: ReadonlySet<number> = new Set(),
): SocketObservation {
  const listening: ListeningSocket[] = [];
  const connections: Connection[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const pid = e.inode !== 0 ? (owners.get(e.inode) ?? null) : null;
    if (e.state === 'LISTEN') {
      if (ports && !ports.has(e.localPort)) continue;
      const key = `${e.localPort}/${pid}`;
      if (!seen.has(key)) listening.push({ port: e.localPort, pid });
      seen.add(key);
    } else if (e.remotePort !== 0 && (!ports || ports.has(e.localPort) || ports.has(e.remotePort))) {
      const connection: Connection = {
        localAddress: e.localAddress,
        localPort: e.localPort,
        remoteAddress: e.remoteAddress,
        remotePort: e.remotePort,
        state: e.state,
        pid,
      };
      if (e.bytesReceived !== undefined) connection.bytesReceived = e.bytesReceived;
      if (e.bytesSent !== undefined) connection.bytesSent = e.bytesSent;
      if (pid === null && ownerGone.has(e.inode)) connection.ownerGone = true;
      connections.push(connection);
    }
  }
  return { listening, connections };
}

export type SocketReaderName = 'sock-diag' | 'ss' | 'proc-net-tcp';
const ALL_READERS: readonly SocketReaderName[] = ['sock-diag', 'ss', 'proc-net-tcp'];

type EntriesRead = { ok: true; source: string; entries: TcpEntry[] } | { ok: false; error: string };

/**
 * Reads TCP sockets through the best reader this machine allows: the kernel's sock_diag netlink
 * interface (filtered to the service ports in the kernel, with tcp_info byte counters), then
 * `ss` (the same interface through iproute2), then /proc/net/tcp{,6} (every socket, walked by the
 * kernel on each read, no byte counters). The first two read the live kernel, so they are used
 * only when procRoot is the real /proc.
 */
class TcpSocketReader {
  private channel: SockDiagChannel | null = null;
  private sequence = 1;
  /** Encoded requests by what they ask, reused with a new sequence number (the port filter rarely changes). */
  private readonly encoded = new Map<string, Buffer>();
  /** Why a reader is not used, until the next slow tick tries it again. */
  private readonly unusable = new Map<SocketReaderName, string>();
  /** Whether the kernel refused the one-dump-for-both-families request (until the next slow tick). */
  private perFamily = false;

  constructor(
    private readonly env: CollectorEnv,
    private readonly readers: readonly SocketReaderName[],
    private readonly openChannel: () => Promise<SockDiagChannel | string>,
    liveKernel: boolean,
  ) {
    if (!liveKernel) this.unusable.set('sock-diag', `procRoot ${env.procRoot} is not the live /proc`);
    if (env.procRoot !== '/proc') this.unusable.set('ss', `procRoot ${env.procRoot} is not the live /proc`);
  }

  /** `ports` null: every connection; listeners are always all read on slow ticks. */
  async read(ports: readonly number[] | null, slow: boolean): Promise<EntriesRead> {
    if (slow && this.env.procRoot === '/proc') this.unusable.clear();
    if (slow) this.perFamily = false;
    if (this.readers.includes('sock-diag') && !this.unusable.has('sock-diag')) {
      let read = this.perFamily ? null : await this.readSockDiag(ports, slow, [AF_UNSPEC]);
      if (!read?.ok) {
        // Kernels without the older TCPDIAG_GETSOCK request: one dump per family.
        this.perFamily = true;
        read = await this.readSockDiag(ports, slow, [AF_INET, AF_INET6]);
      }
      if (read.ok) return read;
      this.unusable.set('sock-diag', read.error);
    }
    if (this.readers.includes('ss') && !this.unusable.has('ss')) {
      const read = await this.readSs(ports, slow);
      if (read.ok) return read;
      this.unusable.set('ss', read.error);
    }
    return this.readProc();
  }

  private async readSockDiag(
    ports: readonly number[] | null,
    slow: boolean,
    families: readonly (typeof AF_UNSPEC | typeof AF_INET | typeof AF_INET6)[],
  ): Promise<EntriesRead> {
    if (!this.channel) {
      const opened = await this.openChannel();
      if (typeof opened === 'string') return { ok: false, error: opened };
      this.channel = opened;
    }
    const entries: TcpEntry[] = [];
    const requests: {
      family: (typeof families)[number];
      ports: readonly number[];
      listenersOnly: boolean;
    }[] = [];
    for (const family of families) {
      if (slow && ports) requests.push({ family, ports: [], listenersOnly: true });
      requests.push({ family, ports: ports ?? [], listenersOnly: false });
    }
    for (const r of requests) {
      const sequence = this.sequence++;
      const outcome = this.channel.dump(this.request(r, sequence), sequence);
      if (!outcome.ok) {
        this.channel.close(); // a half-read dump would make the next request EBUSY
        this.channel = null;
        return { ok: false, error: outcome.error };
      }
      entries.push(
        ...(r.listenersOnly
          ? outcome.sockets
          : outcome.sockets.filter((s) => !(slow && ports && s.state === 'LISTEN'))),
      );
    }
    return { ok: true, source: 'sock-diag', entries };
  }

  private request(options: Omit<DiagRequestOptions, 'sequence'>, sequence: number): Buffer {
    const key = `${options.family}/${options.listenersOnly ? 'listen' : 'all'}/${options.ports.join(',')}`;
    let request = this.encoded.get(key);
    if (!request) {
      if (this.encoded.size >= 16) this.encoded.clear(); // services edited many times: start over
      request = encodeDiagRequest({ ...options, sequence });
      this.encoded.set(key, request);
    }
    request.writeUInt32LE(sequence >>> 0, 8); // nlmsg_seq
    return request;
  }

  private async readSs(ports: readonly number[] | null, slow: boolean): Promise<EntriesRead> {
    const entries: TcpEntry[] = [];
    const runs = slow && ports ? [['-tlnHOe'], ssArgs(ports)] : [ssArgs(ports ?? [])];
    for (const args of runs) {
      const result = await this.env.exec('ss', args, { timeoutMs: 2000 });
      if (result.failure) return { ok: false, error: `ss: ${result.failure}` };
      if (result.exitCode !== 0)
        return { ok: false, error: `ss exited ${result.exitCode}: ${result.stderr.trim().slice(0, 200)}` };
      const parsed = parseSs(result.stdout);
      if (!parsed.ok) return { ok: false, error: `ss: ${parsed.error}` };
      entries.push(
        ...(runs.length > 1 && args === runs[1]
          ? parsed.value.filter((s) => s.state !== 'LISTEN')
          : parsed.value),
      );
    }
    return { ok: true, source: 'ss', entries };
  }

  private readProc(): EntriesRead {
    const entries: TcpEntry[] = [];
    let readable = 0;
    for (const file of ['tcp', 'tcp6']) {
      const read = readTextSync(join(this.env.procRoot, 'net', file));
      if (!read.ok) continue;
      readable += 1;
      entries.push(...parseProcNetTcp(read.text));
    }
    if (readable === 0) return { ok: false, error: 'no /proc/net/tcp or tcp6' };
    return { ok: true, source: 'proc-net-tcp', entries };
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
  }
}

/**
 * TCP sockets of the service ports (every listener on slow ticks) with their owners, remembered
 * between ticks by SocketOwnerCache. Server ends and listeners are searched in every process;
 * client ends only among `clientPids`.
 */
export function createSocketsCollector(
  env: CollectorEnv,
  options: {
    readers?: readonly SocketReaderName[];
    /** A stand-in for the kernel's netlink socket (tests); its answers then count as live. */
    openSockDiag?: () => Promise<SockDiagChannel | string>;
  } = {},
): CollectorInstance {
  const reader = new TcpSocketReader(
    env,
    options.readers ?? ALL_READERS,
    options.openSockDiag ?? openSockDiag,
    options.openSockDiag !== undefined || env.procRoot === '/proc',
  );
  const owners = new SocketOwnerCache(env.procRoot, env.now);
  return {
    async collect(request: CollectRequest) {
      try {
        // Between slow ticks only service ports matter; the slow tick discovers new listeners.
        const ports = request.servicePorts.size === 0 ? null : request.servicePorts;
        const read = await reader.read(ports ? [...ports] : null, request.slow);
        if (!read.ok) return absent('not-present', read.error);
        const entries = read.entries;
        const kept = entries.filter(
          (e) =>
            (e.state === 'LISTEN' && (request.slow || !ports || ports.has(e.localPort))) ||
            (e.state !== 'LISTEN' && (!ports || ports.has(e.localPort) || ports.has(e.remotePort))),
        );
        const isClientEnd = (e: TcpEntry) =>
          ports !== null && e.state !== 'LISTEN' && !ports.has(e.localPort);
        const resolved = owners.resolve({
          serverInodes: new Set(kept.filter((e) => !isClientEnd(e)).map((e) => e.inode)),
          clientInodes: new Set(kept.filter(isClientEnd).map((e) => e.inode)),
          watchPids: request.watchPids,
          clientPids: request.clientPids ?? request.watchPids,
          slow: request.slow,
          // A slow tick's read has every listener and every service connection: the sockets owners are kept for.
          liveInodes: request.slow || !ports ? new Set(entries.map((e) => e.inode)) : null,
        });
        const ownerGone = await closedSince(reader, ports, resolved.unfoundClients);
        const observation = socketObservation(kept, resolved.owners, null, ownerGone);
        return ok({ sockets: { ...observation, source: read.source } }, env.now());
      } catch (error) {
        return failed(`sockets: ${(error as Error).message}`);
      }
    },
    async close() {
      reader.close();
    },
  };
}

/**
 * Client ends whose owner was not found among the searched pids may simply have closed between the
 * dump and the search (a poller's short request): a second dump tells those apart from sockets that
 * are still open and held by someone else (a user's client).
 */
async function closedSince(
  reader: TcpSocketReader,
  ports: ReadonlySet<number> | null,
  unfound: readonly number[],
): Promise<Set<number>> {
  if (unfound.length === 0) return new Set();
  const again = await reader.read(ports ? [...ports] : null, false);
  if (!again.ok) return new Set();
  const open = new Set(again.entries.map((e) => e.inode));
  return new Set(unfound.filter((inode) => !open.has(inode)));
}

export const SOCKETS_COLLECTOR: CollectorDefinition = {
  id: 'tcp-sockets',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['sockets'],
  defaultEnabled: true,
  description:
    'Listening ports per pid, connections on service ports with byte counters: sock_diag netlink, else ss, else /proc/net/tcp{,6}; owners from fd links',
  create: (env) => createSocketsCollector(env),
};
