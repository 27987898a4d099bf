import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Sample } from '../../../main/contract/index.js';
import { openHistoryStore, type HistoryStoreOptions } from '../../../main/store/history-store.js';
import { encodeSample } from '../../../main/store/record-codec.js';
import { nodeStoreFs, type StoreFs } from '../../../main/store/store-fs.js';
import { tempDir } from '../../helpers.js';
import { makeAlert, makeSample, makeService, T0 } from './sample-factory.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function clock(start: number): { now: () => number; set(t: number): void } {
  let t = start;
  return { now: () => t, set: (next) => (t = next) };
}

/** 5 s samples over [from, to), built by `make(at)`. */
function series(
  from: number,
  to: number,
  make: (at: number) => Sample = (at) => makeSample({ at }),
): Sample[] {
  const out: Sample[] = [];
  for (let at = from; at < to; at += 5000) out.push(make(at));
  return out;
}

async function open(
  dataDir: string | null,
  c: { now: () => number },
  extra: Partial<HistoryStoreOptions> = {},
) {
  return openHistoryStore({ dataDir, rawDays: 7, rollupDays: 90, now: c.now, ...extra });
}

const rawDir = (dir: string): string => join(dir, 'history', 'raw');
const rawFile = (dir: string, at: number): string =>
  join(rawDir(dir), `${new Date(at).toISOString().slice(0, 13)}.jsonl`);

test('memory-only store: latest, recent and size come from the ring', async () => {
  const c = clock(T0 + HOUR);
  const store = await open(null, c);
  assert.equal(store.latest(), null);
  for (const s of series(T0, T0 + 2 * HOUR)) store.append(s);
  assert.equal(store.latest()!.at, T0 + 2 * HOUR - 5000);
  assert.equal(store.size(), 721, 'the last hour at 5 s, both ends included');
  assert.deepEqual(
    store.recent(T0 + 2 * HOUR - 15_000).map((s) => s.at),
    [T0 + 2 * HOUR - 15_000, T0 + 2 * HOUR - 10_000, T0 + 2 * HOUR - 5000],
  );
  await store.flush();
  assert.deepEqual(store.health(), {
    writable: true,
    error: null,
    tornLines: 0,
    quarantined: [],
    corruptLines: 0,
    oversizeLines: 0,
    unsavedLines: 0,
    lostLines: 0,
  });
  await store.close();
});

test('samples go to hourly segments, one line each, and the last hour is reloaded at start', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 3 * HOUR);
  const store = await open(dir, c);
  for (const s of series(T0, T0 + 3 * HOUR)) store.append(s);
  await store.close();
  assert.deepEqual(readdirSync(rawDir(dir)).sort(), [
    '2025-01-06T00.jsonl',
    '2025-01-06T01.jsonl',
    '2025-01-06T02.jsonl',
  ]);
  assert.equal(readFileSync(rawFile(dir, T0), 'utf8').trimEnd().split('\n').length, 720);

  const reopened = await open(dir, c);
  assert.equal(reopened.latest()!.at, T0 + 3 * HOUR - 5000);
  assert.equal(reopened.recent(0)[0]!.at, T0 + 2 * HOUR);
  assert.equal(reopened.size(), 720);
  const all: number[] = [];
  for await (const s of reopened.samples({ from: T0, to: T0 + 3 * HOUR })) all.push(s.at);
  assert.equal(all.length, 2160);
  assert.ok(
    all.every((at, i) => i === 0 || at > all[i - 1]!),
    'streamed oldest first',
  );
  await reopened.close();
});

test('a torn last line after a crash is skipped, counted and cut off so appends stay clean', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 10 * MIN);
  const store = await open(dir, c);
  for (const s of series(T0, T0 + 10 * MIN)) store.append(s);
  await store.flush();
  const half = encodeSample(makeSample({ at: T0 + 10 * MIN }));
  appendFileSync(rawFile(dir, T0), half.slice(0, 100));

  const reopened = await open(dir, c);
  assert.equal(reopened.health().tornLines, 1);
  assert.ok(readFileSync(rawFile(dir, T0), 'utf8').endsWith('\n'));
  reopened.append(makeSample({ at: T0 + 10 * MIN + 5000 }));
  await reopened.close();

  const third = await open(dir, c);
  const ats: number[] = [];
  for await (const s of third.samples({ from: T0, to: T0 + HOUR })) ats.push(s.at);
  assert.equal(ats.length, 121);
  assert.equal(ats[120], T0 + 10 * MIN + 5000);
  assert.equal(third.health().tornLines, 0);
  assert.deepEqual(third.health().quarantined, []);
  await third.close();
});

