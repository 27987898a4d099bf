import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { HistoryQuery, Sample, ServiceHistoryQuery } from '../../../main/contract/index.js';
import { openHistoryStore, type HistoryStore } from '../../../main/store/history-store.js';
import { tempDir } from '../../helpers.js';
import { makeSample, makeService, T0 } from './sample-factory.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SERVICES = ['ollama', 'piper', 'whisper'];

/** A small deterministic generator, so both stores receive the very same samples. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A sample with varied figures: absent values, thermal pressure, activity, gaps, a changing set of services. */
function variedSample(at: number, rnd: () => number): Sample {
  const maybe = (value: number): number | null => (rnd() < 0.15 ? null : value);
  const idle = rnd() < 0.7;
  const pressures = [null, 'nominal', 'fair', 'serious', 'critical'] as const;
  return makeSample({
    at,
    gap: rnd() < 0.05,
    power: {
      systemWatts: maybe(Math.round(rnd() * 40_000) / 1000),
      cpuWatts: maybe(rnd() * 20),
      gpuWatts: rnd() < 0.5 ? null : rnd() * 5,
      packageWatts: maybe(rnd() * 25),
    },
    thermal: {
      pressure: pressures[Math.floor(rnd() * pressures.length)]!,
      cpuTempCelsius: maybe(30 + rnd() * 60),
    },
    idle: { stackIdle: idle },
    services: SERVICES.filter(() => rnd() < 0.7).map((id) =>
      makeService(id, {
        cpuPercent: maybe(rnd() * 150),
        rssBytes: maybe(Math.round(rnd() * 4e9)),
        estimatedWatts: maybe(rnd() * 3),
        active: !idle && rnd() < 0.5,
      }),
    ),
    energy: { systemWattHours: maybe(rnd() / 100) },
  });
}

type Op =
  | { op: 'append'; count: number; stepMs: number; backMs: number; seed: number; flush: boolean }
  | { op: 'flush' }
  | { op: 'reopen' }
  | { op: 'jump'; ms: number }
  | { op: 'query'; spanMs: number; points: number; service: string; endBackMs: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 40 }),
      stepMs: fc.constantFrom(5000, 20_000, MIN, 7 * MIN, 3 * HOUR),
      backMs: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 1000, max: 10 * MIN })),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      flush: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('jump' as const),
      ms: fc.constantFrom(HOUR, 13 * HOUR, DAY, 5 * DAY),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('query' as const),
      spanMs: fc.constantFrom(HOUR, 6 * HOUR, DAY, 3 * DAY, 30 * DAY, 100 * DAY),
      points: fc.constantFrom(1, 7, 100, 720, 1000, 10_000),
      service: fc.constantFrom(...SERVICES, 'absent'),
      endBackMs: fc.constantFrom(0, 0, 90 * MIN, 2 * DAY),
    }),
  },
);

/** Two stores fed the same operations: one with the rollup cache, one reading the files on every query. */
class Twin {
  cached!: HistoryStore;
  direct!: HistoryStore;
  now = T0;

  constructor(
    private readonly dirs: [string, string] | null,
    private readonly cacheBytes: number | undefined,
    private readonly retention: { rawDays: number; rollupDays: number },
  ) {}

  async open(): Promise<void> {
    // Nothing is flushed unless an operation says so, so both stores hold the same unsaved lines.
    const common = { ...this.retention, now: () => this.now, flushBatch: 1e9, flushIntervalMs: 1e9 };
    this.cached = await openHistoryStore({
      ...common,
      dataDir: this.dirs?.[0] ?? null,
      rollupCacheBytes: this.cacheBytes,
    });
    this.direct = await openHistoryStore({ ...common, dataDir: this.dirs?.[1] ?? null, rollupCacheBytes: 0 });
  }

  async close(): Promise<void> {
    await this.cached.close();
    await this.direct.close();
  }

