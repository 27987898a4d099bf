import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from '../../../main/collectors/types.js';
import { TrafficTracker, type TrafficInput } from '../../../main/sampler/activity.js';
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

test('a monitored service polling another is internal, named by service id; the count expires after 5 min', () => {
  const t = new TrafficTracker();
  t.update(base(0, []));
  for (let i = 1; i <= 3; i++) t.update(base(i * 2000, pair(3000, 51000, 200, 100 * i, 1000 * i)));
  const next = t.update(base(8000, pair(3000, 51000, 200, 400, 4000))).get('next')!;
  assert.deepEqual(next.requestCount5m, { user: 0, internal: 4 });
  assert.deepEqual([...next.internalClients], [['console', 4]]);
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
  assert.deepEqual([...probe.get('ollama')!.internalClients], [['idlewatt', 1]]);
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
  assert.equal(c.update([model('llama3', 310_000)], 10_000), 1, 'expiry refreshed');
  assert.equal(c.update([model('llama3', 310_000), model('qwen', null)], 15_000), 2, 'a new load');
  assert.equal(c.update([model('llama3', 310_400), model('qwen', null)], 20_000), 2, 'sub-second jitter');
  assert.equal(c.update([], 25_000), 2, 'unloading is no inference');
  assert.equal(c.count(10_000 + 5 * 60_000), 1, 'the window slides');
});