test('a whole last line without its newline is kept, not counted as torn', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + MIN);
  writeFileSync(
    rawFile2(dir),
    encodeSample(makeSample({ at: T0 })) + '\n' + encodeSample(makeSample({ at: T0 + 5000 })),
  );
  const store = await open(dir, c);
  assert.equal(store.health().tornLines, 0);
  assert.equal(store.size(), 2);
  await store.close();
});

function rawFile2(dir: string): string {
  mkdirSync(rawDir(dir), { recursive: true });
  return rawFile(dir, T0);
}

test('a corrupt segment is quarantined, its valid lines kept, and the store goes on', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 5 * HOUR);
  const store = await open(dir, c);
  for (const s of series(T0, T0 + 2 * HOUR)) store.append(s);
  await store.close();
  const file = rawFile(dir, T0);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(10, 0, '\u0000\u0000garbage{{{', '[1,"not a record"]');
  writeFileSync(file, lines.join('\n'));

  const reopened = await open(dir, c);
  const points = await reopened.history({ from: T0, to: T0 + 2 * HOUR, points: 5000 });
  assert.equal(points.length, 1440, 'every valid sample is still answered');
  const health = reopened.health();
  assert.equal(health.quarantined.length, 1);
  assert.equal(health.corruptLines, 2);
  assert.ok(existsSync(health.quarantined[0]!));
  assert.match(health.quarantined[0]!, /quarantine\/raw_2025-01-06T00\.jsonl\.\d+\.corrupt$/);
  assert.equal(readFileSync(file, 'utf8').trimEnd().split('\n').length, 720, 'valid lines written back');
  await reopened.history({ from: T0, to: T0 + 2 * HOUR, points: 10 });
  assert.equal(reopened.health().quarantined.length, 1, 'quarantined once');
  await reopened.close();
});

test('an unwritable data directory keeps the monitor running in memory and says why', async (t) => {
  const dir = tempDir(t);
  const blocked = join(dir, 'not-a-folder');
  writeFileSync(blocked, 'a file where the data directory should be');
  const c = clock(T0 + 10 * MIN);
  const store = await open(blocked, c);
  const health = store.health();
  assert.equal(health.writable, false);
  assert.match(health.error!, /cannot write history under .*not-a-folder.*(ENOTDIR|EEXIST)/);
  assert.match(health.error!, /keeping history in memory/);
  for (const s of series(T0, T0 + 10 * MIN)) store.append(s);
  assert.equal(store.latest()!.at, T0 + 10 * MIN - 5000);
  const points = await store.history({ from: T0, to: T0 + 10 * MIN, points: 1000 });
  assert.equal(points.length, 120);
  await store.close();
});

/** A file system whose appends fail with ENOSPC (after writing half the data) while `full` is set. */
function fillableFs(): StoreFs & { full: boolean } {
  const fs = {
    ...nodeStoreFs,
    full: false,
    append: async (path: string, data: string) => {
      if (fs.full) {
        await nodeStoreFs.append(path, data.slice(0, Math.floor(data.length / 2)));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      await nodeStoreFs.append(path, data);
    },
  };
  return fs;
}

test('a full disk keeps history in memory, surfaces the error, and resumes when space returns', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 10 * MIN);
  const fs = fillableFs();
  const store = await open(dir, c, { fs, retryAfterMs: 0 });
  for (const s of series(T0, T0 + 5 * MIN)) store.append(s);
  await store.flush();
  fs.full = true;
  for (const s of series(T0 + 5 * MIN, T0 + 10 * MIN)) store.append(s);
  await store.flush();
  const health = store.health();
  assert.equal(health.writable, false);
  assert.match(health.error!, /ENOSPC \(no space left on device\)/);
  assert.equal(store.latest()!.at, T0 + 10 * MIN - 5000);
  assert.equal((await store.history({ from: T0, to: T0 + 10 * MIN, points: 1000 })).length, 120);
  assert.equal(
    readFileSync(rawFile(dir, T0), 'utf8').trimEnd().split('\n').length,
    60,
    'the half-written batch was cut back',
  );

  fs.full = false;
  await store.flush();
  assert.equal(store.health().writable, true);
  assert.equal(store.health().error, null);
  await store.close();
  const reopened = await open(dir, c);
  let n = 0;
  for await (const _ of reopened.samples({ from: T0 - 1, to: T0 + HOUR })) n += 1;
  assert.equal(n, 120);
  assert.equal(reopened.health().tornLines, 0);
  await reopened.close();
});

