import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect } from 'node:net';
import { test } from 'node:test';
import { defaultSettings, HTTP_ROUTES, SETTINGS_FILE_FIELD } from '../../../main/contract/index.js';
import { startApiServer } from '../../../main/api/server.js';
import { FakeMonitorApi, makeAlert, makeSample, SAMPLE_AT } from './fake-monitor-api.js';
import { parseEvents, rawRequest, readStream, request } from './http-client.js';
import { SECRET, startHarness, TOKEN } from './server-harness.js';

const json = { 'Content-Type': 'application/json' };

test('listens on loopback only and prints a dashboard URL carrying the token once', async (t) => {
  const { server, port } = await startHarness(t);
  assert.ok(port > 0);
  assert.ok(server.urls.includes(`http://127.0.0.1:${port}/`));
  assert.ok(server.urls.every((u) => u.startsWith('http://127.0.0.1:') || u.startsWith('http://[::1]:')));
  assert.equal(server.dashboardUrl, `http://127.0.0.1:${port}/?token=${TOKEN}`);
});

test('the dashboard URL exchanges the token for an HttpOnly SameSite=Strict cookie and redirects to /', async (t) => {
  const { port } = await startHarness(t);
  const res = await request(port, `/?token=${TOKEN}`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.location, '/');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  const cookie = String(res.headers['set-cookie']?.[0]);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.ok(!cookie.includes(TOKEN), 'the cookie holds a derived value, not the token');
  const pair = cookie.split(';')[0]!;
  const api = await request(port, '/api/status', { headers: { Cookie: pair } });
  assert.equal(api.status, 200);
  assert.equal(api.json().mode, 'headless');

  const wrong = await request(port, '/?token=not-the-token');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);
  const forged = await request(port, '/api/status', { headers: { Cookie: `${pair.split('=')[0]}=forged` } });
  assert.equal(forged.status, 401);
});

test('API requests without a valid token are 401 with a JSON body', async (t) => {
  const { port } = await startHarness(t);
  const attempts: Record<string, string>[] = [
    {},
    { Authorization: 'Bearer wrong' },
    { Authorization: `Basic ${TOKEN}` },
  ];
  for (const headers of attempts) {
    const res = await request(port, '/api/services', { headers });
    assert.equal(res.status, 401);
    assert.equal(res.json().error, 'unauthorized');
    assert.match(res.json().detail, /Bearer/);
    assert.match(String(res.headers['www-authenticate']), /Bearer/);
  }
  const stream = await request(port, '/api/stream');
  assert.equal(stream.status, 401);
});

test('the Host header must be a loopback name with the right port (DNS-rebinding guard)', async (t) => {
  const { port, auth } = await startHarness(t);
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
    const res = await request(port, '/api/status', { headers: { ...auth, Host: host } });
    assert.equal(res.status, 200, host);
  }
  for (const host of [
    `evil.example:${port}`,
    'evil.example',
    `127.0.0.1:${port + 1}`,
    'localhost',
    `127.0.0.2:${port}`,
    `localhost.evil.example:${port}`,
  ]) {
    const res = await request(port, '/api/status', { headers: { ...auth, Host: host } });
    assert.equal(res.status, 403, host);
    assert.equal(res.json().error, 'forbidden');
    assert.match(res.json().detail, /DNS-rebinding/);
  }
  const metrics = await request(port, '/metrics', { headers: { Host: `evil.example:${port}` } });
  assert.equal(metrics.status, 403, '/metrics is guarded too');
  const noHost = await rawRequest(port, 'GET /api/status HTTP/1.0\r\n\r\n');
  assert.match(noHost, /^HTTP\/1\.1 403/);
});

test('a cross-origin request is refused and no CORS headers are ever sent', async (t) => {
  const { port, auth } = await startHarness(t);
  const cross = await request(port, '/api/alerts/snooze', {
    method: 'POST',
    headers: { ...auth, ...json, Origin: 'http://evil.example' },
    body: JSON.stringify({ rule: 'all', until: 'tomorrow' }),
  });
  assert.equal(cross.status, 403);
  const same = await request(port, '/api/status', {
    headers: { ...auth, Origin: `http://127.0.0.1:${port}` },
  });
  assert.equal(same.status, 200);
  assert.equal(same.headers['access-control-allow-origin'], undefined);
  const preflight = await request(port, '/api/status', {
    method: 'OPTIONS',
    headers: { Origin: `http://127.0.0.1:${port}`, 'Access-Control-Request-Method': 'GET' },
  });
  assert.equal(preflight.status, 401, 'a preflight carries no token, and nothing is revealed without one');
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);
});

