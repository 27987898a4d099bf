import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultSettings,
  ipcChannel,
  MONITOR_API_METHODS,
  type MonitorApi,
} from '../../../main/contract/index.js';
import {
  createSenderCheck,
  registerIpcHandlers,
  type InvokeEventLike,
} from '../../../main/shell/ipc-handlers.js';
import { checkIpcPayload } from '../../../main/shell/ipc-payloads.js';

const INDEX_URL = 'file:///Applications/IdleWatt.app/Contents/Resources/app.asar/dist/renderer/index.html';
const popoverWindow = { id: 'popover' };
const otherWindow = { id: 'other' };
const popoverContents = { owner: popoverWindow };
const otherContents = { owner: otherWindow };

function setup() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const calls: [string, unknown[]][] = [];
  const api = new Proxy({} as MonitorApi, {
    get:
      (_target, method: string) =>
      async (...args: unknown[]) => {
        calls.push([method, args]);
        return { method };
      },
  });
  const refusals: string[] = [];
  const dispose = registerIpcHandlers({
    ipcMain: {
      handle: (channel, listener) => void handlers.set(channel, listener as never),
      removeHandler: (channel) => void handlers.delete(channel),
    },
    api,
    checkSender: createSenderCheck({
      indexUrl: INDEX_URL,
      windowOf: (sender) => (sender as { owner: unknown } | null)?.owner ?? null,
      popoverWindow: () => popoverWindow,
    }),
    log: (line) => refusals.push(line),
  });
  const invoke = (method: string, event: InvokeEventLike, ...args: unknown[]) =>
    handlers.get(ipcChannel(method as never))!(event, ...args);
  return { handlers, calls, dispose, invoke, refusals };
}

const fromPopover: InvokeEventLike = {
  sender: popoverContents,
  senderFrame: { url: `${INDEX_URL}#settings` },
};

test('one handler per MonitorApi method, on the contract channels, removed by dispose', () => {
  const { handlers, dispose } = setup();
  assert.deepEqual([...handlers.keys()].sort(), MONITOR_API_METHODS.map(ipcChannel).sort());
  dispose();
  assert.equal(handlers.size, 0);
});

test('a valid call from the popover reaches the API with its payload', async () => {
  const { invoke, calls } = setup();
  const query = { from: 1, to: 2, points: 100 };
  assert.deepEqual(await invoke('getHistory', fromPopover, query), { method: 'getHistory' });
  assert.deepEqual(await invoke('getStatus', fromPopover), { method: 'getStatus' });
  await invoke('updateSettings', fromPopover, defaultSettings());
  assert.deepEqual(
    calls.map(([m]) => m),
    ['getHistory', 'getStatus', 'updateSettings'],
  );
  assert.deepEqual(calls[0]![1], [query]);
});

test('an invalid payload is rejected with a labelled error and never reaches the API', async () => {
  const { invoke, calls } = setup();
  await assert.rejects(
    invoke('getHistory', fromPopover, { from: 1, to: 2, points: 1e9 }),
    /Invalid request to getHistory: query\.points must be a whole number from 1 to 10000/,
  );
  await assert.rejects(invoke('getStatus', fromPopover, 'extra'), /getStatus takes no arguments, got 1/);
  await assert.rejects(
    invoke('snoozeAlerts', fromPopover, { rule: 'everything', until: 'tomorrow' }),
    /request\.rule/,
  );
  await assert.rejects(
    invoke('updateSettings', fromPopover, '{"api":1}'),
    /settings must be a settings object/,
  );
  assert.equal(calls.length, 0);
});

test('a foreign sender is rejected: another window, another page, or a frame that is gone', async () => {
  const { invoke, calls, refusals } = setup();
  await assert.rejects(
    invoke('getSettings', { sender: otherContents, senderFrame: { url: INDEX_URL } }),
    /IdleWatt refused getSettings: it does not come from the IdleWatt popover window/,
  );
  await assert.rejects(
    invoke('getSettings', {
      sender: popoverContents,
      senderFrame: { url: 'https://evil.example/index.html' },
    }),
    /refused getSettings: it comes from 'https:\/\/evil\.example\/index\.html'/,
  );
  await assert.rejects(
    invoke('getSettings', { sender: popoverContents, senderFrame: { url: 'file:///tmp/index.html' } }),
    /not the IdleWatt page/,
  );
  await assert.rejects(
    invoke('getSettings', { sender: popoverContents, senderFrame: null }),
    /a frame that is gone/,
  );
  await assert.rejects(
    invoke('getSettings', { sender: null, senderFrame: { url: INDEX_URL } }),
    /popover window/,
  );
  assert.equal(calls.length, 0);
  assert.equal(refusals.length, 5, 'each refusal is logged');
});

test('payload checks cover every argument shape of the contract', () => {
  const ok = (method: Parameters<typeof checkIpcPayload>[0], ...args: unknown[]) =>
    assert.equal(checkIpcPayload(method, args).ok, true, `${method} ${JSON.stringify(args)}`);
  const bad = (method: Parameters<typeof checkIpcPayload>[0], ...args: unknown[]) =>
    assert.equal(checkIpcPayload(method, args).ok, false, `${method} ${JSON.stringify(args)}`);
  ok('getServiceHistory', { from: 0, to: 10, points: 5, serviceId: 'ollama' });
  bad('getServiceHistory', { from: 0, to: 10, points: 5, serviceId: '../etc' });
  ok('getAlerts', {});
  ok('getAlerts', { since: 5 });
  bad('getAlerts', { since: 'yesterday' });
  bad('getAlerts');
  ok('snoozeAlerts', { rule: 'idle-power', until: { minutes: 60 } });
  ok('snoozeAlerts', { rule: 'all', until: 'tomorrow' });
  bad('snoozeAlerts', { rule: 'all', until: { minutes: 0 } });
  bad('snoozeAlerts', { rule: 'all', until: { minutes: 1.5 } });
  bad('getReport', { from: 1, to: 1 });
  bad('getReport', { from: 2, to: 1 });
  bad('getReport', { from: Number.NaN, to: 1 });
  ok('compare', { from: 1, to: 2 }, { from: 3, to: 4 });
  bad('compare', { from: 1, to: 2 });
  bad('getHistory', null);
  bad('getHistory', [1, 2, 3]);
});
