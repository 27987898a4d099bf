import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createOllamaCollector,
  OLLAMA_NOT_RUNNING_RECHECK_MS,
  OLLAMA_PS_URL,
  parseOllamaPs,
} from '../../../../main/collectors/common/ollama.js';
import { runCommand } from '../../../../main/collectors/exec.js';
import type { CollectorEnv } from '../../../../main/collectors/types.js';
import { FIXTURES } from '../../../helpers.js';

const fixture = (name: string): string => readFileSync(join(FIXTURES, 'ollama', name), 'utf8');
const request = { slow: false, watchPids: new Set<number>(), servicePorts: new Set<number>() };

function env(fetchImpl: typeof fetch): CollectorEnv {
  return { sysRoot: '/', procRoot: '/proc', exec: runCommand, now: () => 42, fetch: fetchImpl };
}

test('the documented /api/ps example (MIT, ollama docs/api.md)', () => {
  const parsed = parseOllamaPs(fixture('api-ps-docs-api-md.json'));
  assert.deepEqual(parsed, {
    ok: true,
    value: [
      {
        name: 'mistral:latest',
        sizeBytes: 5137025024,
        sizeVramBytes: 5137025024,
        expiresAt: Date.parse('2024-06-04T14:38:31.83753-07:00'),
      },
    ],
  });
});

test('written sample: a model kept forever expires never (null); CPU-only model has 0 VRAM', () => {
  const parsed = parseOllamaPs(fixture('written-sample-api-ps-two-models.json'));
  assert.ok(parsed.ok);
  assert.equal(parsed.value[0]!.expiresAt, null);
  assert.equal(parsed.value[1]!.sizeVramBytes, 0);
  assert.equal(parsed.value[1]!.expiresAt, Date.parse('2025-03-02T09:20:00.5Z'));
  assert.deepEqual(parseOllamaPs('{"models":[]}'), { ok: true, value: [] });
});

test('bad bodies are one-line errors', () => {
  for (const body of ['<html>', '{}', '{"models":[{"size":1}]}', 'null']) {
    const parsed = parseOllamaPs(body);
    assert.equal(parsed.ok, false, body);
    if (!parsed.ok) assert.doesNotMatch(parsed.error, /\n/);
  }
});

test('the probe: GET /api/ps with a 1 s timeout → Observation.ollama', async () => {
  let asked: { url: string; signal: AbortSignal | null } | null = null;
  const fake = (async (url: string, init?: RequestInit) => {
    asked = { url, signal: init?.signal ?? null };
    return new Response(fixture('api-ps-docs-api-md.json'), { status: 200 });
  }) as typeof fetch;
  const reading = await createOllamaCollector(env(fake)).collect(request);
  assert.equal(reading.status, 'ok');
  if (reading.status === 'ok') assert.equal(reading.value.ollama![0]!.name, 'mistral:latest');
  assert.equal(asked!.url, OLLAMA_PS_URL);
  assert.ok(asked!.signal instanceof AbortSignal);
});

test('absent when Ollama is not running; errors for timeouts, HTTP errors and bad JSON', async () => {
  const refused = (async () => {
    throw new TypeError('fetch failed');
  }) as unknown as typeof fetch;
  const notRunning = await createOllamaCollector(env(refused)).collect(request);
  assert.deepEqual(notRunning, { status: 'absent', reason: 'not-present', detail: 'Ollama is not running' });
  const slow = (async () => {
    throw new DOMException('timed out', 'TimeoutError');
  }) as unknown as typeof fetch;
  assert.equal((await createOllamaCollector(env(slow)).collect(request)).status, 'error');
  const http500 = (async () => new Response('oops', { status: 500 })) as unknown as typeof fetch;
  assert.equal((await createOllamaCollector(env(http500)).collect(request)).status, 'error');
  const garbage = (async () => new Response('<html>', { status: 200 })) as unknown as typeof fetch;
  assert.equal((await createOllamaCollector(env(garbage)).collect(request)).status, 'error');
});

test('a real connection to a closed port reads as absent, and is not asked again at once', async () => {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  let asked = 0;
  const counting = ((...args: Parameters<typeof fetch>) => {
    asked += 1;
    return globalThis.fetch(...args);
  }) as typeof fetch;
  const collector = createOllamaCollector(env(counting), `http://127.0.0.1:${port}/api/ps`);
  assert.equal((await collector.collect(request)).status, 'absent');
  assert.equal((await collector.collect(request)).status, 'absent');
  assert.equal(asked, 1, 'fetch reports a refusal as ECONNREFUSED in its cause');
});

function refusedError(): TypeError {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:11434'), { code: 'ECONNREFUSED' });
  return new TypeError('fetch failed', { cause });
}

test('a server found not running is asked again only after the recheck time, then seen at once', async () => {
  let at = 1_000;
  let running = false;
  let asked = 0;
  const fetchImpl = (async () => {
    asked += 1;
    if (!running) throw refusedError();
    return new Response(fixture('api-ps-docs-api-md.json'), { status: 200 });
  }) as unknown as typeof fetch;
  const collector = createOllamaCollector({ ...env(fetchImpl), now: () => at });
  assert.equal((await collector.collect(request)).status, 'absent');
  running = true;
  at += OLLAMA_NOT_RUNNING_RECHECK_MS - 1;
  assert.equal((await collector.collect(request)).status, 'absent');
  assert.equal(asked, 1);
  at += 1;
  assert.equal((await collector.collect(request)).status, 'ok');
  assert.equal((await collector.collect(request)).status, 'ok');
  assert.equal(asked, 3);
});

test('only a refused connection is remembered: other failures and bad answers are asked again', async () => {
  let asked = 0;
  const otherFailure = (async () => {
    asked += 1;
    throw new TypeError('fetch failed', { cause: new Error('not in the recording') });
  }) as unknown as typeof fetch;
  const failing = createOllamaCollector(env(otherFailure));
  assert.equal((await failing.collect(request)).status, 'absent');
  assert.equal((await failing.collect(request)).status, 'absent');
  assert.equal(asked, 2);
  const garbage = (async () => {
    asked += 1;
    return new Response('<html>', { status: 200 });
  }) as unknown as typeof fetch;
  const answering = createOllamaCollector(env(garbage));
  assert.equal((await answering.collect(request)).status, 'error');
  assert.equal((await answering.collect(request)).status, 'error');
  assert.equal(asked, 4);
});

test('a clock that goes backwards ends the memory of a refusal', async () => {
  let at = 100_000;
  let asked = 0;
  const refused = (async () => {
    asked += 1;
    throw refusedError();
  }) as unknown as typeof fetch;
  const collector = createOllamaCollector({ ...env(refused), now: () => at });
  await collector.collect(request);
  at -= 1;
  await collector.collect(request);
  assert.equal(asked, 2);
});