test('a half-written batch whose cut-back also failed is cut before the next append: nothing is written twice', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 10 * MIN);
  const fs = fillableFs();
  let truncateFails = false;
  const stubborn: StoreFs = {
    ...fs,
    append: (path, data) => fs.append(path, data),
    truncate: async (path, size) => {
      if (truncateFails) throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      await nodeStoreFs.truncate(path, size);
    },
  };
  const store = await open(dir, c, { fs: stubborn, retryAfterMs: 0 });
  for (const s of series(T0, T0 + 5 * MIN)) store.append(s);
  await store.flush();
  fs.full = true;
  truncateFails = true;
  for (const s of series(T0 + 5 * MIN, T0 + 10 * MIN)) store.append(s);
  await store.flush();
  assert.equal(store.health().writable, false);
  fs.full = false;
  truncateFails = false;
  await store.flush();
  assert.equal(store.health().writable, true);
  await store.close();
  const reopened = await open(dir, c);
  const ats: number[] = [];
  for await (const s of reopened.samples({ from: T0 - 1, to: T0 + HOUR })) ats.push(s.at);
  assert.equal(ats.length, 120, 'every sample once');
  assert.equal(new Set(ats).size, 120, 'no duplicates');
  assert.deepEqual(reopened.health().quarantined, []);
  await reopened.close();
});

test('while the disk stays full the unsaved lines are capped and the loss is reported', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + HOUR);
  const fs = fillableFs();
  fs.full = true;
  const store = await open(dir, c, { fs, retryAfterMs: 0, maxUnsavedLines: 100 });
  for (const s of series(T0, T0 + 20 * MIN)) store.append(s);
  await store.flush();
  assert.match(store.health().error!, /\(100 lines unsaved, \d+ lost\)/);
  assert.equal(store.size(), 240, 'the ring keeps everything regardless');
  await store.close();
});

test('retention deletes raw segments after rawDays and rollups and alerts after rollupDays', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0);
  const store = await open(dir, c, { rawDays: 2, rollupDays: 5 });
  for (let day = 0; day < 8; day += 1) {
    c.set(T0 + day * DAY + HOUR);
    for (const s of series(T0 + day * DAY, T0 + day * DAY + 2 * MIN)) store.append(s);
    store.appendAlert(makeAlert({ id: `a${day}`, at: T0 + day * DAY }));
    await store.flush();
  }
  c.set(T0 + 8 * DAY);
  await store.close();
  const reopened = await open(dir, c, { rawDays: 2, rollupDays: 5 });
  const days = (names: string[]) =>
    [...new Set(names.map((n) => n.replace(/^(sys|svc)-/, '').slice(0, 10)))].sort();
  assert.deepEqual(days(readdirSync(rawDir(dir))), ['2025-01-12', '2025-01-13']);
  assert.deepEqual(days(readdirSync(join(dir, 'history', 'rollup'))), [
    '2025-01-09',
    '2025-01-10',
    '2025-01-11',
    '2025-01-12',
    '2025-01-13',
  ]);
  assert.deepEqual(
    (await reopened.alerts(0)).map((a) => a.id),
    ['a3', 'a4', 'a5', 'a6', 'a7'],
  );
  await reopened.close();
});

test('long ranges come from per-minute rollups that keep min and max', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 3 * HOUR);
  const store = await open(dir, c);
  const spikeAt = T0 + 90 * MIN + 25_000;
  for (const s of series(T0, T0 + 3 * HOUR, (at) =>
    makeSample({ at, power: { systemWatts: at === spikeAt ? 42 : 6 + ((at / 5000) % 2) } }),
  )) {
    store.append(s);
  }
  await store.close();
  const reopened = await open(dir, c);
  const twoDays = { from: T0 - 45 * HOUR, to: T0 + 3 * HOUR, points: 1000 };
  const points = await reopened.history(twoDays);
  assert.equal(points.length, 180, 'one point per minute: fewer minutes than points');
  assert.deepEqual(
    points.slice(0, 2).map((p) => p.at),
    [T0, T0 + MIN],
  );
  const spike = points.find((p) => p.at === T0 + 90 * MIN)!;
  assert.equal(spike.systemWattsMax, 42);
  assert.equal(spike.systemWattsMin, 6);
  assert.ok(Math.abs(spike.systemWatts! - (42 + 6 * 6 + 7 * 5) / 12) < 1e-9);
  const ordinary = points[0]!;
  assert.equal(ordinary.systemWatts, 6.5);
  assert.equal(ordinary.stackIdle, true);

  const coarse = await reopened.history({ ...twoDays, points: 20 });
  assert.ok(coarse.length <= 20);
  assert.equal(Math.max(...coarse.map((p) => p.systemWattsMax ?? 0)), 42, 'the spike survives downsampling');
  await reopened.close();
});