  async run(op: Op): Promise<void> {
    switch (op.op) {
      case 'append': {
        const rnd = prng(op.seed);
        let at = this.now - op.backMs;
        for (let i = 0; i < op.count; i += 1) {
          at += op.stepMs;
          this.now = Math.max(this.now, at);
          const sample = variedSample(at, rnd);
          this.cached.append(sample);
          this.direct.append(sample);
        }
        if (op.flush) await this.run({ op: 'flush' });
        return;
      }
      case 'flush':
        await this.cached.flush();
        await this.direct.flush();
        return;
      case 'reopen':
        await this.close();
        await this.open();
        return;
      case 'jump':
        this.now += op.ms;
        return;
      case 'query': {
        const to = this.now - op.endBackMs;
        const q: HistoryQuery = { from: to - op.spanMs, to, points: op.points };
        // Twice: the first answer may fill the cache, the second reads from it.
        for (let i = 0; i < 2; i += 1) {
          assert.deepStrictEqual(await this.cached.history(q), await this.direct.history(q));
          const s: ServiceHistoryQuery = { ...q, serviceId: op.service };
          assert.deepStrictEqual(await this.cached.serviceHistory(s), await this.direct.serviceHistory(s));
        }
        return;
      }
    }
  }
}

test('cached rollup queries answer exactly what reading the files answers, through appends, new days, retention and restarts', async (t) => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.boolean(),
      fc.constantFrom(undefined, 1, 6000, 120_000),
      fc.record({ rawDays: fc.constantFrom(1, 7), rollupDays: fc.constantFrom(2, 90) }),
      fc.array(opArb, { minLength: 3, maxLength: 20 }),
      async (onDisk, cacheBytes, retention, ops) => {
        run += 1;
        const dirs: [string, string] | null = onDisk
          ? [tempDir(t, `idlewatt-cache-${run}a-`), tempDir(t, `idlewatt-cache-${run}b-`)]
          : null;
        const twin = new Twin(dirs, cacheBytes, retention);
        await twin.open();
        try {
          for (const op of [
            ...ops,
            { op: 'query', spanMs: 100 * DAY, points: 1000, service: 'ollama', endBackMs: 0 } as const,
          ]) {
            await twin.run(op);
          }
        } finally {
          await twin.close();
        }
      },
    ),
    { numRuns: 40 },
  );
});

async function fill(store: HistoryStore, from: number, to: number, stepMs: number, watts = 8): Promise<void> {
  for (let at = from; at < to; at += stepMs) {
    store.append(makeSample({ at, power: { systemWatts: watts }, services: [makeService('ollama')] }));
  }
  await store.flush();
}

/** Three days at up to 10,000 points: one point per stored minute. */
const perMinute = (to: number): HistoryQuery => ({ from: to - 3 * DAY, to, points: 10_000 });
const month = (to: number): HistoryQuery => ({ from: to - 30 * DAY, to, points: 1000 });

test("a new day after a cached query: its minutes appear and yesterday's last minute is counted once", async (t) => {
  const dir = tempDir(t);
  let now = T0 + DAY - 10 * MIN;
  const store = await openHistoryStore({ dataDir: dir, rawDays: 7, rollupDays: 90, now: () => now });
  await fill(store, T0, T0 + DAY - 10 * MIN, MIN, 5);
  const before = await store.history(perMinute(now));
  assert.equal(before.length, 1430);
  assert.ok(before.every((p) => p.systemWatts === 5));

  now = T0 + DAY + 20 * MIN;
  await fill(store, T0 + DAY - 10 * MIN, now, 5000, 9);
  const after = await store.history(perMinute(now));
  assert.equal(after.length, 1460, 'one point per minute, none doubled');
  assert.deepEqual(
    after.slice(-31, -29).map((p) => [p.at, p.systemWatts]),
    [
      [T0 + DAY - 11 * MIN, 5],
      [T0 + DAY - 10 * MIN, 9],
    ],
  );
  assert.equal(after.at(-1)!.at, T0 + DAY + 20 * MIN - MIN, 'the minute in progress is included');
  await store.close();
});

