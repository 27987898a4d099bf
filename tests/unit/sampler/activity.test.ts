import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeDiagChunk } from '../../../main/collectors/linux/inet-diag.js';
import { socketObservation } from '../../../main/collectors/linux/sockets.js';
import type { Connection } from '../../../main/collectors/types.js';
import {
  KNOWN_CLIENT_MS,
  REQUEST_WINDOW_MS,
  TrafficTracker,
  type TrafficInput,
} from '../../../main/sampler/activity.js';
import { FIXTURES } from '../../helpers.js';
import { OllamaInferenceCounter } from '../../../main/sampler/ollama-inferences.js';

const SELF = 9000;
const base = (at: number, connections: Connection[], extra: Partial<TrafficInput> = {}): TrafficInput => ({
  at,
  connections,
  countsBytes: true,
  serviceByPort: new Map([
    [3000, 'next'],
    [8766, 'console'],
    [11434, 'ollama'],
  ]),
  serviceByPid: new Map([
    [100, 'next'],
    [200, 'console'],
    [300, 'ollama'],
  ]),
  selfPid: SELF,
  selfRequests: new Map(),
  ...extra,
});

/** Both loopback ends of one connection from clientPort to servicePort. */
function pair(
  servicePort: number,
  clientPort: number,
  clientPid: number | null,
  bytesIn?: number,
  bytesOut?: number,
  state: Connection['state'] = 'ESTABLISHED',
): Connection[] {
  const counters = bytesIn === undefined ? {} : { bytesReceived: bytesIn, bytesSent: bytesOut ?? 0 };
  const server: Connection = {
    localAddress: '127.0.0.1',
    localPort: servicePort,
    remoteAddress: '127.0.0.1',
    remotePort: clientPort,
    state,
    pid: 1,
    ...counters,
  };
  const client: Connection = {
    localAddress: '127.0.0.1',
    localPort: clientPort,
    remoteAddress: '127.0.0.1',
    remotePort: servicePort,
    state,
    pid: clientPid,
  };
  return [server, client];
}

const timeWait = (servicePort: number, clientPort: number): Connection => ({
  localAddress: '127.0.0.1',
  localPort: clientPort,
  remoteAddress: '127.0.0.1',
  remotePort: servicePort,
  state: 'TIME_WAIT',
  pid: null,
});

test('keep-alive traffic: each tick with bytes in is a request; an open silent connection is not', () => {
  const t = new TrafficTracker();
  const first = t.update(base(0, pair(3000, 50000, 4242, 100, 2000))).get('next')!;
  assert.equal(first.bytesIn, null, 'the first update is a baseline');
  assert.deepEqual(first.requests, { user: 0, internal: 0 });
  assert.equal(first.activeConnections, 1);
  const busy = t.update(base(2000, pair(3000, 50000, 4242, 350, 9000))).get('next')!;
  assert.deepEqual(busy.requests, { user: 1, internal: 0 }, 'a browser (pid 4242) is a user');
  assert.deepEqual(busy.connectionsOpened, { user: 0, internal: 0 });
  assert.equal(busy.bytesIn, 250);
  assert.equal(busy.bytesOut, 7000);
  const silent = t.update(base(4000, pair(3000, 50000, 4242, 350, 9000))).get('next')!;
  assert.deepEqual(silent.requests, { user: 0, internal: 0 }, 'open but silent (an idle WebSocket)');
  assert.equal(silent.bytesIn, 0);
  assert.equal(silent.lastUserRequestAt, 2000);
  assert.deepEqual(silent.requestCount5m, { user: 1, internal: 0 });
});

test('a tick from a source without counters (netstat standing in) re-baselines open connections: no request, no lifetime bytes', () => {
  const t = new TrafficTracker();
  t.update(base(0, pair(3000, 50000, 4242, 100, 2000)));
  t.update(base(2000, pair(3000, 50000, 4242, 100, 2000)));
  const fallback = t.update(base(4000, pair(3000, 50000, 4242), { countsBytes: false })).get('next')!;
  assert.deepEqual(fallback.requests, { user: 0, internal: 0 });
  const back = t.update(base(6000, pair(3000, 50000, 4242, 5000, 90_000))).get('next')!;
  assert.deepEqual(
    back.requests,
    { user: 0, internal: 0 },
    'the counters are a baseline again, not a request',
  );
  assert.equal(back.bytesIn, 0);
  const next = t.update(base(8000, pair(3000, 50000, 4242, 5200, 90_100))).get('next')!;
  assert.deepEqual(next.requests, { user: 1, internal: 0 });
  assert.equal(next.bytesIn, 200);
});