test('every MonitorApi route answers with what the core returned', async (t) => {
  const { port, auth, api } = await startHarness(t);
  const get = async (path: string) => {
    const res = await request(port, path, { headers: auth });
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.headers['cache-control'], 'no-store');
    return res.json();
  };
  assert.equal((await get(HTTP_ROUTES.getStatus.path)).historyLength, 720);
  assert.equal((await get(HTTP_ROUTES.getLatest.path)).at, SAMPLE_AT);
  assert.deepEqual(
    (await get(HTTP_ROUTES.getServices.path)).map((s: { id: string }) => s.id),
    ['ollama', 'vibevoice', 'piper'],
  );
  assert.equal((await get(HTTP_ROUTES.getCollectors.path))[0].id, 'rapl');
  assert.equal((await get(HTTP_ROUTES.getSettings.path)).api.port, 8787);

  const history = await get(`/api/history?from=${SAMPLE_AT - 60_000}&to=${SAMPLE_AT}&points=12`);
  assert.equal(history.length, 12);
  assert.deepEqual(api.callsTo('getHistory').at(-1)!.args[0], {
    from: SAMPLE_AT - 60_000,
    to: SAMPLE_AT,
    points: 12,
  });

  // The UnaMentis plan's shape: {history, count}, the newest `limit` points (100 by default).
  const limited = await get('/api/system/power/history?limit=5');
  assert.ok(limited.history.length <= 5 && limited.history.length > 0);
  assert.equal(limited.count, limited.history.length);
  const limitQuery = api.callsTo('getHistory').at(-1)!.args[0] as {
    from: number;
    to: number;
    points: number;
  };
  assert.equal(limitQuery.to, SAMPLE_AT, 'the newest points end at the latest sample');
  assert.equal(limitQuery.from, SAMPLE_AT - 6 * 5000);
  const byDefault = await get('/api/system/power/history');
  assert.equal(byDefault.count, byDefault.history.length);
  assert.equal((api.callsTo('getHistory').at(-1)!.args[0] as { points: number }).points, 100);
  const ranged = await get(`/api/system/power/history?from=${SAMPLE_AT - 60_000}&to=${SAMPLE_AT}&points=12`);
  assert.deepEqual(ranged, { history, count: 12 });

  const serviceHistory = await get(
    `/api/services/vibevoice/history?from=2025-01-15T09:00:00Z&to=${SAMPLE_AT}`,
  );
  assert.equal(serviceHistory[0].cpuPercent, 45);
  assert.deepEqual(api.callsTo('getServiceHistory').at(-1)!.args[0], {
    serviceId: 'vibevoice',
    from: SAMPLE_AT - 3_600_000,
    to: SAMPLE_AT,
    points: 300,
  });

  await get('/api/alerts?since=1h');
  assert.deepEqual(api.callsTo('getAlerts').at(-1)!.args[0], { since: SAMPLE_AT - 3_600_000 });
  assert.equal((await get('/api/alerts')).length, 1);

  const report = await get('/api/report?since=24h');
  assert.deepEqual(report.range, { from: SAMPLE_AT - 86_400_000, to: SAMPLE_AT });
  await get(`/api/report?from=${SAMPLE_AT - 1000}&to=${SAMPLE_AT}`);
  assert.deepEqual(api.callsTo('getReport').at(-1)!.args[0], { from: SAMPLE_AT - 1000, to: SAMPLE_AT });

  const compare = await get(
    '/api/compare?before=1000..2000&after=2025-01-15T00:00:00Z..2025-01-15T01:00:00Z',
  );
  assert.deepEqual(compare.before, { from: 1000, to: 2000 });
  assert.deepEqual(compare.after, { from: Date.UTC(2025, 0, 15), to: Date.UTC(2025, 0, 15, 1) });
  assert.match(compare.verdict, /Idle power fell/);

  const post = async (path: string, method: string, body?: unknown) => {
    const res = await request(port, path, {
      method,
      headers: { ...auth, ...json },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.equal(res.status, 200, `${path}: ${res.text}`);
    return res.json();
  };
  const snooze = await post(HTTP_ROUTES.snoozeAlerts.path, 'POST', {
    rule: 'idle-power',
    until: { minutes: 30 },
  });
  assert.equal(snooze.snoozedUntil['idle-power'], SAMPLE_AT + 30 * 60_000);
  const serviceSnooze = await post(HTTP_ROUTES.snoozeAlerts.path, 'POST', {
    rule: 'all',
    until: { minutes: 60 },
    serviceId: 'vibevoice',
  });
  assert.deepEqual(serviceSnooze.snoozedServices, { vibevoice: SAMPLE_AT + 60 * 60_000 });
  assert.deepEqual(api.callsTo('snoozeAlerts').at(-1)!.args, [
    { rule: 'all', until: { minutes: 60 }, serviceId: 'vibevoice' },
  ]);
  const settings = defaultSettings();
  settings.alerts.idlePower.warning = 6;
  const saved = await post(HTTP_ROUTES.updateSettings.path, 'PUT', settings);
  assert.equal(saved.alerts.idlePower.warning, 6);
  assert.equal(api.settings.alerts.idlePower.warning, 6);
  const unload = await post(HTTP_ROUTES.unloadOllama.path, 'POST');
  assert.deepEqual(unload.unloaded, ['llama3.2:3b']);
  assert.deepEqual(api.callsTo('unloadOllama').at(-1)!.args, [{}], 'no body: every loaded model');
  await post(HTTP_ROUTES.unloadOllama.path, 'POST', { models: ['llama3.2:3b', 'llama3.2:3b'] });
  assert.deepEqual(api.callsTo('unloadOllama').at(-1)!.args, [{ models: ['llama3.2:3b'] }]);
  const badUnload = await request(port, HTTP_ROUTES.unloadOllama.path, {
    method: 'POST',
    headers: { ...auth, ...json },
    body: JSON.stringify({ models: ['$(reboot)'], extra: 1 }),
  });
  assert.equal(badUnload.status, 400);
  assert.match(
    badUnload.text,
    /models\[0\] must be an Ollama model name.*extra unknown field|extra unknown field.*models\[0\]/,
  );
  assert.equal((await post(HTTP_ROUTES.requestPowerPermission.path, 'POST')).state, 'not-needed');
  const baseline = await get('/api/baseline');
  assert.equal(baseline.current.kind, 'learned');
  assert.equal(baseline.aboveWatts, 1.6);
  const pinned = await post('/api/baseline/pin', 'POST', {});
  assert.equal(pinned.current.kind, 'pinned');
  assert.deepEqual(api.callsTo('pinBaseline').at(-1)!.args[0], {});
  await post('/api/baseline/pin', 'POST', { clear: true });
  assert.deepEqual(api.callsTo('pinBaseline').at(-1)!.args[0], { clear: true });
  const bad = await request(port, '/api/baseline/pin', {
    method: 'POST',
    headers: { ...auth, ...json },
    body: JSON.stringify({ clear: 'soon' }),
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().fields[0].field, 'clear');
});

test('agent endpoints summarise the latest sample and the last minute', async (t) => {
  const api = new FakeMonitorApi(makeSample({ at: SAMPLE_AT - 10_000 }));
  const { port, auth } = await startHarness(t, { api });
  const busier = makeSample();
  busier.services[1]!.cpuPercent = 55;
  api.push(busier);
  const summary = (await request(port, '/api/system/metrics', { headers: auth })).json();
  assert.equal(summary.at, SAMPLE_AT);
  assert.equal(summary.power.systemWatts, 7.8);
  assert.equal(summary.thermal.pressure, 'fair');
  assert.equal(summary.battery.percent, 64);
  assert.equal(summary.idle.stackIdle, true);
  assert.equal(summary.idle.idleDurationSeconds, 600);
  assert.equal(summary.historyLength, 720);
  assert.deepEqual(summary.window, { seconds: 60, samples: 2, from: SAMPLE_AT - 10_000, to: SAMPLE_AT });
  // The plan's summary fields, beside IdleWatt's own.
  assert.equal(summary.timestamp, SAMPLE_AT / 1000);
  assert.equal(summary.power.avg_package_watts, 4.9);
  assert.equal(summary.power.current_thermal_pressure, 'fair');
  assert.equal(summary.power.current_cpu_temp, 61.5);
  assert.deepEqual(summary.processes, { ollama: 0.5, vibevoice: 50, piper: null });
  assert.equal(summary.history_minutes, (720 * busier.intervalMs) / 60_000);
  const vibevoice = summary.services.find((s: { id: string }) => s.id === 'vibevoice');
  assert.equal(vibevoice.cpuPercent, 50, 'mean of 45 and 55');
  assert.equal(vibevoice.samples, 2);
  assert.equal(summary.services.find((s: { id: string }) => s.id === 'piper').cpuPercent, null);

  const power = (await request(port, '/api/system/power', { headers: auth })).json();
  assert.equal(power.power.packageWatts, 4.9);
  assert.deepEqual(Object.keys(power.sources).sort(), ['power.packageWatts', 'power.systemWatts']);
  assert.equal(power.absent['power.aneWatts'], 'unsupported on Linux');
  const thermal = (await request(port, '/api/system/thermal', { headers: auth })).json();
  assert.equal(thermal.thermal.cpuTempCelsius, 61.5);
  const processes = (await request(port, '/api/system/processes', { headers: auth })).json();
  assert.equal(processes.services.length, 3);
  assert.equal(processes.topProcesses[0].name, 'chrome');
  const idle = (await request(port, '/api/idle', { headers: auth })).json();
  assert.equal(idle.idleDurationSeconds, 600);
  assert.deepEqual(idle.services[0], {
    id: 'ollama',
    status: 'running',
    active: false,
    lastActiveAt: SAMPLE_AT - 300_000,
  });
});

test('agent endpoints answer 503 before the first sample', async (t) => {
  const { port, auth } = await startHarness(t, { api: new FakeMonitorApi(null) });
  for (const path of ['/api/system/metrics', '/api/system/power', '/api/idle']) {
    const res = await request(port, path, { headers: auth });
    assert.equal(res.status, 503, path);
    assert.equal(res.json().error, 'no-sample');
  }
  const latest = await request(port, '/api/sample/latest', { headers: auth });
  assert.equal(latest.status, 200);
  assert.equal(latest.json(), null);
});

test('bad query values are 400s that name the parameter', async (t) => {
  const { port, auth, api } = await startHarness(t);
  const cases: [string, string][] = [
    ['/api/system/power/history?limit=abc', 'limit'],
    ['/api/system/power/history?limit=0', 'limit'],
    ['/api/system/power/history?limit=999999999', 'limit'],
    ['/api/system/power/history?limit=5&from=1', 'limit'],
    ['/api/system/power/history?from=20&to=10', 'from/to'],
    ['/api/system/power/history?points=-1', 'points'],
    ['/api/system/power/history?from=yesterday', 'from'],
    ['/api/alerts?since=soon', 'since'],
    ['/api/alerts?sinse=1h', 'sinse'],
    ['/api/alerts?since=1h&since=2h', 'since'],
    ['/api/report?since=1h&from=5', 'since'],
    ['/api/compare?after=1..2', 'before'],
    ['/api/compare?before=5..1&after=1..2', 'before'],
    ['/api/compare?before=1-2&after=1..2', 'before'],
    ['/api/services/NOT_AN_ID/history', 'id'],
    ['/api/services?x=1', 'x'],
  ];
  const callsBefore = api.calls.length;
  for (const [path, field] of cases) {
    const res = await request(port, path, { headers: auth });
    assert.equal(res.status, 400, `${path}: ${res.text}`);
    const body = res.json();
    assert.equal(body.error, 'bad-request');
    assert.ok(body.detail.length > 0);
    assert.equal(body.fields?.[0]?.field, field, path);
  }
  assert.equal(api.calls.length, callsBefore, 'a bad request never reaches the core');
  const unknownService = await request(port, '/api/services/nope/history', { headers: auth });
  assert.equal(unknownService.status, 404);
});

test('bad bodies: invalid JSON, wrong type, invalid settings and snoozes are 400s with fields', async (t) => {
  const { port, auth, api } = await startHarness(t);
  const send = (path: string, method: string, body: string, headers: Record<string, string> = json) =>
    request(port, path, { method, headers: { ...auth, ...headers }, body });

  const broken = await send('/api/settings', 'PUT', '{"schemaVersion": 1,');
  assert.equal(broken.status, 400);
  assert.match(broken.json().detail, /not valid JSON/);
  const empty = await send('/api/alerts/snooze', 'POST', '');
  assert.equal(empty.status, 400);
  const text = await send('/api/alerts/snooze', 'POST', 'rule=all', { 'Content-Type': 'text/plain' });
  assert.equal(text.status, 400);
  assert.equal(text.json().fields[0].field, 'Content-Type');

  const settings = defaultSettings() as unknown as { alerts: { idlePower: { warning: unknown } } };
  settings.alerts.idlePower.warning = 'five';
  const invalid = await send('/api/settings', 'PUT', JSON.stringify(settings));
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.json().fields[0], {
    field: 'alerts.idlePower.warning',
    reason: 'must be a number',
  });
  assert.match(invalid.json().detail, /alerts\.idlePower\.warning must be a number/);
  assert.equal(api.callsTo('updateSettings').length, 0);

  const calls = api.callsTo('snoozeAlerts').length;
  for (const [serviceId, reason] of [
    ['Not An Id', /must be lower-case letters/],
    ['nosuchservice', /no monitored service 'nosuchservice'/],
  ] as const) {
    const bad = await send(
      '/api/alerts/snooze',
      'POST',
      JSON.stringify({ rule: 'all', until: { minutes: 60 }, serviceId }),
    );
    assert.equal(bad.status, 400, serviceId);
    assert.equal(bad.json().fields[0].field, 'serviceId');
    assert.match(bad.json().detail, reason);
  }
  assert.equal(api.callsTo('snoozeAlerts').length, calls, 'a refused snooze changes nothing');

  const snooze = await send(
    '/api/alerts/snooze',
    'POST',
    JSON.stringify({ rule: 'everything', until: { minutes: -1 } }),
  );
  assert.equal(snooze.status, 400);
  assert.deepEqual(
    snooze.json().fields.map((f: { field: string }) => f.field),
    ['rule', 'until.minutes'],
  );
  // The same rule as over IPC: whole minutes only.
  const fraction = await send(
    '/api/alerts/snooze',
    'POST',
    JSON.stringify({ rule: 'all', until: { minutes: 1.5 } }),
  );
  assert.equal(fraction.status, 400);
  assert.match(fraction.json().detail, /until\.minutes must be a whole number from 1 to 10080/);
});

test('a body over 64 KB is refused with 413, declared or streamed', async (t) => {
  const { port, auth, api } = await startHarness(t);
  const big = JSON.stringify({ rule: 'all', until: 'tomorrow', pad: 'x'.repeat(70 * 1024) });
  const declared = await request(port, '/api/settings', {
    method: 'PUT',
    headers: { ...auth, ...json },
    body: big,
  });
  assert.equal(declared.status, 413);
  assert.equal(declared.json().error, 'payload-too-large');
  const chunked = await request(port, '/api/alerts/snooze', {
    method: 'POST',
    headers: { ...auth, ...json, 'Transfer-Encoding': 'chunked' },
    body: big,
  });
  assert.equal(chunked.status, 413);
  assert.equal(api.callsTo('snoozeAlerts').length, 0);
  assert.equal(api.callsTo('updateSettings').length, 0);
});

test('unknown routes are 404 and wrong methods 405 with Allow', async (t) => {
  const { port, auth } = await startHarness(t);
  const missing = await request(port, '/api/nope', { headers: auth });
  assert.equal(missing.status, 404);
  assert.equal(missing.json().error, 'not-found');
  const trailing = await request(port, '/api/services/', { headers: auth });
  assert.equal(trailing.status, 404);
  const wrong = await request(port, '/api/settings', { method: 'DELETE', headers: auth });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.allow, 'GET, PUT');
  assert.equal(wrong.json().error, 'method-not-allowed');
  const getUnload = await request(port, '/api/services/ollama/unload', { headers: auth });
  assert.equal(getUnload.status, 405);
  assert.equal(getUnload.headers.allow, 'POST');
  const postStream = await request(port, '/api/stream', { method: 'POST', headers: auth });
  assert.equal(postStream.status, 405);
  const malformed = await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n');
  assert.match(malformed, /^HTTP\/1\.1 400/);
  assert.match(malformed, /"error":"bad-request"/);
});

