import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { connectionLimits } from '../../../main/api/connection-limits.js';
import { startApiServer } from '../../../main/api/server.js';
import { FakeMonitorApi } from './fake-monitor-api.js';
import { request } from './http-client.js';
import { startHarness, TOKEN } from './server-harness.js';

function openIdle(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now())));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

test('connections are capped from the open-file limit: a quarter per address, within 32–1024', () => {
  assert.equal(connectionLimits({}, 256).maxConnections, 64);
  assert.equal(connectionLimits({}, 64).maxConnections, 32);
  assert.equal(connectionLimits({}, 1_048_576).maxConnections, 1024);
  assert.equal(connectionLimits({ maxConnections: 5 }, 256).maxConnections, 5);
  assert.ok(connectionLimits({ headersTimeoutMs: 10_000 }).checkingIntervalMs <= 2000);
});

test('connections over the cap are closed at once; the API answers again when idle ones go', async (t) => {
  const { port, auth } = await startHarness(t, { maxConnections: 3 });
  const idle = await Promise.all([openIdle(port), openIdle(port), openIdle(port)]);
  const extra = await openIdle(port);
  const closedAt = await Promise.race([
    extra.closed,
    new Promise<null>((r) => setTimeout(() => r(null), 3000)),
  ]);
  assert.notEqual(closedAt, null, 'the fourth connection is closed by the server');
  for (const { socket } of idle) socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await request(port, '/api/status', { headers: auth })).status, 200);
});

test('a connection that sends nothing is closed soon after the header timeout', async (t) => {
  const { port } = await startHarness(t, { headersTimeoutMs: 500 });
  const started = Date.now();
  const { closed } = await openIdle(port);
  const closedAt = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
  assert.notEqual(closedAt, null, 'the silent connection was still open after 5 s');
  assert.ok(closedAt! - started < 3000, `closed after ${closedAt! - started} ms`);
});

const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
const noInterface = external ? false : 'this machine has no non-loopback IPv4 interface';
if (noInterface) console.log(`interface-address test skipped: ${noInterface}`);

test(
  "with --host 0.0.0.0 the machine's own interface address is an allowed Host, still with the token",
  { skip: noInterface },
  async (t) => {
    const server = await startApiServer({
      api: new FakeMonitorApi(),
      host: '0.0.0.0',
      port: 0,
      token: TOKEN,
      staticDir: null,
      metrics: null,
      log: () => undefined,
    });
    t.after(() => server.close());
    const hostHeader = `${external}:${server.port}`;
    const headers = { Authorization: `Bearer ${TOKEN}`, Host: hostHeader };
    const ok = await request(server.port, '/api/status', { host: external!, headers });
    assert.equal(ok.status, 200);
    const withOrigin = await request(server.port, '/api/status', {
      host: external!,
      headers: { ...headers, Origin: `http://${hostHeader}` },
    });
    assert.equal(withOrigin.status, 200);
    const noToken = await request(server.port, '/api/status', {
      host: external!,
      headers: { Host: hostHeader },
    });
    assert.equal(noToken.status, 401);
    const rebound = await request(server.port, '/api/status', {
      host: external!,
      headers: { ...headers, Host: `evil.example:${server.port}` },
    });
    assert.equal(rebound.status, 403);
  },
);