test('a monitored service polling another is internal, named by service id; the count expires after 5 min', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  for (let i = 1; i <= 3; i++) t.update(base(i * 2000, pair(3000, 51000, 200, 100 * i, 1000 * i)));
  const next = t.update(base(8000, pair(3000, 51000, 200, 400, 4000))).get('next')!;
  assert.deepEqual(next.requestCount5m, { user: 0, internal: 4 });
  assert.deepEqual([...next.internalClients], [['console', { count: 4, firstAt: 2000, lastAt: 8000 }]]);
  assert.equal(next.lastUserRequestAt, null);
  assert.equal(next.lastInternalRequestAt, 8000);
  const later = t.update(base(8000 + 5 * 60_000, [])).get('next')!;
  assert.deepEqual(later.requestCount5m, { user: 0, internal: 0 });
  assert.equal(later.activeConnections, 0);
});

test('a client that closed first leaves only TIME_WAIT: a user’s request, unless IdleWatt’s own probe accounts for it', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  const curl = t.update(base(2000, [timeWait(8766, 52000)])).get('console')!;
  assert.deepEqual(curl.connectionsOpened, { user: 1, internal: 0 });
  assert.equal(curl.activeConnections, 0, 'TIME_WAIT is no open connection');
  const again = t.update(base(4000, [timeWait(8766, 52000)])).get('console')!;
  assert.deepEqual(again.requests, { user: 0, internal: 0 }, 'the same leftover is not a new request');

  const probe = t.update(base(6000, [timeWait(11434, 53000)], { selfRequests: new Map([[11434, 1]]) }));
  assert.deepEqual(probe.get('ollama')!.connectionsOpened, { user: 0, internal: 1 });
  assert.deepEqual(
    [...probe.get('ollama')!.internalClients],
    [['idlewatt', { count: 1, firstAt: 6000, lastAt: 6000 }]],
  );
  const user = t.update(base(8000, [timeWait(11434, 53001)])).get('ollama')!;
  assert.deepEqual(user.connectionsOpened, { user: 1, internal: 0 }, 'no probe left to account for it');
});

test('IdleWatt’s probe seen with its owner uses up its share, so a user’s ownerless request stays a user’s', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  const tick = t.update(
    base(2000, [...pair(11434, 54000, SELF, 90, 300), timeWait(11434, 54001)], {
      selfRequests: new Map([[11434, 1]]),
    }),
  );
  assert.deepEqual(tick.get('ollama')!.connectionsOpened, { user: 1, internal: 1 });
});

test('a remote client is a user; a live client end whose owner is no service is a user; no counters is unknown bytes', () => {
  const t = new TrafficTracker();
  t.update(base(0, [], { countsBytes: false }));
  const lan: Connection = {
    localAddress: '192.168.1.5',
    localPort: 3000,
    remoteAddress: '192.168.1.9',
    remotePort: 40000,
    state: 'ESTABLISHED',
    pid: 100,
  };
  const tick = t.update(
    base(2000, [lan, ...pair(8766, 55000, null)], { countsBytes: false, selfRequests: new Map([[3000, 1]]) }),
  );
  assert.deepEqual(
    tick.get('next')!.connectionsOpened,
    { user: 1, internal: 0 },
    'a LAN client is never IdleWatt',
  );
  assert.deepEqual(tick.get('console')!.connectionsOpened, { user: 1, internal: 0 });
  assert.equal(tick.get('next')!.bytesIn, null);
  assert.equal(tick.get('next')!.activeConnections, 1);
});

test('a counter that falls back (a reused 4-tuple) counts from zero, never negative', () => {
  const t = new TrafficTracker();
  t.update(base(0, pair(3000, 56000, 4242, 500, 500)));
  const reused = t.update(base(2000, pair(3000, 56000, 4242, 40, 80))).get('next')!;
  assert.equal(reused.bytesIn, 40);
  assert.equal(reused.bytesOut, 80);
});

