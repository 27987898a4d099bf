import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertEvent, Sample } from '../../../main/contract/index.js';
import { defaultSettings } from '../../../main/contract/settings.js';
import { wireConsumers } from '../../../main/assembly/consumers.js';
import type { MonitorCore } from '../../../main/assembly/types.js';
import type { HistoryHealth } from '../../../main/store/store-health.js';
import { tempDir } from '../../helpers.js';
import { FakeMonitorApi, makeAlert, makeSample } from '../api/fake-monitor-api.js';

const HEALTHY: HistoryHealth = {
  writable: true,
  error: null,
  tornLines: 0,
  quarantined: [],
  corruptLines: 0,
  oversizeLines: 0,
  unsavedLines: 0,
  lostLines: 0,
};

/** A core that emits what the test hands it and records the watched signal. */
function fakeCore() {
  const samples = new Set<(s: Sample) => void>();
  const alerts = new Set<(e: AlertEvent) => void>();
  const watched: boolean[] = [];
  let closed = 0;
  const core: MonitorCore = {
    api: new FakeMonitorApi(),
    onSample: (l) => (samples.add(l), () => samples.delete(l)),
    onAlert: (l) => (alerts.add(l), () => alerts.delete(l)),
    snoozeState: () => ({ snoozedUntil: {} }),
    signals: {
      markGap: () => {},
      setUserIdleSeconds: () => {},
      setOnBattery: () => {},
      setThermalPressure: () => {},
      setWatched: (w) => void watched.push(w),
    },
    start: () => {},
    close: async () => void closed++,
  };
  return {
    core,
    watched,
    closed: () => closed,
    sample: (s: Sample) => samples.forEach((l) => l(s)),
    alert: (e: AlertEvent) => alerts.forEach((l) => l(e)),
  };
}

/** A local receiver for the webhook and OTLP posts. */
async function receiver(t: { after(fn: () => void): void }) {
  const posts: { path: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts };
}

const eventually = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
};

test('one wiring: API and /metrics, OTLP, webhook and the caller sinks; dashboards and the popover both count as watchers', async (t) => {
  const dataDir = tempDir(t);
  const target = await receiver(t);
  const settings = defaultSettings();
  settings.export.otlpEndpoint = target.url;
  settings.export.otlpIntervalSeconds = 1;
  settings.alerts.webhookUrl = `${target.url}/hook`;
  const fake = fakeCore();
  const sinkEvents: string[] = [];
  const lines: string[] = [];
  const consumers = await wireConsumers({
    core: fake.core,
    store: { health: () => HEALTHY },
    settings: () => settings,
    dataDir,
    log: (line) => lines.push(line),
    api: { port: 0, staticDir: null, required: true },
    alertSinks: [(event) => sinkEvents.push(event.id)],
  });
  t.after(() => consumers.close());
  const server = consumers.server!;

  fake.sample(makeSample());
  fake.alert(makeAlert({ id: 'evt-42' }));
  assert.deepEqual(sinkEvents, ['evt-42']);
  await eventually(
    () => target.posts.some((p) => p.path === '/hook' && p.body.includes('evt-42')),
    'webhook POST',
  );
  await eventually(() => target.posts.some((p) => p.path === '/v1/metrics'), 'an OTLP export');

  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(metrics.status, 200);
  assert.match(
    await metrics.text(),
    /^unamentis_server_power_cpu_watts 3\.2$/m,
    'the sample reached /metrics',
  );

  // The popover opens, a dashboard streams, the popover closes: still watched until the stream ends.
  consumers.watchers.set('popover', 1);
  const stream = connect(server.port, '127.0.0.1');
  await once(stream, 'connect');
  stream.write(
    `GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${token}\r\n\r\n`,
  );
  await eventually(() => consumers.watchers.total === 2, 'the stream is counted');
  consumers.watchers.set('popover', 0);
  assert.deepEqual(fake.watched, [true]);
  stream.destroy();
  await eventually(() => fake.watched.length === 2, 'unwatched once the last watcher goes');
  assert.deepEqual(fake.watched, [true, false]);

  await consumers.close();
  assert.equal(fake.closed(), 1, 'the core is closed between the server and the exports');
  assert.deepEqual(lines, []);
});

test('an API that cannot start: required fails the start, not required runs on and says why', async (t) => {
  const dataDir = tempDir(t);
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => blocker.close());
  const port = (blocker.address() as AddressInfo).port;
  const options = (required: boolean, lines: string[]) => ({
    core: fakeCore().core,
    store: { health: () => HEALTHY },
    settings: () => defaultSettings(),
    dataDir,
    log: (line: string) => lines.push(line),
    api: { host: '127.0.0.1', port, staticDir: null, required },
  });
  await assert.rejects(wireConsumers(options(true, [])), /EADDRINUSE|in use/i);
  const lines: string[] = [];
  const consumers = await wireConsumers(options(false, lines));
  assert.equal(consumers.server, null);
  assert.match(lines[0] ?? '', /^the HTTP API did not start: /);
  await consumers.close();
});
