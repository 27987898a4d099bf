import type { RequestCounts, ServiceActivity } from '../contract/index.js';
import type { Connection } from '../collectors/types.js';

export const REQUEST_WINDOW_MS = 5 * 60_000;
/** IdleWatt's own requests not yet matched to a connection, per port: enough for a few missed ticks. */
const MAX_SELF_BUDGET = 3;
/** How long a service seen polling another stays its suspected sender of ownerless requests. */
export const KNOWN_CLIENT_MS = REQUEST_WINDOW_MS;

export const SELF_CLIENT_ID = 'idlewatt';

export interface TrafficInput {
  at: number;
  connections: readonly Connection[];
  /** The socket source reports byte counters (sock_diag, ss, pcblist); otherwise bytes are unknown. */
  countsBytes: boolean;
  /** Service port → service id. */
  serviceByPort: ReadonlyMap<number, string>;
  /** Pid → service id, for every process of a running service. */
  serviceByPid: ReadonlyMap<number, string>;
  selfPid: number;
  /** Requests IdleWatt itself made since the previous update, by port (its Ollama probe). */
  selfRequests: ReadonlyMap<number, number>;
}

/** The sample's activity figures as the tracker keeps them (Ollama's inferences come from its probe). */
export interface ServiceTraffic extends Omit<ServiceActivity, 'internalClients' | 'inferenceCount5m'> {
  /** Requests this tick. */
  requests: RequestCounts;
  /** Internal client id (service id or `idlewatt`) → its requests in the last 5 minutes. */
  internalClients: Map<string, ClientRequests>;
}

export interface ClientRequests {
  count: number;
  firstAt: number;
  lastAt: number;
}

type ClientClass = { kind: 'user' } | { kind: 'internal'; clientId: string };

interface Flow {
  serviceId: string;
  client: ClientClass;
  /** Whether the client was identified by its socket's owner (not guessed). */
  owned: boolean;
  bytesIn: number | null;
  bytesOut: number | null;
  established: boolean;
}

interface Ends {
  servicePort: number;
  clientAddress: string;
  server?: Connection;
  client?: Connection;
}

interface RequestEvent {
  at: number;
  serviceId: string;
  client: ClientClass;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/**
 * Requests per service from TCP connections, told apart by who sent them.
 *
 * Each connection is a flow keyed by (service port, client address, client port), so its server
 * end (local port = service port) and, on loopback, its client end (remote port = service port)
 * are one flow. A flow not seen on the previous update is a new connection: one request. An open
 * flow whose inbound byte counter grew is one more request (at most one per tick). The client is
 * the owner of the client end: a monitored service or IdleWatt itself makes it internal, anyone
 * else a user. A client end seen only in TIME_WAIT has no owner: it is matched against IdleWatt's
 * own probes first, then against a monitored service seen polling this one lately (see guess), and
 * the rest count as users' — a person's curl closes first too.
 * The first update is a baseline: open connections then are not requests.
 */
export class TrafficTracker {
  private flows = new Map<string, Flow>();
  private baselined = false;
  private readonly selfBudget = new Map<number, number>();
  private events: RequestEvent[] = [];
  private readonly lastRequestAt = new Map<string, { user: number | null; internal: number | null }>();
  /** Service id → monitored services seen closing a connection to it, and when last. */
  private readonly knownClients = new Map<string, Map<string, number>>();

  /**
   * Keeps the events in (from, to]. Each tick adds its requests at its own time after this runs, so
   * the list is in time order unless the clock went back; the old ones are then at the front.
   */
  private forgetEventsOutside(from: number, to: number): void {
    const events = this.events;
    if (events.length > 0 && events[events.length - 1]!.at > to) {
      this.events = events.filter((e) => e.at > from && e.at <= to); // the clock went back
      return;
    }
    let expired = 0;
    while (expired < events.length && events[expired]!.at <= from) expired++;
    if (expired > 0) events.splice(0, expired);
  }