test('Ollama inferences: expiry pushed forward or a new load counts once per probe; the first reading is a baseline', () => {
  const c = new OllamaInferenceCounter();
  const model = (name: string, expiresAt: number | null) => ({
    name,
    sizeBytes: 1,
    sizeVramBytes: 0,
    expiresAt,
  });
  assert.equal(c.update([model('llama3', 300_000)], 0), 0);
  assert.equal(c.update([model('llama3', 300_000)], 5000), 0, 'unchanged expiry: no request');
  assert.equal(c.latest, 0, 'nothing this tick');
  assert.equal(c.update([model('llama3', 310_000)], 10_000), 1, 'expiry refreshed');
  assert.equal(c.latest, 1, 'an inference this tick');
  assert.equal(c.update([model('llama3', 310_000), model('qwen', null)], 15_000), 2, 'a new load');
  assert.equal(c.update([model('llama3', 310_400), model('qwen', null)], 20_000), 2, 'sub-second jitter');
  assert.equal(c.latest, 0);
  assert.equal(c.update([], 25_000), 2, 'unloading is no inference');
  assert.equal(c.count(10_000 + 5 * 60_000), 1, 'the window slides');
});

/** The captured sock_diag dump: a keep-alive client end (44808), the client's TIME_WAIT end (44820), the server end. */
function capturedDump(owner: number): Connection[] {
  const entries = readFileSync(join(FIXTURES, 'sock-diag', 'loopback-port.hex'), 'utf8')
    .trim()
    .split('\n')
    .flatMap((line) => decodeDiagChunk(Buffer.from(line, 'hex')).sockets);
  const clientEnd = entries.find((e) => e.state === 'ESTABLISHED' && e.localPort === 44808)!;
  const serverEnd = entries.find((e) => e.state === 'ESTABLISHED' && e.localPort === CAPTURED_PORT)!;
  const owners = new Map([
    [clientEnd.inode, owner],
    [serverEnd.inode, 100],
  ]);
  return socketObservation(entries, owners, new Set([CAPTURED_PORT])).connections;
}
const CAPTURED_PORT = 33933;

test('captured sockets: client-side rows whose remote port is the service port are its requests; only ESTABLISHED is open', () => {
  const input = (at: number, connections: Connection[]) =>
    base(at, connections, { serviceByPort: new Map([[CAPTURED_PORT, 'next']]) });
  const t = new TrafficTracker();
  t.update(input(0, []));
  const user = t.update(input(2000, capturedDump(4242))).get('next')!;
  assert.deepEqual(
    user.connectionsOpened,
    { user: 2, internal: 0 },
    'the keep-alive connection and the one its client closed first (TIME_WAIT on the client side only)',
  );
  assert.equal(user.activeConnections, 1, 'the TIME_WAIT leftover is not an open connection');
  assert.equal(user.bytesIn, 33, 'the server end’s bytes_received');
  assert.equal(user.bytesOut, 40);

  const u = new TrafficTracker();
  u.update(input(0, []));
  const polled = u.update(input(2000, capturedDump(200))).get('next')!;
  assert.deepEqual(
    polled.connectionsOpened,
    { user: 1, internal: 1 },
    'the console (pid 200) owns the live client end',
  );
  assert.deepEqual([...polled.internalClients.keys()], ['console']);
});

test('a client end seen without its server end (ESTABLISHED or TIME_WAIT) is a request to the service it points at', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  const [, liveClient] = pair(8766, 57000, 4242, undefined, undefined);
  const [, closedClient] = pair(3000, 57001, null, undefined, undefined, 'TIME_WAIT');
  const tick = t.update(base(2000, [liveClient!, closedClient!]));
  assert.deepEqual(tick.get('console')!.requests, { user: 1, internal: 0 });
  assert.equal(tick.get('console')!.activeConnections, 1);
  assert.deepEqual(tick.get('next')!.requests, { user: 1, internal: 0 });
  assert.equal(tick.get('next')!.activeConnections, 0);
});

test('activeConnections counts ESTABLISHED only: 37 TIME_WAIT leftovers of page reloads and a closing socket are not open', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  const leftovers = Array.from({ length: 37 }, (_, i) => timeWait(3000, 58000 + i));
  const closing = pair(3000, 59000, 4242, undefined, undefined, 'FIN_WAIT2');
  const tick = t.update(base(2000, [...leftovers, ...closing, ...pair(3000, 59001, 4242)])).get('next')!;
  assert.equal(tick.activeConnections, 1);
  assert.deepEqual(tick.connectionsOpened, { user: 39, internal: 0 });
});