test('a service with an inference is listed on its point, from raw records and from rollups', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 3 * HOUR);
  const store = await open(dir, c);
  const inferenceAt = T0 + 90 * MIN + 25_000;
  for (const s of series(T0, T0 + 3 * HOUR, (at) =>
    makeSample({
      at,
      services: [
        makeService('ollama', { active: false, ...(at === inferenceAt ? { inference: true } : {}) }),
        makeService('nextjs', { active: at === inferenceAt, inference: false }),
      ],
    }),
  )) {
    store.append(s);
  }
  await store.flush();
  const raw = await store.history({ from: T0 + 90 * MIN, to: T0 + 91 * MIN, points: 100 });
  const rawHits = raw.filter((p) => (p.inferenceServices ?? []).length > 0);
  assert.equal(rawHits.length, 1, 'one point has the inference');
  assert.deepEqual(rawHits[0]!.inferenceServices, ['ollama'], 'an inference alone lists the service');
  assert.deepEqual(rawHits[0]!.activeServices, ['nextjs'], 'requests stay apart from inferences');
  assert.ok(raw.length > 1 && raw.every((p) => Array.isArray(p.inferenceServices)));
  await store.close();

  const reopened = await open(dir, c);
  const minutes = await reopened.history({ from: T0 - 45 * HOUR, to: T0 + 3 * HOUR, points: 1000 });
  const listed = minutes.filter((p) => (p.inferenceServices ?? []).length > 0);
  assert.deepEqual(
    listed.map((p) => [p.at, p.inferenceServices]),
    [[T0 + 90 * MIN, ['ollama']]],
    'the per-minute rollup keeps the inference',
  );
  const coarse = await reopened.history({ from: T0 - 45 * HOUR, to: T0 + 3 * HOUR, points: 10 });
  assert.equal(
    coarse.filter((p) => p.inferenceServices?.includes('ollama')).length,
    1,
    'and so does downsampling',
  );
  await reopened.close();
});

test('the minute in progress at close is rebuilt from raw once, never double-counted', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + HOUR);
  const store = await open(dir, c);
  for (const s of series(T0, T0 + 90_000)) store.append(s); // 1.5 minutes
  await store.close();
  const again = await open(dir, c);
  for (const s of series(T0 + 90_000, T0 + 3 * MIN)) again.append(s);
  await again.close();
  const third = await open(dir, c);
  const points = await third.history({ from: T0 - 2 * DAY, to: T0 + HOUR, points: 100 });
  assert.deepEqual(
    points.map((p) => [p.at, p.systemWatts]),
    [
      [T0, 8],
      [T0 + MIN, 8],
      [T0 + 2 * MIN, 8],
    ],
  );
  const rollup = readFileSync(join(dir, 'history', 'rollup', 'sys-2025-01-06.jsonl'), 'utf8')
    .trimEnd()
    .split('\n');
  assert.deepEqual(
    rollup.map((line) => (JSON.parse(line) as number[]).slice(1, 3)),
    [
      [T0, 12],
      [T0 + MIN, 12],
    ],
    'two finished minutes on disk; the third is still in progress',
  );
  await third.close();
});

test('raw queries (buckets under a minute) downsample to N points and keep the spike', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 30 * HOUR);
  const store = await open(dir, c);
  const spikeAt = T0 + 4 * HOUR + 35_000;
  for (const s of series(T0, T0 + 6 * HOUR, (at) =>
    makeSample({ at, power: { systemWatts: at === spikeAt ? 55 : 5 } }),
  )) {
    store.append(s);
  }
  await store.flush();
  const points = await store.history({ from: T0, to: T0 + 6 * HOUR, points: 1000 });
  assert.equal(points.length, 1000);
  const withSpike = points.filter((p) => p.systemWattsMax === 55);
  assert.equal(withSpike.length, 1);
  assert.equal(withSpike[0]!.systemWattsMin, 5);
  assert.ok(withSpike[0]!.systemWatts! > 5 && withSpike[0]!.systemWatts! < 55);
  assert.ok(points.every((p, i) => i === 0 || p.at > points[i - 1]!.at));
  await store.close();
});