  update(input: TrafficInput): Map<string, ServiceTraffic> {
    for (const [port, count] of input.selfRequests) {
      this.selfBudget.set(port, Math.min(MAX_SELF_BUDGET, (this.selfBudget.get(port) ?? 0) + count));
    }
    const result = new Map<string, ServiceTraffic>();
    const traffic = (id: string): ServiceTraffic => {
      let t = result.get(id);
      if (!t) {
        t = {
          requests: { user: 0, internal: 0 },
          connectionsOpened: { user: 0, internal: 0 },
          activeConnections: 0,
          bytesIn: this.baselined && input.countsBytes ? 0 : null,
          bytesOut: this.baselined && input.countsBytes ? 0 : null,
          requestCount5m: { user: 0, internal: 0 },
          lastUserRequestAt: null,
          lastInternalRequestAt: null,
          internalClients: new Map(),
        };
        result.set(id, t);
      }
      return t;
    };
    for (const id of new Set(input.serviceByPort.values())) traffic(id);

    // Before this tick's requests are added, so the kept ones are in time order (see below).
    this.forgetEventsOutside(input.at - REQUEST_WINDOW_MS, input.at);
    const flows = groupEnds(input.connections, input.serviceByPort);
    this.noteShortPollers(flows, input.at);
    // Flows whose client is known by its owner go first, so they take their share of IdleWatt's
    // own requests before an ownerless flow could be mistaken for one.
    const ordered = [...flows].sort(
      ([, a], [, b]) => Number(ownerOf(b) !== null) - Number(ownerOf(a) !== null),
    );
    const next = new Map<string, Flow>();
    for (const [key, ends] of ordered) {
      const serviceId = input.serviceByPort.get(ends.servicePort)!;
      const before = this.flows.get(key);
      const identified = identify(ends, input);
      const isNew = before === undefined;
      const counters = countersOf(ends);
      let deltaIn: number | null = null;
      let deltaOut: number | null = null;
      if (counters) {
        const reset = before?.bytesIn != null && counters.bytesIn < before.bytesIn;
        if (before && before.bytesIn !== null && !reset) {
          deltaIn = counters.bytesIn - before.bytesIn;
          deltaOut = Math.max(0, counters.bytesOut - (before.bytesOut ?? 0));
        } else if (this.baselined && (before === undefined || reset)) {
          // A new connection's bytes are all this tick's. One seen before without counters (the
          // last tick's source had none) only gets its baseline: its lifetime is no request.
          deltaIn = counters.bytesIn;
          deltaOut = counters.bytesOut;
        }
      }
      const request = this.baselined && (isNew || (deltaIn !== null && deltaIn > 0));
      let client: ClientClass;
      let owned: boolean;
      if (identified) {
        client = identified;
        owned = true;
      } else if (before) {
        client = before.client;
        owned = before.owned;
      } else {
        client = request ? this.guess(ends, serviceId, input.at) : { kind: 'user' };
        owned = false;
      }
      if (request && owned && client.kind === 'internal' && client.clientId === SELF_CLIENT_ID) {
        this.spendSelf(ends.servicePort);
      }
      const state = (ends.server ?? ends.client)!.state;
      next.set(key, {
        serviceId,
        client,
        owned,
        bytesIn: counters?.bytesIn ?? null,
        bytesOut: counters?.bytesOut ?? null,
        established: state === 'ESTABLISHED',
      });

      const t = traffic(serviceId);
      if (state === 'ESTABLISHED') t.activeConnections += 1;
      if (t.bytesIn !== null && deltaIn !== null) t.bytesIn += deltaIn;
      if (t.bytesOut !== null && deltaOut !== null) t.bytesOut += deltaOut;
      if (request) {
        const kind = client.kind;
        t.requests[kind] += 1;
        if (isNew) t.connectionsOpened[kind] += 1;
        this.events.push({ at: input.at, serviceId, client });
      }
    }
    this.flows = next;
    this.baselined = true;

    for (const e of this.events) {
      const t = result.get(e.serviceId);
      if (!t) continue; // a service no longer configured
      t.requestCount5m[e.client.kind] += 1;
      if (e.client.kind === 'internal') {
        const seen = t.internalClients.get(e.client.clientId);
        if (seen) {
          seen.count += 1;
          seen.lastAt = e.at;
        } else {
          t.internalClients.set(e.client.clientId, { count: 1, firstAt: e.at, lastAt: e.at });
        }
      }
    }
    for (const [id, t] of result) {
      const last = this.lastRequestAt.get(id) ?? { user: null, internal: null };
      if (t.requests.user > 0) last.user = input.at;
      if (t.requests.internal > 0) last.internal = input.at;
      this.lastRequestAt.set(id, last);
      t.lastUserRequestAt = last.user;
      t.lastInternalRequestAt = last.internal;
    }
    return result;
  }