test('requestCount5m: a request counts while it is less than 5 minutes old, user and internal apart', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  t.update(base(1000, [timeWait(3000, 60000)]));
  t.update(base(2000, pair(3000, 60001, 200, 10, 10)));
  const at = (ms: number) => t.update(base(ms, [])).get('next')!.requestCount5m;
  assert.deepEqual(at(1000 + REQUEST_WINDOW_MS - 1), { user: 1, internal: 1 });
  assert.deepEqual(at(1000 + REQUEST_WINDOW_MS), { user: 0, internal: 1 }, 'exactly 5 minutes old: out');
  assert.deepEqual(at(2000 + REQUEST_WINDOW_MS), { user: 0, internal: 0 });
  const last = t.update(base(2000 + REQUEST_WINDOW_MS + 1, [])).get('next')!;
  assert.equal(last.lastUserRequestAt, 1000, 'the last request time outlives the window');
  assert.equal(last.lastInternalRequestAt, 2000);
});

test('requestCount5m after the clock goes back: requests stamped after the new time no longer count', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  t.update(base(1000, [timeWait(3000, 60000)]));
  t.update(base(5000, [timeWait(3000, 60002)]));
  const at = (ms: number) => t.update(base(ms, [])).get('next')!.requestCount5m;
  assert.deepEqual(at(6000), { user: 2, internal: 0 });
  assert.deepEqual(at(3000), { user: 1, internal: 0 }, 'the request at 5000 is in the future now');
  t.update(base(4000, [timeWait(3000, 60004)]));
  assert.deepEqual(at(4500), { user: 2, internal: 0 });
  assert.deepEqual(at(1000 + REQUEST_WINDOW_MS), { user: 1, internal: 0 }, 'the oldest expires first');
});

test('requestCount5m when the clock goes back on a tick that itself sees a request', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  t.update(base(5000, [timeWait(3000, 60000)]));
  const back = t.update(base(3000, [timeWait(3000, 60002)])).get('next')!;
  assert.deepEqual(back.requestCount5m, { user: 1, internal: 0 }, 'only the request at 3000 counts');
  const at = (ms: number) => t.update(base(ms, [])).get('next')!.requestCount5m;
  assert.deepEqual(at(4000), { user: 1, internal: 0 });
  assert.deepEqual(at(3000 + REQUEST_WINDOW_MS), { user: 0, internal: 0 }, 'and it expires on time');
});

test('a service polling with a new connection per request: once seen closing one, its ownerless TIME_WAIT leftovers are its own', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  const caught = t.update(base(2000, [...pair(3000, 61000, 200), timeWait(3000, 60998)])).get('next')!;
  assert.deepEqual(
    caught.requests,
    { user: 1, internal: 1 },
    'before any close is seen, a leftover is a user’s',
  );
  const closed = t
    .update(base(4000, [timeWait(3000, 61000), timeWait(3000, 61002), timeWait(3000, 61004)]))
    .get('next')!;
  assert.deepEqual(
    closed.requests,
    { user: 0, internal: 2 },
    'the console closed its connection: its leftovers',
  );
  assert.equal(closed.lastUserRequestAt, 2000);
  assert.deepEqual([...closed.internalClients.keys()], ['console']);
  assert.deepEqual(
    t.update(base(4000 + KNOWN_CLIENT_MS, [timeWait(3000, 61006)])).get('next')!.requests,
    { user: 1, internal: 0 },
    'not seen closing one for 5 minutes: a user’s again',
  );
});

test('a kept-alive poller never closes its connection, so a user’s short request beside it stays a user’s', () => {
  const t = new TrafficTracker();
  t.update(base(0, pair(3000, 62000, 200, 10, 10)));
  t.update(base(2000, pair(3000, 62000, 200, 20, 20)));
  const tick = t.update(base(4000, [...pair(3000, 62000, 200, 30, 30), timeWait(3000, 62001)])).get('next')!;
  assert.deepEqual(tick.requests, { user: 1, internal: 1 });
  assert.deepEqual(
    t.update(base(6000, [timeWait(3000, 62001), timeWait(8766, 62002)])).get('console')!.requests,
    { user: 1, internal: 0 },
    'a poller of Next.js is no suspect for the console’s requests',
  );
});

test('a live client end whose socket closed before its owner was looked up is ownerless, not a user’s', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  t.update(base(2000, pair(3000, 63000, 200)));
  t.update(base(4000, [timeWait(3000, 63000)])); // the console is seen closing its connection
  const [, raced] = pair(3000, 63002, null);
  const [, held] = pair(3000, 63004, null);
  const tick = t.update(base(6000, [{ ...raced!, ownerGone: true }, held!])).get('next')!;
  assert.deepEqual(
    tick.connectionsOpened,
    { user: 1, internal: 1 },
    'the one that closed is the poller’s; the one still held by a process outside the stack is a user’s',
  );
});
