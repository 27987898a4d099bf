import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { test, type TestContext } from 'node:test';
import { createWebhookSink, sendWebhook, type WebhookResult } from '../../../../main/alerts/sinks/webhook.js';
import type { AlertEvent } from '../../../../main/contract/alerts.js';
import { FIRED } from './events.js';

interface Received {
  method: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** A local receiver; `respond` decides each answer (return false to never answer). */
async function receiver(
  t: TestContext,
  respond: (n: number, res: ServerResponse) => boolean | void = (_n, res) => void res.end('ok'),
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(text) });
      respond(received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}

async function timed(work: () => Promise<WebhookResult>): Promise<{ result: WebhookResult; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

test('posts the event as JSON (plus a text line) and reports success', async (t) => {
  const { url, received } = await receiver(t);
  const result = await sendWebhook(FIRED, { url, fetch });
  assert.deepEqual(result, { ok: true, status: 200, attempts: 1 });
  assert.deepEqual(received, [
    {
      method: 'POST',
      contentType: 'application/json',
      body: { ...FIRED, text: `${FIRED.title}: ${FIRED.message}` },
    },
  ]);
});

test('a 500 is retried after a backoff, then succeeds', async (t) => {
  const { url, received } = await receiver(t, (n, res) => {
    res.statusCode = n === 1 ? 500 : 204;
    res.end();
  });
  const waits: number[] = [];
  const result = await sendWebhook(FIRED, {
    url,
    fetch,
    backoffMs: 30,
    sleep: async (ms) => void waits.push(ms),
  });
  assert.deepEqual(result, { ok: true, status: 204, attempts: 2 });
  assert.equal(received.length, 2);
  assert.deepEqual(waits, [30]);
});

test('retries are bounded with doubling backoff; a 4xx is not retried', async (t) => {
  const failing = await receiver(t, (_n, res) => {
    res.statusCode = 503;
    res.end();
  });
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  const result = await sendWebhook(FIRED, { url: failing.url, fetch, retries: 3, backoffMs: 100, sleep });
  assert.deepEqual(result, { ok: false, status: 503, reason: 'the receiver answered 503', attempts: 4 });
  assert.deepEqual(waits, [100, 200, 400]);
  assert.equal(failing.received.length, 4);

  const gone = await receiver(t, (_n, res) => {
    res.statusCode = 404;
    res.end();
  });
  const notFound = await sendWebhook(FIRED, { url: gone.url, fetch, sleep });
  assert.deepEqual(notFound, { ok: false, status: 404, reason: 'the receiver answered 404', attempts: 1 });
});

test('a receiver that never answers hits the timeout on every attempt, within the bound', async (t) => {
  const { url, received } = await receiver(t, () => false);
  const { result, ms } = await timed(() =>
    sendWebhook(FIRED, { url, fetch, timeoutMs: 200, retries: 1, backoffMs: 20 }),
  );
  assert.deepEqual(result, { ok: false, reason: 'timed out after 200 ms', attempts: 2 });
  assert.equal(received.length, 2);
  assert.ok(ms >= 400, `waited for both attempts (${ms.toFixed(0)} ms)`);
  assert.ok(ms < 400 + 20 + 1000, `bounded by 2 × 200 ms + 20 ms backoff (took ${ms.toFixed(0)} ms)`);
});

test('a refused port fails fast with the reason, without throwing', async () => {
  const url = await refusedUrl();
  const { result, ms } = await timed(() => sendWebhook(FIRED, { url, fetch, retries: 2, backoffMs: 10 }));
  assert.equal(result.ok, false);
  assert.equal(result.attempts, 3);
  assert.match((result as { reason: string }).reason, /ECONNREFUSED/);
  assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
});

test('a fetch that ignores the abort signal or throws is still bounded and caught', async () => {
  const never: typeof fetch = () => new Promise<Response>(() => undefined);
  const { result, ms } = await timed(() =>
    sendWebhook(FIRED, { url: 'http://127.0.0.1:9/', fetch: never, timeoutMs: 50, retries: 0 }),
  );
  assert.deepEqual(result, { ok: false, reason: 'timed out after 50 ms', attempts: 1 });
  assert.ok(ms < 1000);
  const throwing = (() => {
    throw new TypeError('bad fetch');
  }) as unknown as typeof fetch;
  assert.deepEqual(await sendWebhook(FIRED, { url: 'http://127.0.0.1:9/', fetch: throwing, retries: 0 }), {
    ok: false,
    reason: 'bad fetch',
    attempts: 1,
  });
  assert.deepEqual(await sendWebhook(FIRED, { url: 'ftp://example.com', fetch: throwing }), {
    ok: false,
    reason: 'the webhook URL must start with http:// or https://',
    attempts: 0,
  });
});

test('the sink returns at once, delivers in order in the background, and drops beyond its bound', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { url, received } = await receiver(t, (_n, res) => {
    void gate.then(() => res.end('ok'));
  });
  const results: [string, WebhookResult][] = [];
  const sink = createWebhookSink({
    url: () => url,
    fetch,
    maxPending: 2,
    onResult: (event, result) => results.push([event.id, result]),
  });
  const events: AlertEvent[] = [1, 2, 3, 4].map((n) => ({ ...FIRED, id: `e${n}` }));
  const start = performance.now();
  events.forEach((e) => sink.notify(e));
  assert.ok(performance.now() - start < 50, 'notify never waits for the receiver');
  // e1 is in flight; e2 was dropped when e4 arrived (only 2 may wait).
  assert.deepEqual(results, [
    ['e2', { ok: false, reason: 'dropped: too many events waiting for the webhook', attempts: 0 }],
  ]);
  release();
  await sink.settled();
  assert.deepEqual(
    results.map(([id, r]) => [id, r.ok]),
    [
      ['e2', false],
      ['e1', true],
      ['e3', true],
      ['e4', true],
    ],
  );
  assert.deepEqual(
    received.map((r) => (r.body as AlertEvent).id),
    ['e1', 'e3', 'e4'],
  );
});

test('with no webhook URL configured the sink sends nothing', async () => {
  let calls = 0;
  const counting = (async () => {
    calls++;
    return new Response('ok');
  }) as typeof fetch;
  let url: string | null = null;
  const sink = createWebhookSink({ url: () => url, fetch: counting });
  sink.notify(FIRED);
  await sink.settled();
  assert.equal(calls, 0);
  url = 'http://127.0.0.1:9/hook';
  sink.notify(FIRED);
  await sink.settled();
  assert.equal(calls, 1);
});
