import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import { runCommand } from '../../../../main/collectors/exec.js';
import { createSocketsCollector, type SocketReaderName } from '../../../../main/collectors/linux/sockets.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  encodeDiagRequest,
  type DiagSocket,
} from '../../../../main/collectors/linux/inet-diag.js';
import { openSockDiag } from '../../../../main/collectors/linux/sock-diag-channel.js';
import type { Connection } from '../../../../main/collectors/types.js';
import { expectOk, linuxEnv, request } from './linux-env.js';

const skipReason =
  process.platform === 'linux' ? undefined : `this machine runs ${process.platform}, not Linux`;
if (skipReason) console.log(`live socket tests skipped: ${skipReason}`);

const REQUEST = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
const REPLY = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

interface Stack {
  port: number;
  otherPort: number;
  keepAlive: Socket;
  closedPort: number;
  close(): void;
}

async function listen(): Promise<Server> {
  const server = createServer((c) => c.on('data', () => c.write(REPLY)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function exchange(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(REQUEST);
  await new Promise((resolve) => socket.once('data', resolve));
  return socket;
}

/** A service with a keep-alive client, a request whose client closed first, and a busy port nobody asked about. */
async function stack(): Promise<Stack> {
  const service = await listen();
  const other = await listen();
  const port = (service.address() as { port: number }).port;
  const otherPort = (other.address() as { port: number }).port;
  const keepAlive = await exchange(port);
  const otherClient = await exchange(otherPort);
  const short = await exchange(port);
  const closedPort = short.localPort!;
  short.end();
  await new Promise((resolve) => short.once('close', resolve));
  return {
    port,
    otherPort,
    keepAlive,
    closedPort,
    close() {
      keepAlive.destroy();
      otherClient.destroy();
      service.close();
      other.close();
    },
  };
}

async function readWith(reader: SocketReaderName, s: Stack) {
  const collector = createSocketsCollector(linuxEnv({ procRoot: '/proc', exec: runCommand }), {
    readers: [reader],
  });
  const self = new Set([process.pid]);
  const reading = await collector.collect(
    request({ slow: true, servicePorts: new Set([s.port]), watchPids: self, clientPids: self }),
  );
  await collector.close?.();
  return expectOk(reading).sockets!;
}

const pick = (connections: Connection[], localPort: number, remotePort: number) =>
  connections.find((c) => c.localPort === localPort && c.remotePort === remotePort);

for (const reader of ['sock-diag', 'ss', 'proc-net-tcp'] as const) {
  test(
    `${reader} on real sockets: both ends of a loopback request, with owners${reader === 'proc-net-tcp' ? '' : ' and bytes'}`,
    { skip: skipReason },
    async (t) => {
      if (reader === 'sock-diag') {
        const channel = await openSockDiag();
        if (typeof channel === 'string') return t.skip(`sock_diag unavailable here: ${channel}`);
        channel.close();
      }
      if (reader === 'ss' && (await runCommand('ss', ['-V'])).failure) return t.skip('no ss on this machine');
      const s = await stack();
      t.after(() => s.close());
      const sockets = await readWith(reader, s);
      assert.equal(sockets.source, reader);
      assert.ok(
        sockets.listening.some((l) => l.port === s.port && l.pid === process.pid),
        JSON.stringify(sockets.listening),
      );
      const server = pick(sockets.connections, s.port, s.keepAlive.localPort!);
      const client = pick(sockets.connections, s.keepAlive.localPort!, s.port);
      assert.ok(server && client, JSON.stringify(sockets.connections));
      assert.equal(server.pid, process.pid);
      assert.equal(client.pid, process.pid, 'a client end owned by a client pid');
      assert.equal(server.state, 'ESTABLISHED');
      const waiting = pick(sockets.connections, s.closedPort, s.port);
      assert.equal(waiting?.state, 'TIME_WAIT', 'the client closed first: its end waits');
      assert.equal(waiting.pid, null);
      assert.ok(
        !sockets.connections.some((c) => c.localPort === s.otherPort || c.remotePort === s.otherPort),
        'connections on ports that are no service are left out',
      );
      if (reader === 'proc-net-tcp') {
        assert.equal(server.bytesReceived, undefined, '/proc/net/tcp has no byte counters');
      } else {
        assert.equal(server.bytesReceived, REQUEST.length);
        assert.equal(server.bytesSent, REPLY.length);
        s.keepAlive.write(REQUEST);
        await new Promise((resolve) => s.keepAlive.once('data', resolve));
        const again = pick((await readWith(reader, s)).connections, s.port, s.keepAlive.localPort!);
        assert.equal(again?.bytesReceived, 2 * REQUEST.length, 'a second request on the same connection');
      }
    },
  );
}

test(
  'client ends owned by pids outside clientPids stay without an owner',
  { skip: skipReason },
  async (t) => {
    const s = await stack();
    t.after(() => s.close());
    const collector = createSocketsCollector(linuxEnv({ procRoot: '/proc', exec: runCommand }));
    const sockets = expectOk(
      await collector.collect(
        request({
          servicePorts: new Set([s.port]),
          watchPids: new Set([process.pid]),
          clientPids: new Set([1]),
        }),
      ),
    ).sockets!;
    await collector.close?.();
    assert.equal(pick(sockets.connections, s.keepAlive.localPort!, s.port)?.pid, null);
    assert.equal(pick(sockets.connections, s.port, s.keepAlive.localPort!)?.pid, process.pid);
  },
);

test(
  'the kernel accepts a filter for many ports and returns only sockets on them',
  { skip: skipReason },
  async (t) => {
    const channel = await openSockDiag();
    if (typeof channel === 'string') return t.skip(`sock_diag unavailable here: ${channel}`);
    const s = await stack();
    t.after(() => s.close());
    const dumped = channel.dump(encodeDiagRequest({ family: AF_INET, ports: [s.port], sequence: 5 }), 5);
    channel.close();
    assert.ok(dumped.ok, JSON.stringify(dumped));
    assert.ok(dumped.sockets.length >= 4, 'listener, both ends of the keep-alive request, the TIME_WAIT end');
    assert.ok(
      dumped.sockets.every((d) => d.localPort === s.port || d.remotePort === s.port),
      'the kernel filtered by port',
    );
    const collector = createSocketsCollector(linuxEnv({ procRoot: '/proc' }), { readers: ['sock-diag'] });
    const ports = new Set([s.port, ...Array.from({ length: 60 }, (_, i) => 1 + i)]);
    const sockets = expectOk(await collector.collect(request({ servicePorts: ports }))).sockets!;
    await collector.close?.();
    assert.equal(sockets.source, 'sock-diag');
    assert.ok(pick(sockets.connections, s.port, s.keepAlive.localPort!));
    assert.ok(sockets.connections.every((c) => ports.has(c.localPort) || ports.has(c.remotePort)));
  },
);

test('one dump for both families returns what a dump per family returns', { skip: skipReason }, async (t) => {
  const channel = await openSockDiag();
  if (typeof channel === 'string') return t.skip(`sock_diag unavailable here: ${channel}`);
  const s = await stack();
  t.after(() => {
    channel.close();
    s.close();
  });
  const key = (d: DiagSocket) =>
    `${d.state} ${d.localAddress}:${d.localPort} ${d.remoteAddress}:${d.remotePort} ${d.inode}`;
  const dump = (family: typeof AF_UNSPEC | typeof AF_INET | typeof AF_INET6, sequence: number) => {
    const outcome = channel.dump(encodeDiagRequest({ family, ports: [s.port], sequence }), sequence);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    return outcome.sockets;
  };
  const outcome = channel.dump(encodeDiagRequest({ family: AF_UNSPEC, ports: [s.port], sequence: 1 }), 1);
  if (!outcome.ok)
    return t.skip(`this kernel refuses TCPDIAG_GETSOCK (${outcome.error}): per family is used`);
  const both = outcome.sockets;
  const perFamily = [...dump(AF_INET, 2), ...dump(AF_INET6, 3)];
  assert.ok(both.length >= 4, 'listener, both ends of the keep-alive request, the TIME_WAIT end');
  assert.deepEqual(both.map(key).sort(), perFamily.map(key).sort());
  const server = both.find((d) => d.localPort === s.port && d.remotePort === s.keepAlive.localPort);
  assert.equal(server?.bytesReceived, REQUEST.length, 'tcp_info asked for and decoded');
});
