import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LibprocOpener, LibprocRead } from '../../../../../main/collectors/darwin/libproc/ports.js';
import { createNettopCollector } from '../../../../../main/collectors/darwin/nettop.js';
import { createDarwinSocketCollector } from '../../../../../main/collectors/darwin/sockets.js';
import type { CollectorEnv, CommandRunner, CollectRequest } from '../../../../../main/collectors/types.js';
import { makeSampler, manualClock, proc, scripted, testSettings } from '../../../sampler/scripted.js';
import { tcpTable, type TableSocket } from './table.js';

const SERVICE = 11434;

/** A Mac whose TCP table the port reads (or refuses), with netstat/nettop answering as commands. */
function mac(table: () => LibprocRead) {
  const spawned: string[] = [];
  const exec: CommandRunner = async (file) => {
    spawned.push(file);
    if (file === 'netstat') {
      return {
        stdout: [
          'Active Internet connections (including servers)',
          'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)      rhiwat  shiwat    pid   epid',
          'tcp4       0      0  *.11434                *.*                    LISTEN       131072  131072   7101      0',
        ].join('\n'),
        stderr: '',
        exitCode: 0,
      };
    }
    if (file === 'nettop')
      return { stdout: 'time,,interface,state,bytes_in,bytes_out,\n', stderr: '', exitCode: 0 };
    return { stdout: '', stderr: '', exitCode: 1, failure: 'exit' };
  };
  const env: CollectorEnv = { sysRoot: '/', procRoot: '/proc', exec, now: () => 5, fetch: globalThis.fetch };
  const open: LibprocOpener = () => ({
    ok: true,
    port: {
      ticksPerSecond: 24_000_000,
      listPids: () => ({ ok: false, detail: 'not part of this fake' }),
      taskAllInfo: () => ({ ok: false, reason: 'failed', detail: 'not part of this fake' }),
      procArgs: () => ({ ok: false, reason: 'failed', detail: 'not part of this fake' }),
      tcpPcbList: table,
      close() {},
    },
  });
  return { env, open, spawned };
}

const request = (slow = false): CollectRequest => ({
  slow,
  watchPids: new Set(),
  servicePorts: new Set([SERVICE]),
});
const sockets: TableSocket[] = [
  { local: ['127.0.0.1', SERVICE], remote: ['0.0.0.0', 0], state: 1, lastPid: 7101 },
  {
    local: ['127.0.0.1', SERVICE],
    remote: ['127.0.0.1', 52001],
    state: 4,
    lastPid: 7101,
    received: [512],
    sent: [4096],
  },
  {
    local: ['127.0.0.1', 52001],
    remote: ['127.0.0.1', SERVICE],
    state: 4,
    lastPid: 9001,
    received: [4096],
    sent: [512],
  },
  { local: ['192.168.1.20', 50000], remote: ['17.253.1.1', 443], state: 4, lastPid: 300, received: [1] },
];

test('sockets come from the kernel TCP table when it reads: pids and byte counters, no spawn', async () => {
  const m = mac(() => ({ ok: true, bytes: tcpTable(sockets) }));
  const reading = await createDarwinSocketCollector(m.env, m.open).collect(request(true));
  assert.equal(reading.status, 'ok');
  if (reading.status !== 'ok') return;
  const observed = reading.value.sockets!;
  assert.equal(observed.source, 'pcblist');
  assert.deepEqual(observed.listening, [{ port: SERVICE, pid: 7101 }]);
  assert.deepEqual(
    observed.connections.map((c) => [c.localPort, c.remotePort, c.pid, c.bytesReceived, c.bytesSent]),
    [
      [SERVICE, 52001, 7101, 512, 4096],
      [52001, SERVICE, 9001, 4096, 512],
    ],
    'only connections touching a service port',
  );
  assert.deepEqual(m.spawned, [], 'neither netstat nor lsof');
});

