import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSample, encodeSample } from '../../../main/store/record-codec.js';
import { parseByteSize, parseLoadedModels } from '../../../main/store/legacy-model-line.js';
import { makeStackSample, T0 } from './sample-factory.js';

const unknownExpiry = { unloadsAt: null, keptLoaded: false };

test('an old record’s Ollama probe line is read back into models and bytes', () => {
  assert.deepEqual(parseLoadedModels('2 models loaded, 9.1 GB, unloads in 3 min'), {
    count: 2,
    bytes: 9.1e9,
    ...unknownExpiry,
  });
  assert.deepEqual(parseLoadedModels('1 model loaded, 4.7 GB, unloads in 4 min'), {
    count: 1,
    bytes: 4.7e9,
    ...unknownExpiry,
  });
  assert.deepEqual(parseLoadedModels('1 model loaded, 400 MB, kept loaded'), {
    count: 1,
    bytes: 400e6,
    unloadsAt: null,
    keptLoaded: true,
  });
  assert.deepEqual(parseLoadedModels('idle, no models'), { count: 0, bytes: 0, ...unknownExpiry });
  assert.equal(parseLoadedModels('probe timed out'), null);
  assert.equal(parseLoadedModels(null), null);
  assert.equal(parseByteSize('9.1 GB'), 9.1e9);
  assert.equal(parseByteSize('800 MiB'), 800 * 1024 ** 2);
  assert.equal(parseByteSize('lots'), null);
});

test('records keep the figures as numbers, and records written with the sentence still decode', () => {
  const sample = makeStackSample({ at: T0 });
  const line = encodeSample(sample);
  const ollama = (s: typeof sample) => s.services.find((x) => x.id === 'ollama')!.models;
  assert.deepEqual(ollama(decodeSample(line)!), {
    count: 1,
    bytes: 4.7e9,
    unloadsAt: T0 + 4 * 60_000,
    keptLoaded: false,
  });
  const old = line.replace(/\[1,4700000000,240000,0\]/, '"1 model loaded, 4.7 GB, unloads in 4 min"');
  assert.notEqual(old, line, 'the figures are written as [count, bytes, ms until unload, kept]');
  assert.deepEqual(ollama(decodeSample(old)!), { count: 1, bytes: 4.7e9, ...unknownExpiry });
});