test('a minute past retention is never answered, even while its day file is still on disk', async (t) => {
  // The minute in progress finishes only when a sample five days later arrives: its rollup line is
  // written after that hour's retention pass ran in one store and before it ran in the other.
  const twin = new Twin([tempDir(t), tempDir(t)], undefined, { rawDays: 1, rollupDays: 2 });
  await twin.open();
  try {
    await twin.run({ op: 'flush' });
    await twin.run({ op: 'append', count: 1, stepMs: 5000, backMs: 0, seed: 1, flush: false });
    await twin.run({ op: 'jump', ms: 5 * DAY });
    await twin.run({ op: 'append', count: 1, stepMs: 5000, backMs: 0, seed: 1, flush: true });
    await twin.run({ op: 'query', spanMs: 100 * DAY, points: 1, service: 'ollama', endBackMs: 0 });
    const points = await twin.cached.history({ from: twin.now - 100 * DAY, to: twin.now, points: 1 });
    assert.deepEqual(
      points.map((p) => p.at),
      [T0 + 5 * DAY],
      'only the minute in progress: the first minute expired three days ago',
    );
  } finally {
    await twin.close();
  }
});

test('retention: expired days leave cached answers, and a file written again under a name already read is re-read', async (t) => {
  const dir = tempDir(t);
  let now = T0 + 4 * DAY;
  const options = { dataDir: dir, rawDays: 1, rollupDays: 3, now: () => now };
  const store = await openHistoryStore(options);
  await fill(store, T0, T0 + 4 * DAY, 10 * MIN);
  const days = (points: { at: number }[]) => [...new Set(points.map((p) => Math.floor((p.at - T0) / DAY)))];
  // Day 0 ended exactly three days ago: past retention, though its file waits for the next hourly pass.
  assert.deepEqual(days(await store.history(month(now))), [1, 2, 3]);
  const held = store.cachedRollupBytes();

  now = T0 + 6 * DAY + HOUR;
  await fill(store, T0 + 6 * DAY, now, 10 * MIN);
  const rollups = readdirSync(join(dir, 'history', 'rollup')).filter((n) => n.startsWith('sys-'));
  assert.deepEqual(rollups.sort(), ['sys-2025-01-09.jsonl', 'sys-2025-01-12.jsonl']);
  assert.deepEqual(days(await store.history(month(now))), [3, 6]);
  assert.ok(store.cachedRollupBytes() < held, 'the deleted days are no longer held in memory');
  await store.close();

  const reader = await openHistoryStore({ ...options, readOnly: true });
  assert.deepEqual(days(await reader.history(month(now))), [3, 6]);
  // A restore puts a different file under a name the reader has cached: never the old answer.
  const line = (at: number) => `[1,${at},1,[42,42,42,1],null,null,null,null,null,1,0,[]]\n`;
  writeFileSync(join(dir, 'history', 'rollup', 'sys-2025-01-09.jsonl'), line(T0 + 3 * DAY + 2 * HOUR));
  // A read-only reader never deletes: a file under an expired name stays unanswered all the same.
  writeFileSync(join(dir, 'history', 'rollup', 'sys-2025-01-06.jsonl'), line(T0));
  const points = await reader.history(month(now));
  assert.deepEqual(days(points), [3, 6]);
  assert.deepEqual(points[0], { ...points[0], at: T0 + 3 * DAY + 2 * HOUR, systemWatts: 42 });
  await reader.close();
});

test('a reader next to a running monitor sees what the monitor appends after its first query', async (t) => {
  const dir = tempDir(t);
  let now = T0 + 2 * DAY;
  const writer = await openHistoryStore({ dataDir: dir, rawDays: 7, rollupDays: 90, now: () => now });
  await fill(writer, T0, now, MIN, 6);
  const reader = await openHistoryStore({
    dataDir: dir,
    rawDays: 7,
    rollupDays: 90,
    now: () => now,
    readOnly: true,
  });
  const first = await reader.history(perMinute(now));
  assert.equal(first.length, 2 * 1440);

  now += 10 * MIN;
  await fill(writer, T0 + 2 * DAY, now, MIN, 30);
  const second = await reader.history(perMinute(now));
  // The monitor has written nine of the ten new minutes; the tenth is still in progress in its memory.
  assert.equal(second.length, 2 * 1440 + 9);
  assert.ok(second.slice(-9).every((p) => p.systemWatts === 30));
  await reader.close();
  await writer.close();
});