test('service history: raw points and rollups, absent services omitted', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + 2 * HOUR);
  const store = await open(dir, c);
  for (const s of series(T0, T0 + 2 * HOUR, (at) =>
    makeSample({
      at,
      services: at < T0 + HOUR ? [makeService('ollama', { cpuPercent: 30, rssBytes: 2 ** 30 })] : [],
    }),
  )) {
    store.append(s);
  }
  await store.flush();
  const raw = await store.serviceHistory({
    serviceId: 'ollama',
    from: T0,
    to: T0 + 2 * HOUR,
    points: 10_000,
  });
  assert.equal(raw.length, 720);
  assert.deepEqual(raw[0], { at: T0, cpuPercent: 30, rssBytes: 2 ** 30, estimatedWatts: 0.1 });
  const long = await store.serviceHistory({
    serviceId: 'ollama',
    from: T0 - 2 * DAY,
    to: T0 + 2 * HOUR,
    points: 6,
  });
  assert.equal(long.length, 1, 'one bucket of the six holds the hour the service ran');
  assert.equal(long[0]!.cpuPercent, 30);
  assert.deepEqual(
    await store.serviceHistory({ serviceId: 'nope', from: T0, to: T0 + HOUR, points: 10 }),
    [],
  );
  await store.close();
});

test('alerts are stored, deduplicated by id and filtered by time', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + HOUR);
  const store = await open(dir, c);
  store.appendAlert(makeAlert({ id: 'x', at: T0, kind: 'fired' }));
  store.appendAlert(makeAlert({ id: 'y', at: T0 + MIN, kind: 'cleared' }));
  store.appendAlert(makeAlert({ id: 'x', at: T0, kind: 'fired' }));
  assert.deepEqual(
    (await store.alerts(T0)).map((a) => a.id),
    ['x', 'y'],
    'unsaved alerts are answered too',
  );
  await store.close();
  const reopened = await open(dir, c);
  assert.deepEqual(
    (await reopened.alerts(T0 + 1)).map((a) => a.id),
    ['y'],
  );
  assert.deepEqual(
    (await reopened.alerts()).map((a) => a.kind),
    ['fired', 'cleared'],
  );
  await reopened.close();
});

test('read-only mode repairs nothing and skips what it cannot read', async (t) => {
  const dir = tempDir(t);
  const c = clock(T0 + HOUR);
  const store = await open(dir, c);
  for (const s of series(T0, T0 + 5 * MIN)) store.append(s);
  await store.close();
  const file = rawFile(dir, T0);
  appendFileSync(file, 'oops\n' + encodeSample(makeSample({ at: T0 + 5 * MIN })).slice(0, 50));
  const before = readFileSync(file, 'utf8');
  const reader = await open(dir, c, { readOnly: true });
  let n = 0;
  for await (const _ of reader.samples({ from: T0, to: T0 + HOUR })) n += 1;
  assert.equal(n, 60);
  assert.equal(reader.health().tornLines, 1);
  assert.equal(reader.health().corruptLines, 1);
  reader.append(makeSample({ at: T0 + 6 * MIN }));
  await reader.close();
  assert.equal(readFileSync(file, 'utf8'), before, 'the file is untouched');
  assert.equal(existsSync(join(dir, 'history', 'quarantine')), false);
});

test('invalid history queries are rejected with a sentence', async () => {
  const store = await open(null, clock(T0));
  await assert.rejects(store.history({ from: T0, to: T0, points: 10 }), /from must be before to/);
  await assert.rejects(store.history({ from: NaN, to: T0, points: 10 }), /epoch milliseconds/);
  await assert.rejects(store.history({ from: 0, to: T0, points: 0 }), /points must be at least 1/);
  await store.close();
});

test('a clock that steps back inserts the sample in time order', async () => {
  const store = await open(null, clock(T0 + HOUR));
  store.append(makeSample({ at: T0 + 10_000 }));
  store.append(makeSample({ at: T0 + 20_000 }));
  store.append(makeSample({ at: T0 + 15_000, gap: true }));
  assert.deepEqual(
    store.recent(0).map((s) => s.at),
    [T0 + 10_000, T0 + 15_000, T0 + 20_000],
  );
  await store.close();
});