test('a table that cannot be read or decoded falls back to netstat (and lsof on the slow tier) for that tick', async () => {
  let answer: LibprocRead = { ok: false, reason: 'denied', detail: 'sysctl net.inet.tcp.pcblist_n: errno 1' };
  const m = mac(() => answer);
  const collector = createDarwinSocketCollector(m.env, m.open);
  const refused = await collector.collect(request(true));
  assert.equal(refused.status === 'ok' && refused.value.sockets!.source, 'netstat');
  assert.deepEqual(m.spawned, ['lsof', 'netstat']);
  answer = { ok: true, bytes: tcpTable(sockets).subarray(0, 90) };
  const garbled = await collector.collect(request());
  assert.equal(garbled.status === 'ok' && garbled.value.sockets!.source, 'netstat');
  answer = { ok: true, bytes: tcpTable(sockets) };
  const back = await collector.collect(request());
  assert.equal(back.status === 'ok' && back.value.sockets!.source, 'pcblist');
});

test('nettop is not started while the TCP table counts bytes; asked again on the slow tier', async () => {
  let readable = true;
  const m = mac(() =>
    readable ? { ok: true, bytes: tcpTable(sockets) } : { ok: false, reason: 'failed', detail: 'errno 5' },
  );
  const nettop = createNettopCollector(m.env, m.open);
  const first = await nettop.collect(request(true));
  assert.deepEqual(first, {
    status: 'absent',
    reason: 'disabled',
    detail: 'not needed: the kernel TCP table counts each connection’s bytes',
  });
  readable = false;
  assert.equal((await nettop.collect(request())).status, 'absent', 'a fast tick keeps the last answer');
  assert.deepEqual(m.spawned, []);
  assert.equal((await nettop.collect(request(true))).status, 'ok', 'the slow tier asks again: nettop runs');
  assert.deepEqual(m.spawned, ['nettop']);
  const unavailable = mac(() => ({ ok: true, bytes: tcpTable(sockets) }));
  const plain = createNettopCollector(unavailable.env, () => ({
    ok: false,
    detail: 'libproc exists only on macOS',
  }));
  assert.equal((await plain.collect(request())).status, 'ok');
  assert.deepEqual(unavailable.spawned, ['nettop']);
});

test('through the sampler: the TCP table’s byte counters show a request on a kept-alive connection, and its bytes', async () => {
  const clock = manualClock();
  const settings = testSettings((s) => {
    s.services = [{ id: 'ollama', name: 'Ollama', ports: [SERVICE], processNames: [] }];
  });
  const keepAlive = (bytes: number): TableSocket[] => [
    { local: ['127.0.0.1', SERVICE], remote: ['0.0.0.0', 0], state: 1, lastPid: 7101 },
    {
      local: ['127.0.0.1', SERVICE],
      remote: ['127.0.0.1', 52001],
      state: 4,
      lastPid: 7101,
      received: [bytes],
    },
    { local: ['127.0.0.1', 52001], remote: ['127.0.0.1', SERVICE], state: 4, lastPid: 9001, sent: [bytes] },
  ];
  const tables = [keepAlive(100), keepAlive(100), keepAlive(700)];
  const m = mac(() => ({ ok: true, bytes: tcpTable(tables.shift() ?? keepAlive(700)) }));
  const darwinSockets = createDarwinSocketCollector(m.env, m.open);
  const stack = scripted('stack', () => ({
    processes: [proc(7101, 1, { name: 'ollama' }), proc(9001, 1, { name: 'curl' })],
  }));
  const collector = {
    definition: { id: 'darwin-sockets', tier: 'fast' as const, provides: ['sockets'] as const },
    instance: { collect: (r: CollectRequest) => darwinSockets.collect(r) },
  };
  const sampler = makeSampler([stack, collector], clock, settings);
  await sampler.tick();
  clock.advance(5000);
  const quiet = await sampler.tick();
  const ollama = (s: typeof quiet) => s.services.find((x) => x.id === 'ollama')!;
  assert.equal(ollama(quiet).activity!.requestCount5m.user, 0, 'the same connection, no new bytes');
  assert.equal(ollama(quiet).activity!.bytesIn, 0);
  clock.advance(5000);
  const asked = await sampler.tick();
  assert.equal(
    ollama(asked).activity!.requestCount5m.user,
    1,
    '600 bytes more on the open connection: a request',
  );
  assert.equal(ollama(asked).activity!.bytesIn, 600);
  assert.equal(asked.sources['services.activity']?.source, 'pcblist');
  assert.equal(asked.sources['services.activity.bytes'], undefined, 'no nettop stand-in');
});
