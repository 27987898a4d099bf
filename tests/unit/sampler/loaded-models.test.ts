import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeModels } from '../../../main/contract/format.js';
import { summarizeModels } from '../../../main/sampler/loaded-models.js';

const now = Date.UTC(2026, 0, 1);
const describeOllama = (models: Parameters<typeof summarizeModels>[0], at: number) =>
  describeModels(summarizeModels(models), at);

test('loaded models are summarised with size and time to unload', () => {
  const models = [
    { name: 'llama3:8b', sizeBytes: 5.6e9, sizeVramBytes: 5.6e9, expiresAt: now + 3 * 60_000 },
    { name: 'nomic-embed', sizeBytes: 3.5e9, sizeVramBytes: 0, expiresAt: now + 60_000 },
  ];
  assert.deepEqual(summarizeModels(models), {
    count: 2,
    bytes: 9.1e9,
    unloadsAt: now + 3 * 60_000,
    keptLoaded: false,
  });
  assert.equal(describeOllama(models, now), '2 models loaded, 9.1 GB, unloads in 3 min');
  assert.equal(describeOllama(models, now + 3 * 60_000), '2 models loaded, 9.1 GB, unloading');
});

test('no models, a model kept forever, and a small model', () => {
  assert.equal(describeOllama([], now), 'idle, no models');
  assert.equal(
    describeOllama([{ name: 'x', sizeBytes: 400e6, sizeVramBytes: 0, expiresAt: null }], now),
    '1 model loaded, 400 MB, kept loaded',
  );
  assert.equal(
    describeOllama(
      [{ name: 'x', sizeBytes: 2e9, sizeVramBytes: 0, expiresAt: now + 2 * 3600_000 + 10 * 60_000 }],
      now,
    ),
    '1 model loaded, 2.0 GB, unloads in 2 h 10 min',
  );
});
