import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createShutdown } from '../../../main/shell/shutdown.js';

test('steps run once, in order, even when quit is requested twice', async () => {
  const order: string[] = [];
  const shutdown = createShutdown([
    { name: 'api', run: async () => void order.push('api') },
    { name: 'core', run: () => void order.push('core') },
  ]);
  assert.equal(shutdown.finished, false);
  await Promise.all([shutdown.run(), shutdown.run()]);
  await shutdown.run();
  assert.deepEqual(order, ['api', 'core']);
  assert.equal(shutdown.finished, true);
});

test('a failing or hanging step is logged and skipped so quitting completes', async () => {
  const order: string[] = [];
  const log: string[] = [];
  const shutdown = createShutdown(
    [
      { name: 'the HTTP API', run: () => Promise.reject(new Error('EADDRINUSE')) },
      { name: 'powermetrics', run: () => new Promise<void>(() => {}) },
      { name: 'history', run: () => void order.push('history flushed') },
    ],
    { stepTimeoutMs: 30, log: (line) => log.push(line) },
  );
  await shutdown.run();
  assert.deepEqual(order, ['history flushed']);
  assert.deepEqual(log, [
    'IdleWatt: the HTTP API failed while quitting: EADDRINUSE',
    'IdleWatt: quitting without waiting for powermetrics (over 30 ms)',
  ]);
});
