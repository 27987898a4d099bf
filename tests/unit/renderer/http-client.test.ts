import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MONITOR_API_METHODS, type ConnectionState } from '../../../main/contract/api.js';
import { defaultSettings } from '../../../main/contract/settings.js';
import { ApiError, createHttpClient, type StreamHandlers } from '../../../renderer/api/http-client.js';
import { isMonitorApi, selectApi } from '../../../renderer/api/select-api.js';
import { startFakeBackend } from '../../e2e/fake-backend.js';

/** Node's fetch keeps no cookies: exchange the dashboard token like a browser would, then send the cookie. */
async function authedFetch(entryUrl: string): Promise<typeof fetch> {
  const response = await fetch(entryUrl, { redirect: 'manual' });
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } });
}

/** Stands in for EventSource: the test drives the handlers the client registered. */
class FakeStream {
  url = '';
  closed = false;
  handlers: StreamHandlers | null = null;
  readonly open = (url: string, handlers: StreamHandlers) => {
    this.url = url;
    this.handlers = handlers;
    return { close: () => (this.closed = true) };
  };
}
const noStream = (_url: string, _handlers: StreamHandlers) => ({ close() {} });

test('every MonitorApi method round-trips through the HTTP routes with cookie auth', async (t) => {
  const backend = await startFakeBackend({ tickMs: 60_000 });
  t.after(() => backend.close());
  const api = createHttpClient(backend.origin + '/', {
    fetch: await authedFetch(backend.url),
    openStream: noStream,
  });
  const now = Date.now();
  const status = await api.getStatus();
  assert.equal(status.mode, 'headless');
  assert.ok((await api.getLatest())!.services.length > 0);
  const history = await api.getHistory({ from: now - 3600_000, to: now, points: 50 });
  assert.equal(history.length, 50);
  const serviceHistory = await api.getServiceHistory({
    serviceId: 'vibevoice',
    from: now - 600_000,
    to: now,
    points: 20,
  });
  assert.ok(serviceHistory.length > 0 && serviceHistory.every((p) => p.cpuPercent !== null));
  assert.equal((await api.getServices()).length, 6);
  assert.ok((await api.getCollectors()).some((c) => c.id === 'rapl'));
  assert.ok((await api.getAlerts({ since: now - 86_400_000 })).length > 0);
  const snooze = await api.snoozeAlerts({ rule: 'idle-power', until: { minutes: 30 } });
  assert.ok(snooze.snoozedUntil['idle-power']! > now);
  const report = await api.getReport({ from: now - 3600_000, to: now });
  assert.ok(report.services.length > 0);
  const compared = await api.compare(
    { from: now - 25 * 3600_000, to: now - 24 * 3600_000 },
    { from: now - 3600_000, to: now },
  );
  assert.ok(compared.verdict.length > 0);
  assert.equal((await api.unloadOllama()).ok, true);
  assert.equal((await api.requestPowerPermission()).state, 'granted');
  assert.ok(backend.requests.includes('GET /api/compare'));
  assert.ok(backend.requests.includes('GET /api/services/vibevoice/history'));

  const settings = await api.getSettings();
  const changed = {
    ...settings,
    alerts: { ...settings.alerts, idlePower: { ...settings.alerts.idlePower, warning: 6.5 } },
  };
  const saved = await api.updateSettings(changed);
  assert.ok(saved.ok && saved.settings.alerts.idlePower.warning === 6.5);
  const rejected = await api.updateSettings({ ...changed, api: { port: 80 } });
  assert.deepEqual(rejected, {
    ok: false,
    errors: [{ field: 'api.port', reason: 'must be between 1024 and 65535' }],
  });
  assert.equal(backend.settings().api.port, 8787, 'the rejected settings were not stored');
});

test('errors are labelled ApiErrors: unauthorised, bad query, unreachable, non-JSON', async (t) => {
  const backend = await startFakeBackend({ tickMs: 60_000 });
  t.after(() => backend.close());
  const noCookie = createHttpClient(backend.origin, { fetch, openStream: noStream });
  await assert.rejects(
    noCookie.getStatus(),
    (e: unknown) => e instanceof ApiError && e.status === 401 && /^unauthorised: /.test(e.message),
  );
  const api = createHttpClient(backend.origin, {
    fetch: await authedFetch(backend.url),
    openStream: noStream,
  });
  await assert.rejects(api.getHistory({ from: 10, to: 5, points: 3 }), /bad query: from and to/);

  const down = createHttpClient('http://127.0.0.1:9', { fetch, openStream: noStream });
  await assert.rejects(
    down.getStatus(),
    (e: unknown) => e instanceof ApiError && e.status === null && /unreachable/.test(e.message),
  );

  const html = createHttpClient('http://x', {
    fetch: async () => new Response('<html>', { status: 200 }),
    openStream: noStream,
  });
  await assert.rejects(html.getSettings(), /answered with invalid JSON/);
  const plain500 = createHttpClient('http://x', {
    fetch: async () => new Response('oops', { status: 500 }),
    openStream: noStream,
  });
  await assert.rejects(plain500.updateSettings(defaultSettings()), /The monitor answered HTTP 500/);
});

test('the stream delivers samples and alerts, reports connection changes once, and skips bad frames', () => {
  const stream = new FakeStream();
  const api = createHttpClient('http://127.0.0.1:1', { fetch, openStream: stream.open });
  const samples: number[] = [];
  const alerts: string[] = [];
  const states: ConnectionState[] = [];
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => warnings.push(m);
  try {
    const stop = api.subscribe({
      onSample: (s) => samples.push(s.at),
      onAlert: (a) => alerts.push(a.id),
      onConnection: (s) => states.push(s),
    });
    assert.equal(stream.url, 'http://127.0.0.1:1/api/stream');
    const h = stream.handlers!;
    h.open();
    h.message('sample', JSON.stringify({ at: 42 }));
    h.message('sample', '{not json');
    h.message('alert', JSON.stringify({ id: 'a-1' }));
    h.error();
    h.error();
    h.message('sample', JSON.stringify({ at: 43 }));
    stop();
    assert.equal(stream.closed, true);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(samples, [42, 43]);
  assert.deepEqual(alerts, ['a-1']);
  assert.deepEqual(
    states.map((s) => s.connected),
    [true, false, true],
  );
  assert.equal(warnings.length, 1);
});

test('selectApi prefers the preload bridge, then HTTP for http pages, else a labelled unavailable API', async () => {
  const bridge = Object.fromEntries([...MONITOR_API_METHODS, 'subscribe'].map((m) => [m, () => {}]));
  assert.equal(isMonitorApi(bridge), true);
  assert.equal(isMonitorApi({ getStatus() {} }), false);
  assert.equal(selectApi({ idlewatt: bridge, location: { protocol: 'file:', origin: 'null' } }).kind, 'ipc');
  const http = selectApi({ location: { protocol: 'http:', origin: 'http://127.0.0.1:8787' } });
  assert.deepEqual([http.kind, http.origin], ['http', 'http://127.0.0.1:8787']);
  const none = selectApi({ location: { protocol: 'file:', origin: 'null' } });
  assert.equal(none.kind, 'none');
  await assert.rejects(none.api.getStatus(), /idlewatt monitor/);
  const states: ConnectionState[] = [];
  none.api.subscribe({ onConnection: (s) => states.push(s) })();
  assert.equal(states[0]?.connected, false);
});
