// Raw segments are read as streams of lines, never as one string: a segment larger than the
// longest string (observed at 512 MiB) or one huge line leaves the rest of its hour readable, the
// unreadable part is quarantined with a notice, and no segment grows without bound. The limits are
// injected small here instead of writing hundreds of MiB.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openHistoryStore, type HistoryStoreOptions } from '../../../main/store/history-store.js';
import { lineBlocks } from '../../../main/store/line-blocks.js';
import { encodeSample } from '../../../main/store/record-codec.js';
import { historyNotices } from '../../../main/store/store-health.js';
import { nodeStoreFs, type StoreFs } from '../../../main/store/store-fs.js';
import { tempDir } from '../../helpers.js';
import { makeSample, T0 } from './sample-factory.js';

const HOUR = 3_600_000;
const rawDir = (dir: string) => join(dir, 'history', 'raw');
const hourFile = (dir: string, at: number) =>
  join(rawDir(dir), `${new Date(at).toISOString().slice(0, 13)}.jsonl`);

/** A file system on which a raw segment cannot be read whole, as a segment larger than a string. */
const noWholeRawReads: StoreFs = {
  ...nodeStoreFs,
  read: async (path) => {
    if (path.includes('/raw/'))
      throw Object.assign(new Error('Cannot create a string longer than 0x1fffffe8 characters'), {
        code: 'ERR_STRING_TOO_LONG',
      });
    return nodeStoreFs.read(path);
  },
};

function open(dataDir: string, now: number, extra: Partial<HistoryStoreOptions> = {}) {
  return openHistoryStore({
    dataDir,
    rawDays: 7,
    rollupDays: 90,
    now: () => now,
    fs: noWholeRawReads,
    ...extra,
  });
}

async function collect(blocks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const block of blocks) text += block;
  return text;
}

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

test('line blocks: whole lines only, characters split between chunks stay whole, long lines skipped', async () => {
  const text = 'ä€ first\nsecond 🙂\n' + 'x'.repeat(50) + '\nthird\n' + 'y'.repeat(40) + '\nlast, torn';
  for (const size of [1, 2, 3, 7, 16]) {
    const lines = lineBlocks(chunksOf(text, size), 16);
    const out = await collect(lines.blocks);
    assert.equal(out, 'ä€ first\nsecond 🙂\nthird\nlast, torn', `chunks of ${size} bytes`);
    assert.equal(lines.oversize, 2, `chunks of ${size} bytes`);
  }
  const tornLong = lineBlocks(chunksOf('ok\n' + 'z'.repeat(100), 8), 16);
  assert.equal(await collect(tornLong.blocks), 'ok\n');
  assert.equal(tornLong.oversize, 1, 'a too long last line is skipped too');
});

test('a segment far larger than the line limit is read as a stream, never as one string', async (t) => {
  const dir = tempDir(t);
  mkdirSync(rawDir(dir), { recursive: true });
  const times = Array.from({ length: 400 }, (_, i) => T0 + i * 5000);
  const torn = encodeSample(makeSample({ at: T0 + 400 * 5000 })).slice(0, 50);
  writeFileSync(
    hourFile(dir, T0),
    times.map((at) => encodeSample(makeSample({ at })) + '\n').join('') + torn,
  );
  assert.ok(statSync(hourFile(dir, T0)).size > 50 * 1024, 'about 60 kB against a 1 kB line limit');

  const store = await open(dir, T0 + 2 * HOUR, { maxLineBytes: 1024 });
  const seen: number[] = [];
  for await (const s of store.samples({ from: T0, to: T0 + HOUR })) seen.push(s.at);
  assert.deepEqual(seen, times);
  const health = store.health();
  assert.equal(health.tornLines, 1, 'the torn tail was found from the last bytes alone');
  assert.deepEqual(health.quarantined, []);
  await store.close();
  assert.ok(readFileSync(hourFile(dir, T0), 'utf8').endsWith('\n'), 'the torn tail was cut');
});

