import { join } from 'node:path';
import { listDirSync, readLinkSync } from './read-files.js';

const SOCKET_LINK_PREFIX = 'socket:[';
const PID = /^\d+$/;
/** Sockets no readable process held are searched again in every process at least this often. */
const FULL_WALK_MS = 10 * 60_000;

/** The socket inodes among a process's open descriptors, or null when its fd/ is unreadable or gone. */
export function socketInodesOf(procRoot: string, pid: number): number[] | null {
  const fdDir = join(procRoot, String(pid), 'fd');
  const fds = listDirSync(fdDir);
  if (!fds.ok) return null;
  const inodes: number[] = [];
  for (const fd of fds.names) {
    const link = readLinkSync(join(fdDir, fd));
    if (link === null || !link.startsWith(SOCKET_LINK_PREFIX) || !link.endsWith(']')) continue;
    const inode = Number(link.slice(SOCKET_LINK_PREFIX.length, -1));
    if (Number.isSafeInteger(inode)) inodes.push(inode);
  }
  return inodes;
}

/** A set of pids as text that is equal for equal sets, whatever their order. */
function pidSetKey(pids: ReadonlySet<number>): string {
  return [...pids].sort((a, b) => a - b).join(',');
}

function listPids(procRoot: string): number[] {
  const listing = listDirSync(procRoot);
  return listing.ok ? listing.names.filter((n) => PID.test(n)).map(Number) : [];
}

/**
 * Finds the pids owning socket inodes through /proc/[pid]/fd links: reads those of the processes in
 * `order` until every `wanted` inode is found; owners of `alsoNoted` inodes met on the way are noted
 * too, without keeping the walk going for them. `complete`: every process in `order` was read.
 * Other users' fd/ are unreadable without privileges: their sockets stay unattributed.
 */
function walkFdLinks(
  procRoot: string,
  wanted: ReadonlySet<number>,
  alsoNoted: ReadonlySet<number>,
  order: Iterable<number>,
): { owners: Map<number, number>; complete: boolean } {
  const owners = new Map<number, number>();
  let foundWanted = 0;
  if (wanted.size === 0) return { owners, complete: false };
  for (const pid of new Set(order)) {
    for (const inode of socketInodesOf(procRoot, pid) ?? []) {
      if (owners.has(inode)) continue;
      if (wanted.has(inode)) {
        owners.set(inode, pid);
        foundWanted++;
      } else if (alsoNoted.has(inode)) owners.set(inode, pid);
    }
    if (foundWanted === wanted.size) return { owners, complete: false };
  }
  return { owners, complete: true };
}

export interface OwnerQuery {
  /** Listeners and server ends of this tick's sockets: their owner may be any process. */
  serverInodes: ReadonlySet<number>;
  /** Client ends of service connections: searched among `clientPids` only. */
  clientInodes: ReadonlySet<number>;
  watchPids: ReadonlySet<number>;
  clientPids: ReadonlySet<number>;
  slow: boolean;
  /** Every socket the kernel has now, when this tick's read saw them all (else null). */
  liveInodes: ReadonlySet<number> | null;
}

/**
 * Socket owners, remembered between ticks: walking every process's fd links is the costly part of a
 * socket read (a readlink per descriptor of every process), while owners rarely change. A socket
 * inode is unique while the socket lives, so an owner found once stands until:
 * - the socket is gone (pruned whenever a read saw every socket);
 * - the slow tick re-reads each remembered owner's own fd links and finds it no longer holds the
 *   socket (it exited, or handed the socket on and closed its copy): the socket is searched again;
 *   one that a watched pid holds too goes to that pid, as a fresh search would have it.
 * A server-side socket no readable process held (another user's, another pid namespace's) is not
 * searched in every process again on each slow tick: only in processes that appeared since the last
 * walk (a socket passes on by fork, to a new pid), and in every process every FULL_WALK_MS. Client
 * ends are searched among the client pids only, again when those change or on the slow tick.
 */
export class SocketOwnerCache {
  private readonly known = new Map<number, number>();
  private readonly unownedServer = new Set<number>();
  private readonly unownedClient = new Set<number>();
  /** Remembered owners that are client ends (their preferred owners are the client pids). */
  private readonly clientEnds = new Set<number>();
  /** The pids listed at the last walk of every process for the unowned server-side sockets. */
  private walked = new Set<number>();
  private lastFullWalkAt: number | null = null;
  private clientPidsKey = '';
  /** The watched and client pids the remembered owners were last preferred among. */
  private preferredKey = '';

  constructor(
    private readonly procRoot: string,
    private readonly now: () => number,
  ) {}

