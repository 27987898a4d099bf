import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultSettings,
  type AlertEvent,
  type Sample,
  type SnoozeState,
} from '../../../main/contract/index.js';
import { createMonitorCore, type CoreStore } from '../../../main/assembly/monitor-core.js';
import { unloadOllamaModels } from '../../../main/assembly/ollama-unload.js';
import type { Sampler } from '../../../main/sampler/sampler.js';
import { makeAlert, makeSample } from '../store/sample-factory.js';

function fakeStore(): CoreStore & { samples: Sample[]; events: AlertEvent[] } {
  const samples: Sample[] = [];
  const events: AlertEvent[] = [];
  return {
    samples,
    events,
    append: (s) => void samples.push(s),
    appendAlert: (e) => void events.push(e),
    latest: () => samples.at(-1) ?? null,
    size: () => samples.length,
    history: async () => [],
    serviceHistory: async () => [],
    alerts: async (since) => events.filter((e) => since === undefined || e.at >= since),
    close: async () => undefined,
  };
}

function fakeSampler(next: () => Sample) {
  const calls: string[] = [];
  const sampler = {
    tick: async () => next(),
    start: () => calls.push('start'),
    stop: () => calls.push('stop'),
    markGap: (reason: string) => calls.push(`gap:${reason}`),
    setUserIdleSeconds: () => undefined,
    setOnBattery: () => undefined,
    setWatched: (w: boolean) => calls.push(`watched:${w}`),
  };
  return { sampler: sampler as unknown as Sampler, calls };
}

function makeCore(
  store = fakeStore(),
  evaluate: (s: Sample) => AlertEvent[] = () => [],
  notices: () => string[] = () => [],
) {
  const settings = defaultSettings();
  const errors: Error[] = [];
  let snoozed: SnoozeState = { snoozedUntil: {} };
  let at = 1_000;
  const { sampler, calls } = fakeSampler(() => makeSample({ at: (at += 5000) }));
  const core = createMonitorCore({
    sampler,
    store,
    settings: {
      get: () => settings,
      update: () => ({ ok: true, settings }),
      notices: ['settings were migrated'],
    },
    alerts: {
      evaluate,
      snooze: (request, now) => {
        snoozed = { snoozedUntil: { all: now + 60_000 } };
        return { state: snoozed, events: [makeAlert({ id: 'snooze', kind: 'snoozed', at: now })] };
      },
      snoozeState: () => snoozed,
    },
    report: async () => {
      throw new Error('not used');
    },
    compare: async () => {
      throw new Error('not used');
    },
    mode: 'headless',
    notices,
    version: '9.9.9',
    dataDir: null,
    onError: (e) => errors.push(e),
    now: () => 42,
  });
  return { core, store, errors, calls };
}

test('each sample is stored, then given to listeners, then to the alert engine whose events are stored and emitted', async () => {
  const fired = makeAlert({ id: 'a1' });
  const { core, store } = makeCore(fakeStore(), (s) => (s.at === 6000 ? [fired] : []));
  const seen: string[] = [];
  core.onSample((s) => seen.push(`sample:${s.at}`));
  core.onAlert((e) => seen.push(`alert:${e.id}`));
  await core.tickOnce();
  await core.tickOnce();
  assert.deepEqual(seen, ['sample:6000', 'alert:a1', 'sample:11000']);
  assert.deepEqual(
    store.samples.map((s) => s.at),
    [6000, 11000],
  );
  assert.deepEqual(
    store.events.map((e) => e.id),
    ['a1'],
  );
  assert.equal((await core.api.getLatest())?.at, 11000);
  const status = await core.api.getStatus();
  assert.equal(status.historyLength, 2);
  assert.deepEqual(status.notices, ['settings were migrated']);
});

test('a throwing listener or alert engine is reported and does not stop the others', async () => {
  const { core, store, errors } = makeCore(fakeStore(), () => {
    throw new Error('engine broke');
  });
  core.onSample(() => {
    throw new Error('listener broke');
  });
  const after: number[] = [];
  core.onSample((s) => after.push(s.at));
  await core.tickOnce();
  assert.deepEqual(after, [6000]);
  assert.equal(store.samples.length, 1);
  assert.deepEqual(
    errors.map((e) => e.message),
    ['listener broke', 'engine broke'],
  );
});