test('a line too long to read is quarantined with a notice; the rest of the hour stays readable and writing goes on', async (t) => {
  const dir = tempDir(t);
  mkdirSync(rawDir(dir), { recursive: true });
  const before = Array.from({ length: 30 }, (_, i) => T0 + i * 5000);
  const after = Array.from({ length: 30 }, (_, i) => T0 + (40 + i) * 5000);
  const line = (at: number) => encodeSample(makeSample({ at })) + '\n';
  // A sample line padded past the limit, as a runaway writer or a damaged disk might leave.
  const huge = encodeSample(makeSample({ at: T0 + 35 * 5000 })).replace(/\]$/, `,"${'p'.repeat(5000)}"]`);
  assert.ok(huge.length > 5000);
  writeFileSync(hourFile(dir, T0), before.map(line).join('') + huge + '\n' + after.map(line).join(''));

  const now = T0 + 40 * 60_000;
  // Read-only (report next to a running monitor): skipped and counted, the file left alone.
  const reader = await open(dir, now, { maxLineBytes: 1024, readOnly: true });
  assert.deepEqual(
    reader.recent(T0).map((s) => s.at),
    [...before, ...after],
  );
  assert.equal(reader.health().oversizeLines, 1);
  assert.equal(reader.health().corruptLines, 0);
  assert.deepEqual(reader.health().quarantined, []);
  await reader.close();

  const store = await open(dir, now, { maxLineBytes: 1024 });
  const seen = store.recent(T0).map((s) => s.at);
  assert.deepEqual(seen, [...before, ...after], 'the lines around the long one are read at open');
  const health = store.health();
  assert.equal(health.oversizeLines, 1);
  assert.equal(health.quarantined.length, 1);
  assert.match(health.quarantined[0]!, /quarantine/);
  assert.ok(existsSync(health.quarantined[0]!), 'the original is kept aside');
  assert.equal(statSync(health.quarantined[0]!).size > 5000, true);
  const notices = historyNotices(health);
  assert.ok(notices.includes('History: 1 line was too long to read and was skipped'), notices.join(' | '));
  assert.ok(
    notices.some((n) => /a corrupt file was moved to .*quarantine.*its valid lines were kept/.test(n)),
  );

  // Writing goes on in the rewritten segment, which holds only readable lines.
  store.append(makeSample({ at: now }));
  await store.close();
  const rewritten = readFileSync(hourFile(dir, T0), 'utf8').trimEnd().split('\n');
  assert.equal(rewritten.length, before.length + after.length + 1);
  assert.ok(rewritten.every((l) => Buffer.byteLength(l) < 1024));

  const reopened = await open(dir, now + 5000, { maxLineBytes: 1024 });
  const again: number[] = [];
  for await (const s of reopened.samples({ from: T0, to: T0 + HOUR })) again.push(s.at);
  assert.deepEqual(again, [...before, ...after, now]);
  assert.deepEqual(reopened.health().quarantined, [], 'nothing left to quarantine');
  await reopened.close();
});

test('a sample line longer than the limit is not written (it could not be read back) and is counted', async (t) => {
  const dir = tempDir(t);
  const store = await open(dir, T0, { maxLineBytes: 100 });
  store.append(makeSample({ at: T0 }));
  await store.flush();
  assert.equal(store.health().oversizeLines, 1);
  assert.equal(store.latest()?.at, T0, 'still served from memory');
  await store.close();
  assert.ok(!existsSync(hourFile(dir, T0)) || readFileSync(hourFile(dir, T0), 'utf8') === '');
});

test('a raw segment past the size limit continues in a new part; parts read back in order', async (t) => {
  const dir = tempDir(t);
  const maxSegmentBytes = 1000;
  const times = Array.from({ length: 40 }, (_, i) => T0 + i * 5000);
  const store = await open(dir, T0, { maxSegmentBytes });
  for (const at of times.slice(0, 20)) store.append(makeSample({ at }));
  await store.close();

  // A restart takes up the newest part and its size.
  const reopened = await open(dir, T0 + 100_000, { maxSegmentBytes });
  for (const at of times.slice(20)) reopened.append(makeSample({ at }));
  await reopened.flush();
  const names = readdirSync(rawDir(dir)).sort();
  assert.ok(names.length >= 5, `parts: ${names.join(', ')}`);
  assert.ok(
    names.includes('2025-01-06T00.jsonl') && names.includes('2025-01-06T00.1.jsonl'),
    names.join(', '),
  );
  for (const name of names) {
    assert.ok(statSync(join(rawDir(dir), name)).size <= maxSegmentBytes, `${name} within the limit`);
  }
  const seen: number[] = [];
  for await (const s of reopened.samples({ from: T0, to: T0 + HOUR })) seen.push(s.at);
  assert.deepEqual(seen, times);
  await reopened.close();

  const third = await open(dir, T0 + 2 * HOUR, { maxSegmentBytes });
  const points = await third.history({ from: T0, to: T0 + 200_000, points: 40 });
  assert.equal(points.length, 40, 'raw history queries read every part');
  await third.close();
});

test('a torn tail in the newest part is repaired before writing resumes', async (t) => {
  const dir = tempDir(t);
  const store = await open(dir, T0, { maxSegmentBytes: 500 });
  for (let i = 0; i < 10; i += 1) store.append(makeSample({ at: T0 + i * 5000 }));
  await store.close();
  const names = readdirSync(rawDir(dir)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const newest = join(rawDir(dir), names[names.length - 1]!);
  appendFileSync(newest, encodeSample(makeSample({ at: T0 + 50_000 })).slice(0, 30));
  const reopened = await open(dir, T0 + 60_000, { maxSegmentBytes: 500 });
  assert.equal(reopened.health().tornLines, 1);
  reopened.append(makeSample({ at: T0 + 60_000 }));
  const seen: number[] = [];
  await reopened.flush();
  for await (const s of reopened.samples({ from: T0, to: T0 + HOUR })) seen.push(s.at);
  assert.deepEqual(seen, [...Array.from({ length: 10 }, (_, i) => T0 + i * 5000), T0 + 60_000]);
  await reopened.close();
});