test('a failing core is a 500 with its message and no stack trace', async (t) => {
  const { port, auth, api, logs } = await startHarness(t);
  api.failNext = new Error('history store is closed');
  const res = await request(port, '/api/status', { headers: auth });
  assert.equal(res.status, 500);
  assert.deepEqual(res.json(), { error: 'internal', detail: 'history store is closed' });
  assert.doesNotMatch(res.text, /\bat .*\(|\.ts:\d+/);
  assert.ok(logs.some((l) => l.includes('history store is closed')));
});

test('/metrics is readable from loopback without the token and is Prometheus text', async (t) => {
  const { port } = await startHarness(t);
  const res = await request(port, '/metrics');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.match(res.text, /^unamentis_server_service_cpu_percent\{service="vibevoice"\} 45$/m);
  const post = await request(port, '/metrics', { method: 'POST' });
  assert.equal(post.status, 405);
});

test('/metrics is 404 when the exporter is off', async (t) => {
  const { port } = await startHarness(t, { metrics: null });
  assert.equal((await request(port, '/metrics')).status, 404);
});

test('the dashboard is served with content types and the CSP header', async (t) => {
  const { port } = await startHarness(t);
  const index = await request(port, '/');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(String(index.headers['content-security-policy']), /^default-src 'self'/);
  assert.match(String(index.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.match(index.text, /<title>IdleWatt<\/title>/);
  assert.equal((await request(port, '/index.html')).status, 200);
  assert.equal((await request(port, '/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await request(port, '/styles.css')).headers['content-type'], 'text/css; charset=utf-8');
  assert.equal((await request(port, '/assets/icon.svg')).headers['content-type'], 'image/svg+xml');
  const head = await request(port, '/app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal((await request(port, '/missing.js')).status, 404);
  assert.equal((await request(port, '/', { method: 'POST' })).status, 405);
});

test('path traversal is refused in every spelling', async (t) => {
  const { port } = await startHarness(t);
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/%252e%252e/secret.txt',
    '/leak.txt',
    '/%00',
    '/%zz',
    '/..\\secret.txt',
  ];
  for (const path of attempts) {
    const raw = await rawRequest(
      port,
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
    assert.ok([400, 403, 404].includes(status), `${path} answered ${status}`);
    assert.ok(!raw.includes(SECRET), `${path} leaked the secret`);
    assert.match(raw, /"error":/, `${path} answered JSON`);
  }
});

test('the event stream sends the latest sample, pushed samples and alerts, and heartbeats', async (t) => {
  const { port, auth, api } = await startHarness(t, { heartbeatMs: 50 });
  const next = makeSample({ at: SAMPLE_AT + 5000 });
  const alert = makeAlert({ id: 'a-2', at: SAMPLE_AT + 5000 });
  const stream = await readStream(
    port,
    auth,
    (text) => parseEvents(text).length >= 3 && text.includes(': heartbeat'),
    5000,
    () => {
      setTimeout(() => {
        api.push(next);
        api.pushAlert(alert);
      }, 20);
    },
  );
  assert.equal(stream.status, 200);
  assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
  const events = parseEvents(stream.text);
  assert.deepEqual(
    events.slice(0, 3).map((e) => [e.event, e.data.at]),
    [
      ['sample', SAMPLE_AT],
      ['sample', SAMPLE_AT + 5000],
      ['alert', SAMPLE_AT + 5000],
    ],
  );
  assert.deepEqual(events[1]!.data, next);
  assert.equal(events[2]!.data.id, 'a-2');
});

test('a client that stops reading the stream is dropped without growing memory', async (t) => {
  const { port, server, api, auth } = await startHarness(t, { maxStreamBufferBytes: 256 * 1024 });
  const slow = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => slow.once('connect', resolve));
  slow.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
  slow.pause();
  slow.on('error', () => {});
  t.after(() => slow.destroy());

  let fastEvents = 0;
  const fast = readStream(
    port,
    auth,
    (text) => {
      fastEvents = parseEvents(text).length;
      return server.streamStats().dropped === 1 && fastEvents > 2;
    },
    20_000,
  );
  for (let i = 0; i < 100 && server.streamStats().clients < 2; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.streamStats().clients, 2);

  // Kernel socket buffers absorb a few MB before the server's own buffer grows; the reading client
  // gets a turn of the event loop after every event so only the paused one falls behind.
  const heavy = makeSample();
  heavy.services[0]!.name = 'x'.repeat(32 * 1024);
  let pushed = 0;
  while (server.streamStats().dropped === 0 && pushed < 3000) {
    api.push({ ...heavy, at: SAMPLE_AT + ++pushed * 1000 });
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(server.streamStats().dropped, 1, `not dropped after ${pushed} events of 32 KB`);
  api.push({ ...heavy, at: SAMPLE_AT + ++pushed * 1000 });
  const result = await fast;
  assert.equal(result.status, 200);
  assert.ok(fastEvents > 2, 'the reading client keeps receiving events');
  for (let i = 0; i < 100 && server.streamStats().clients > 0; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(server.streamStats().clients, 0);
});

test('close() ends streams, unsubscribes and stops listening', async (t) => {
  const api = new FakeMonitorApi();
  const { server, port, auth } = await startHarness(t, { api });
  assert.equal(api.subscriberCount, 1);
  const ended = readStream(
    port,
    auth,
    () => false,
    5000,
    () => void server.close(),
  );
  const result = await ended;
  assert.equal(result.status, 200);
  assert.equal(api.subscriberCount, 0);
  await assert.rejects(request(port, '/api/status', { headers: auth }));
});

test('a port in use is a sentence, not a stack', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  await assert.rejects(
    startApiServer({ api: new FakeMonitorApi(), port, token: TOKEN, staticDir: null, metrics: null }),
    new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`),
  );
});

test('an explicit non-loopback host is allowed only with a warning', async (t) => {
  const logs: string[] = [];
  const server = await startApiServer({
    api: new FakeMonitorApi(),
    host: '0.0.0.0',
    port: 0,
    token: TOKEN,
    staticDir: null,
    metrics: null,
    log: (l) => logs.push(l),
    allowedHosts: ['idlewatt-box.lan'],
  });
  t.after(() => server.close());
  assert.ok(logs.some((l) => /warning: .*0\.0\.0\.0.*other machines/.test(l)));
  assert.deepEqual(server.urls, [`http://0.0.0.0:${server.port}/`]);
  const ok = await request(server.port, '/api/status', {
    headers: { Authorization: `Bearer ${TOKEN}`, Host: `idlewatt-box.lan:${server.port}` },
  });
  assert.equal(ok.status, 200);
});

test('without the token the API reveals no route: unknown paths and wrong methods are 401 too', async (t) => {
  const { port, auth } = await startHarness(t);
  for (const [path, method] of [
    ['/api/nope', 'GET'],
    ['/api/services', 'DELETE'],
    ['/api/settings', 'PUT'],
  ] as const) {
    assert.equal((await request(port, path, { method })).status, 401, `${method} ${path}`);
  }
  assert.equal((await request(port, '/api/nope', { headers: auth })).status, 404);
  assert.equal((await request(port, '/api/services', { method: 'DELETE', headers: auth })).status, 405);
});

test('PUT /api/settings that cannot be written (disk full) is a 507 with the reason, not a 400', async (t) => {
  const api = new FakeMonitorApi();
  api.updateSettings = async () => ({
    ok: false,
    errors: [
      {
        field: SETTINGS_FILE_FIELD,
        reason: 'could not be saved to /data/settings.json: ENOSPC: no space left on device, write',
      },
    ],
  });
  const { port, auth } = await startHarness(t, { api });
  const res = await request(port, HTTP_ROUTES.updateSettings.path, {
    method: 'PUT',
    headers: { ...auth, ...json },
    body: JSON.stringify(defaultSettings()),
  });
  assert.equal(res.status, 507);
  assert.equal(res.json().error, 'settings-not-saved');
  assert.match(res.json().detail, /ENOSPC: no space left on device/);
});