test('subscribing does not mark the sampler watched; unsubscribe stops delivery; snooze events are stored', async () => {
  const { core, store, calls } = makeCore();
  const got: number[] = [];
  const off = core.api.subscribe({ onSample: (s) => got.push(s.at) });
  await core.tickOnce();
  off();
  await core.tickOnce();
  assert.deepEqual(got, [6000]);
  assert.ok(!calls.some((c) => c.startsWith('watched')), 'watching is the shell’s and the API’s signal');
  core.signals.setWatched(true);
  assert.deepEqual(calls.slice(-1), ['watched:true']);
  const state = await core.api.snoozeAlerts({ rule: 'all', until: { minutes: 1 } });
  assert.equal(state.snoozedUntil.all, 42 + 60_000);
  assert.deepEqual(core.snoozeState(), state, 'the core reads the runner’s snoozes, the only copy');
  assert.deepEqual(
    store.events.map((e) => e.kind),
    ['snoozed'],
  );
});

test('unloading Ollama asks each loaded model to unload with keep_alive 0 and reports it', async () => {
  const requests: { url: string; body?: string }[] = [];
  const fakeFetch = (async (url: string, init?: RequestInit) => {
    requests.push({ url, body: init?.body as string | undefined });
    if (url.endsWith('/api/ps')) {
      return new Response(
        JSON.stringify({ models: [{ name: 'llama3:8b', model: 'llama3:8b' }, { model: 'nomic' }] }),
      );
    }
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  const result = await unloadOllamaModels('http://127.0.0.1:11434', fakeFetch);
  assert.deepEqual(result, {
    ok: true,
    unloaded: ['llama3:8b', 'nomic'],
    notLoaded: [],
    message: 'Asked Ollama to unload llama3:8b, nomic.',
  });
  assert.deepEqual(
    requests.slice(1).map((r) => JSON.parse(r.body!)),
    [
      { model: 'llama3:8b', keep_alive: 0 },
      { model: 'nomic', keep_alive: 0 },
    ],
  );
});

test('unloading named Ollama models touches only those that are loaded and names the rest', async () => {
  const generated: unknown[] = [];
  const fakeFetch = (async (url: string, init?: RequestInit) => {
    if (url.endsWith('/api/ps')) {
      return new Response(JSON.stringify({ models: [{ model: 'llama3:8b' }, { model: 'nomic' }] }));
    }
    generated.push(JSON.parse(init!.body as string));
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  const result = await unloadOllamaModels('http://127.0.0.1:11434', fakeFetch, ['nomic', 'qwen2.5:7b']);
  assert.deepEqual(generated, [{ model: 'nomic', keep_alive: 0 }], 'an unknown name is never sent to Ollama');
  assert.deepEqual(result, {
    ok: true,
    unloaded: ['nomic'],
    notLoaded: ['qwen2.5:7b'],
    message: 'Asked Ollama to unload nomic. Not loaded: qwen2.5:7b (loaded: llama3:8b, nomic).',
  });
  const none = await unloadOllamaModels('http://127.0.0.1:11434', fakeFetch, ['qwen2.5:7b']);
  assert.equal(
    none.message,
    'None of the named models was loaded. Not loaded: qwen2.5:7b (loaded: llama3:8b, nomic).',
  );
});

test('unloading Ollama when it is not running is a clear failure, not a throw', async () => {
  const refused = (async () => {
    throw new TypeError('fetch failed');
  }) as typeof fetch;
  const result = await unloadOllamaModels('http://127.0.0.1:1', refused);
  assert.equal(result.ok, false);
  assert.match(result.message, /not reachable/);
});

test('status notices include conditions such as history not being saved, as they come and go', async () => {
  let historyError: string | null = 'cannot save history: ENOSPC';
  const { core } = makeCore(
    fakeStore(),
    () => [],
    () => (historyError ? [`History: ${historyError}`] : []),
  );
  assert.deepEqual((await core.api.getStatus()).notices, [
    'settings were migrated',
    'History: cannot save history: ENOSPC',
  ]);
  historyError = null;
  assert.deepEqual((await core.api.getStatus()).notices, ['settings were migrated']);
});