  /**
   * An ownerless request on loopback (its client closed before the tick: only TIME_WAIT is left):
   * IdleWatt's own while its probes are unaccounted for; else, when a monitored service was seen
   * closing a connection to this service within KNOWN_CLIENT_MS, that service's (the one seen last):
   * a poller that opens a new connection per request is caught mid-request now and then, and its
   * other requests leave only such rows. Otherwise a user's. So while such a poller runs, a person's
   * request whose client closed before the tick is counted as the poller's; a browser's are owned.
   */
  private guess(ends: Ends, serviceId: string, at: number): ClientClass {
    const loopback = LOOPBACK.test(ends.clientAddress) || ends.client !== undefined;
    if (!loopback) return { kind: 'user' };
    if (this.spendSelf(ends.servicePort)) return { kind: 'internal', clientId: SELF_CLIENT_ID };
    let suspect: string | null = null;
    let seenAt = -Infinity;
    for (const [clientId, lastSeen] of this.knownClients.get(serviceId) ?? []) {
      if (lastSeen > at - KNOWN_CLIENT_MS && lastSeen > seenAt) {
        suspect = clientId;
        seenAt = lastSeen;
      }
    }
    return suspect !== null ? { kind: 'internal', clientId: suspect } : { kind: 'user' };
  }

  /**
   * A monitored service's connection, known by its owner, that closed since the previous tick makes
   * that service a suspected sender of this service's ownerless requests (see guess). A kept-alive
   * poller's connection stays open, so it never becomes one.
   */
  private noteShortPollers(current: ReadonlyMap<string, Ends>, at: number): void {
    for (const [key, flow] of this.flows) {
      if (!flow.owned || !flow.established || flow.client.kind !== 'internal') continue;
      const ends = current.get(key);
      const open = ends !== undefined && (ends.server ?? ends.client)!.state === 'ESTABLISHED';
      if (flow.client.clientId === SELF_CLIENT_ID || open) continue;
      const known = this.knownClients.get(flow.serviceId) ?? new Map<string, number>();
      known.set(flow.client.clientId, at);
      this.knownClients.set(flow.serviceId, known);
    }
  }

  private spendSelf(port: number): boolean {
    const budget = this.selfBudget.get(port) ?? 0;
    if (budget <= 0) return false;
    this.selfBudget.set(port, budget - 1);
    return true;
  }
}

function groupEnds(
  connections: readonly Connection[],
  serviceByPort: ReadonlyMap<number, string>,
): Map<string, Ends> {
  const flows = new Map<string, Ends>();
  const at = (servicePort: number, clientAddress: string, clientPort: number): Ends => {
    const key = `${servicePort}|${clientAddress}|${clientPort}`;
    let ends = flows.get(key);
    if (!ends) {
      ends = { servicePort, clientAddress };
      flows.set(key, ends);
    }
    return ends;
  };
  for (const c of connections) {
    if (c.state === 'LISTEN' || c.remotePort === 0) continue;
    if (serviceByPort.has(c.localPort)) {
      at(c.localPort, c.remoteAddress, c.remotePort).server = c;
    } else if (serviceByPort.has(c.remotePort)) {
      at(c.remotePort, c.localAddress ?? '?', c.localPort).client = c;
    }
  }
  return flows;
}

function ownerOf(ends: Ends): number | null {
  return ends.client?.pid ?? null;
}

/** The client by its socket's owner; null when the owner is unknown. */
function identify(ends: Ends, input: TrafficInput): ClientClass | null {
  const pid = ownerOf(ends);
  if (pid !== null) {
    if (pid === input.selfPid) return { kind: 'internal', clientId: SELF_CLIENT_ID };
    const service = input.serviceByPid.get(pid);
    return service !== undefined ? { kind: 'internal', clientId: service } : { kind: 'user' };
  }
  // A live client end whose owner is none of the pids searched (services, IdleWatt): someone else,
  // unless it closed before its owner could be looked up (then it is as ownerless as TIME_WAIT).
  if (ends.client && ends.client.state !== 'TIME_WAIT' && !ends.client.ownerGone) return { kind: 'user' };
  return null;
}

/** Bytes in and out of the service on this flow: its server end's counters, else the client end's turned round. */
function countersOf(ends: Ends): { bytesIn: number; bytesOut: number } | null {
  const server = ends.server;
  if (server?.bytesReceived !== undefined && server.bytesSent !== undefined) {
    return { bytesIn: server.bytesReceived, bytesOut: server.bytesSent };
  }
  const client = ends.client;
  if (!server && client?.bytesReceived !== undefined && client.bytesSent !== undefined) {
    return { bytesIn: client.bytesSent, bytesOut: client.bytesReceived };
  }
  return null;
}
