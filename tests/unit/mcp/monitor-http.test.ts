import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiError, defaultSettings } from '../../../main/contract/index.js';
import { createMonitorHttp, MonitorUnavailable, resolveEndpoint } from '../../../main/mcp/monitor-http.js';
import { tempDir } from '../../helpers.js';

function dataDirWith(t: Parameters<typeof tempDir>[0], port: number | null, token = 'a'.repeat(43)): string {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'api-token'), `${token}\n`);
  if (port !== null) {
    const settings = defaultSettings();
    settings.api.port = port;
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  }
  return dir;
}

test('the endpoint is 127.0.0.1 at --port, else the settings port, with the data directory token', async (t) => {
  const dir = dataDirWith(t, 9123);
  assert.deepEqual(await resolveEndpoint(dir, null), {
    baseUrl: 'http://127.0.0.1:9123',
    dataDir: dir,
    token: 'a'.repeat(43),
  });
  assert.equal((await resolveEndpoint(dir, 4000)).baseUrl, 'http://127.0.0.1:4000');
  assert.equal((await resolveEndpoint(dataDirWith(t, null), null)).baseUrl, 'http://127.0.0.1:8787');
});

test('requests carry the bearer token; API errors keep their message; a refused token explains itself', async (t) => {
  const seen: { url: string; auth: string | null }[] = [];
  const fakeFetch = (async (url: URL, init: RequestInit) => {
    seen.push({ url: String(url), auth: new Headers(init.headers).get('authorization') });
    if (String(url).includes('/api/report')) {
      return new Response(
        JSON.stringify({ error: 'bad-request', detail: "query parameter 'since' must be a duration" }),
        {
          status: 400,
        },
      );
    }
    if (String(url).includes('/api/alerts')) return new Response('{"error":"unauthorized"}', { status: 401 });
    return new Response('{"ok":true}', { status: 200 });
  }) as typeof fetch;
  const dir = dataDirWith(t, 9123);
  const http = createMonitorHttp(await resolveEndpoint(dir, null), fakeFetch);
  assert.deepEqual(await http.get('/api/status', { since: undefined, points: 3 }), { ok: true });
  assert.deepEqual(seen[0], {
    url: 'http://127.0.0.1:9123/api/status?points=3',
    auth: `Bearer ${'a'.repeat(43)}`,
  });
  await assert.rejects(http.get('/api/report', { since: 'x' }), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 400);
    assert.match(e.message, /'since' must be a duration/);
    return true;
  });
  await assert.rejects(http.get('/api/alerts'), (e: unknown) => {
    assert.ok(e instanceof MonitorUnavailable);
    assert.match(e.message, /refused the token .*another --data-dir/);
    return true;
  });
});
