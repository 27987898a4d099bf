// Every API endpoint of the real `idlewatt monitor` (replaying the shipped recording), with its auth,
// Host and bad-input rules: the HTTP layer and the core together, as agents use them.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { HTTP_ROUTES } from '../../main/contract/index.js';
import { tempDir } from '../helpers.js';
import { eventually, RECORDING, startMonitor } from './monitor-process.js';

function raw(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('every endpoint of the real monitor answers, guarded by token and Host, with JSON errors', async (t) => {
  const monitor = await startMonitor(tempDir(t), ['--replay', RECORDING, '--interval', '1']);
  t.after(() => monitor.stop());
  await eventually(
    async () => ((await monitor.api('/api/sample/latest')).body?.services ? true : undefined),
    20_000,
    'the first sample',
  );
  const now = Date.now();
  const range = `${now - 3600_000}..${now}`;
  const gets = [
    '/api/status',
    '/api/sample/latest',
    '/api/system/metrics',
    '/api/system/power',
    '/api/system/thermal',
    '/api/system/processes',
    '/api/idle',
    `/api/history?from=${now - 600_000}&to=${now}&points=100`,
    `/api/system/power/history?from=${now - 600_000}&to=${now}&points=100`,
    '/api/system/power/history?limit=10',
    `/api/services/vibevoice/history?from=${now - 600_000}&to=${now}&points=50`,
    '/api/services',
    '/api/collectors',
    `/api/alerts?since=${now - 86_400_000}`,
    '/api/settings',
    '/api/report?since=1h',
    '/api/baseline',
    `/api/compare?before=${range}&after=${range}`,
  ];
  for (const path of gets) {
    const { status, body } = await monitor.api(path);
    assert.equal(status, 200, `${path}: ${JSON.stringify(body).slice(0, 200)}`);
    assert.equal(typeof body, 'object', `${path} answers JSON`);
  }
  // Every GET route of the contract is in the list above.
  for (const [method, route] of Object.entries(HTTP_ROUTES)) {
    if (route.method !== 'GET') continue;
    assert.ok(
      gets.some((g) => g.startsWith(route.path.replace('/:id', '/vibevoice'))),
      `${method} is exercised`,
    );
  }

  const settings = (await monitor.api('/api/settings')).body;
  settings.alerts.idlePower.warning = 4;
  const put = await monitor.api('/api/settings', { method: 'PUT', body: settings });
  assert.equal(put.status, 200);
  assert.equal((await monitor.api('/api/settings')).body.alerts.idlePower.warning, 4, 'settings persist');
  const snooze = await monitor.api('/api/alerts/snooze', {
    method: 'POST',
    body: { rule: 'all', until: { minutes: 60 } },
  });
  assert.equal(snooze.status, 200);
  assert.ok(snooze.body.snoozedUntil.all > now);
  const permission = await monitor.api('/api/power/permission', { method: 'POST', body: {} });
  assert.equal(permission.status, 200);
  assert.equal(permission.body.state, 'not-needed', 'a replay needs no elevation');
  const unload = await monitor.api('/api/services/ollama/unload', { method: 'POST', body: {} });
  assert.equal(unload.status, 200);
  assert.equal(typeof unload.body.message, 'string');

  const host = `127.0.0.1:${monitor.port}`;
  const auth = { host, authorization: `Bearer ${monitor.token}` };
  assert.equal((await raw(monitor.port, '/api/services', { host })).status, 401, 'no token');
  assert.equal(
    (await raw(monitor.port, '/api/services', { host, authorization: 'Bearer wrong' })).status,
    401,
  );
  assert.equal(
    (await raw(monitor.port, '/api/services', { ...auth, host: `evil.example:${monitor.port}` })).status,
    403,
  );
  const bad = await raw(monitor.port, '/api/system/power/history?points=abc', auth);
  assert.equal(bad.status, 400);
  assert.deepEqual(Object.keys(JSON.parse(bad.body)).sort(), ['detail', 'error', 'fields']);
  const badJson = await raw(
    monitor.port,
    '/api/settings',
    { ...auth, 'content-type': 'application/json' },
    'PUT',
    '{nope',
  );
  assert.equal(badJson.status, 400);
  const huge = await raw(
    monitor.port,
    '/api/settings',
    { ...auth, 'content-type': 'application/json' },
    'PUT',
    'x'.repeat(70_000),
  );
  assert.equal(huge.status, 413);
  assert.equal((await raw(monitor.port, '/api/nope', auth)).status, 404);
  assert.equal((await raw(monitor.port, '/api/services', auth, 'DELETE')).status, 405);
  const traversal = await raw(monitor.port, '/%2e%2e/%2e%2e/package.json', auth);
  assert.ok([400, 403, 404].includes(traversal.status), `traversal refused (${traversal.status})`);
  assert.doesNotMatch(traversal.body, /"name"\s*:\s*"idlewatt"/);
});