test('a rollup file ending mid-line followed by unsaved lines answers like the line scan, quarantine included', async (t) => {
  const results = [];
  for (const rollupCacheBytes of [undefined, 0]) {
    const dir = tempDir(t);
    let now = T0 + 3 * DAY;
    const options = { dataDir: dir, rawDays: 7, rollupDays: 90, now: () => now, rollupCacheBytes };
    const first = await openHistoryStore(options);
    await fill(first, T0, T0 + 2 * HOUR, MIN, 7);
    await fill(first, T0 + 2 * DAY, T0 + 2 * DAY + HOUR, MIN, 8);
    await first.close();
    // An older day's file (not the newest, so not repaired at start) cut mid-line by a crash.
    const file = join(dir, 'history', 'rollup', 'sys-2025-01-06.jsonl');
    appendFileSync(file, readFileSync(file, 'utf8').split('\n')[0]!.slice(0, 30));

    const store = await openHistoryStore(options);
    await store.history(month(now)); // the cache (if any) now holds the torn file
    now += MIN;
    // A clock stepped back: minutes of that older day are rolled up again, unsaved.
    for (let at = T0 + 3 * HOUR; at < T0 + 3 * HOUR + 3 * MIN; at += 5000) {
      store.append(makeSample({ at, power: { systemWatts: 11 } }));
    }
    store.append(makeSample({ at: T0 + 3 * DAY, power: { systemWatts: 11 } }));
    results.push({ points: await store.history(month(now)), health: store.health() });
    await store.close();
  }
  const [cached, direct] = results;
  assert.deepStrictEqual(cached!.points, direct!.points);
  assert.equal(cached!.health.quarantined.length, direct!.health.quarantined.length);
  assert.equal(cached!.health.corruptLines, direct!.health.corruptLines);
});

test('24 h at 1,000 points comes from per-minute rollups and equals the uncached answer', async (t) => {
  const answers = [];
  for (const rollupCacheBytes of [undefined, 0]) {
    const dir = tempDir(t);
    const now = T0 + DAY;
    const store = await openHistoryStore({
      dataDir: dir,
      rawDays: 7,
      rollupDays: 90,
      now: () => now,
      rollupCacheBytes,
    });
    const spikeAt = T0 + 13 * HOUR + 40_000;
    for (let at = T0; at < now; at += 5000) {
      store.append(makeSample({ at, power: { systemWatts: at === spikeAt ? 60 : 6 } }));
    }
    await store.flush();
    const points = await store.history({ from: T0, to: now, points: 1000 });
    assert.equal(points.length, 1000);
    const spiky = points.filter((p) => p.systemWattsMax === 60);
    assert.equal(spiky.length, 1, 'the spike survives in one bucket');
    assert.equal(spiky[0]!.systemWattsMin, 6);
    // One or two whole minutes per 86.4 s bucket: the means are of those minutes' samples.
    assert.ok([6 + 54 / 12, 6 + 54 / 24].includes(spiky[0]!.systemWatts!));
    answers.push(points);
    await store.close();
  }
  assert.deepStrictEqual(answers[0], answers[1]);
});

test('a minute stored twice (a clock stepped back) counts once when deciding on one point per minute', async (t) => {
  const answers = [];
  for (const rollupCacheBytes of [undefined, 0]) {
    const now = T0 + 10 * MIN;
    const store = await openHistoryStore({
      dataDir: tempDir(t),
      rawDays: 7,
      rollupDays: 90,
      now: () => now,
      rollupCacheBytes,
    });
    const cpu = (at: number, cpuPercent: number) =>
      makeSample({ at, services: [makeService('ollama', { cpuPercent })] });
    // Minute 0, minute 1, minute 0 again, minute 2 (in progress): four rollup entries, three minutes.
    for (const [at, value] of [
      [0, 10],
      [MIN, 20],
      [30_000, 30],
      [2 * MIN, 40],
    ] as const) {
      store.append(cpu(T0 + at, value));
    }
    const q = { serviceId: 'ollama', from: T0 + 3 * MIN - 2 * DAY, to: T0 + 3 * MIN, points: 3 };
    const points = await store.serviceHistory(q);
    assert.deepEqual(
      points.map((p) => [p.at, p.cpuPercent]),
      [
        [T0, 20],
        [T0 + MIN, 20],
        [T0 + 2 * MIN, 40],
      ],
    );
    answers.push(points);
    await store.close();
  }
  assert.deepStrictEqual(answers[0], answers[1]);
});