  /** Owners of this tick's sockets, and the client ends searched for the first time and not found. */
  resolve(query: OwnerQuery): { owners: ReadonlyMap<number, number>; unfoundClients: number[] } {
    if (query.liveInodes) this.prune(query.liveInodes);
    const key = pidSetKey(query.clientPids);
    if (query.slow || key !== this.clientPidsKey) this.unownedClient.clear();
    this.clientPidsKey = key;
    if (query.slow) this.verifyKnown(query.watchPids, query.clientPids);

    // /proc is listed at most once a tick, by whichever walk needs it first.
    let listed: number[] | null = null;
    const pidsNow = () => (listed ??= listPids(this.procRoot));
    const newServer = [...query.serverInodes].filter(
      (i) => i !== 0 && !this.known.has(i) && !this.unownedServer.has(i),
    );
    if (newServer.length > 0) {
      this.walk(new Set(newServer), new Set(this.unownedServer), [...query.watchPids, ...pidsNow()]);
    }
    // Not `else`: a walk for a new socket stops once it is found, so it may not have read the new
    // processes, and a busy service brings a new socket on most slow ticks.
    if (query.slow && this.unownedServer.size > 0) {
      const at = this.now();
      const due =
        this.lastFullWalkAt === null || at < this.lastFullWalkAt || at - this.lastFullWalkAt >= FULL_WALK_MS;
      const pids = pidsNow();
      this.walk(
        new Set(this.unownedServer),
        new Set(),
        due ? pids : pids.filter((pid) => !this.walked.has(pid)),
        due,
      );
      this.walked = new Set(pids);
    }

    const newClient = [...query.clientInodes].filter(
      (i) => i !== 0 && !this.known.has(i) && !this.unownedClient.has(i),
    );
    const found = walkFdLinks(this.procRoot, new Set(newClient), new Set(), query.clientPids).owners;
    const unfoundClients: number[] = [];
    for (const inode of newClient) {
      const pid = found.get(inode);
      if (pid === undefined) {
        this.unownedClient.add(inode);
        unfoundClients.push(inode);
      } else {
        this.known.set(inode, pid);
        this.clientEnds.add(inode);
      }
    }
    return { owners: this.known, unfoundClients };
  }

  /**
   * Searches `order` for the server-side sockets `wanted`, noting owners of the `alsoNoted` ones met
   * on the way. A walk that read every process also searched it for every still-unowned socket.
   */
  private walk(
    wanted: ReadonlySet<number>,
    alsoNoted: ReadonlySet<number>,
    order: readonly number[],
    everyProcess = true,
  ): void {
    const { owners, complete } = walkFdLinks(this.procRoot, wanted, alsoNoted, order);
    for (const [inode, pid] of owners) {
      this.unownedServer.delete(inode);
      this.known.set(inode, pid);
    }
    for (const inode of wanted) if (!owners.has(inode)) this.unownedServer.add(inode);
    if (complete && everyProcess) {
      this.walked = new Set(order);
      this.lastFullWalkAt = this.now();
    }
  }

  /**
   * Re-reads each remembered owner's fd links: a socket it no longer holds is searched again. A
   * socket held by several processes goes to a watched one (client pids for client ends) that holds
   * it, as a fresh search would find it first.
   */
  private verifyKnown(watchPids: ReadonlySet<number>, clientPids: ReadonlySet<number>): void {
    // Owners were found watched-first; preferring again matters only once the watched pids changed.
    const key = `${pidSetKey(watchPids)}|${this.clientPidsKey}`;
    const prefer = key !== this.preferredKey;
    this.preferredKey = key;
    const held = new Map<number, ReadonlySet<number>>();
    const holdings = (pid: number): ReadonlySet<number> => {
      let inodes = held.get(pid);
      if (!inodes) held.set(pid, (inodes = new Set(socketInodesOf(this.procRoot, pid) ?? [])));
      return inodes;
    };
    for (const [inode, pid] of this.known) {
      if (!holdings(pid).has(inode)) {
        this.forget(inode);
        continue;
      }
      const preferred = this.clientEnds.has(inode) ? clientPids : watchPids;
      if (!prefer || preferred.has(pid)) continue;
      for (const candidate of preferred) {
        if (holdings(candidate).has(inode)) {
          this.known.set(inode, candidate);
          break;
        }
      }
    }
  }

  private forget(inode: number): void {
    this.known.delete(inode);
    this.clientEnds.delete(inode);
  }

  private prune(live: ReadonlySet<number>): void {
    for (const inode of this.known.keys()) if (!live.has(inode)) this.forget(inode);
    for (const inode of this.unownedServer) if (!live.has(inode)) this.unownedServer.delete(inode);
    for (const inode of this.unownedClient) if (!live.has(inode)) this.unownedClient.delete(inode);
  }
}
