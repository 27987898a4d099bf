import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { PowermetricsStreamReader } from '../../../../main/collectors/darwin/powermetrics-stream.js';
import type { PowermetricsSample } from '../../../../main/collectors/darwin/powermetrics-sample.js';
import { FIXTURES } from '../../../helpers.js';

const read = (name: string): Buffer => readFileSync(join(FIXTURES, 'powermetrics', name));
const GPU_MULTI = read('m4pro-mac16_8-macos15_5-plist-gpu_power_multiple_samples.xml');
const M4MAX = read('m4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist');

function collect(): { reader: PowermetricsStreamReader; samples: PowermetricsSample[]; errors: string[] } {
  const samples: PowermetricsSample[] = [];
  const errors: string[] = [];
  const reader = new PowermetricsStreamReader({
    onSample: (s) => samples.push(s),
    onMalformed: (e) => errors.push(e),
  });
  return { reader, samples, errors };
}

function feedInChunks(reader: PowermetricsStreamReader, bytes: Buffer, sizes: number[]): void {
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = sizes.length > 0 ? sizes[i++ % sizes.length]! : bytes.length;
    reader.push(bytes.subarray(at, at + size));
    at += size;
  }
}

test('the stream fed in random chunk sizes yields the same samples as the whole file', () => {
  // A multi-byte character in a task name proves splits inside UTF-8 sequences are kept intact.
  const withUtf8 = Buffer.from(
    M4MAX.toString('utf8').replace('<string>ghostty</string>', '<string>ghöstty ⚡</string>'),
  );
  const stream = Buffer.concat([GPU_MULTI, Buffer.from([0]), withUtf8, Buffer.from([0])]);
  const whole = collect();
  whole.reader.push(stream);
  assert.equal(whole.samples.length, 6);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 30 }), (sizes) => {
      const chunked = collect();
      feedInChunks(chunked.reader, stream, sizes);
      assert.deepEqual(chunked.samples, whole.samples);
      assert.equal(chunked.reader.malformed, 0);
      assert.equal(chunked.samples[5]!.tasks.find((t) => t.pid === 1386)!.name, 'ghöstty ⚡');
    }),
    { numRuns: 60 },
  );
});

test('the unterminated tail waits for its NUL; end() parses a final document without one', () => {
  const { reader, samples } = collect();
  const doc = read('m4pro-mac16_8-macos15_5-plist-battery.xml');
  reader.push(doc);
  assert.equal(samples.length, 0);
  reader.push(Buffer.from([0]));
  assert.equal(samples.length, 1);
  reader.push(doc);
  reader.end();
  assert.equal(samples.length, 2);
});

test('truncated and garbage documents are counted and skipped; the stream goes on', () => {
  const { reader, samples, errors } = collect();
  const doc = read('m4pro-mac16_8-macos15_5-plist-battery.xml');
  reader.push(Buffer.concat([doc.subarray(0, 200), Buffer.from([0])]));
  reader.push('\u0000\u0000 garbage \u0001\u0002 \u0000');
  reader.push(Buffer.concat([doc, Buffer.from([0])]));
  assert.equal(reader.malformed, 2);
  assert.equal(errors.length, 2);
  assert.equal(samples.length, 1);
  assert.equal(reader.samples, 1);
});
