/**
 * Storage faults under a running core: the data directory read-only or full, a corrupt segment, a
 * torn last line, a corrupt settings file. Sampling keeps its cadence, the API answers from memory,
 * the failure is reported, and no stored sample outside the damaged line is lost.
 * Narrower cases already covered: tests/unit/store/history-store.test.ts (full disk with half-written
 * batches, the unsaved-line cap, one corrupt segment, one torn line) and
 * tests/unit/settings/settings-store.test.ts (corrupt, newer and unreadable settings files).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Sample } from '../../main/contract/index.js';
import { openSettingsStore } from '../../main/settings/index.js';
import { openHistoryStore } from '../../main/store/history-store.js';
import { decodeSample } from '../../main/store/record-codec.js';
import { memoryStoreFs, nodeStoreFs, type StoreFs } from '../../main/store/store-fs.js';
import { tempDir } from '../helpers.js';
import { makeStackSample, T0 } from '../unit/store/sample-factory.js';
import { memorySettings, openScriptedCore } from './core-harness.js';
import { runs } from './fuzz-support.js';
import { manualClock, stackCollector, stackSettings } from './stack-script.js';

const HOUR = 3_600_000;
type Fault = 'none' | 'EROFS' | 'ENOSPC';

/**
 * A StoreFs that fails writes with the chosen errno, as a real disk does: read-only refuses every
 * change; full refuses what needs space (an append writes half its data first) but still lets a file
 * shrink or go.
 */
function faultyFs(base: StoreFs = nodeStoreFs): StoreFs & { fault: Fault } {
  const fail = (code: Exclude<Fault, 'none'>) =>
    Object.assign(new Error(`${code}: simulated`), { code } satisfies Partial<NodeJS.ErrnoException>);
  const guard =
    <A extends unknown[]>(op: (...args: A) => Promise<void>, needsSpace = true) =>
    async (...args: A): Promise<void> => {
      if (fs.fault === 'EROFS' || (fs.fault === 'ENOSPC' && needsSpace)) throw fail(fs.fault);
      await op(...args);
    };
  const fs: StoreFs & { fault: Fault } = {
    ...base,
    fault: 'none',
    mkdirp: guard(base.mkdirp),
    write: guard(base.write),
    rename: guard(base.rename, false),
    truncate: guard(base.truncate, false),
    remove: guard(base.remove, false),
    append: async (path, data) => {
      if (fs.fault === 'ENOSPC') await base.append(path, data.slice(0, Math.floor(data.length / 2)));
      if (fs.fault !== 'none') throw fail(fs.fault);
      await base.append(path, data);
    },
  };
  return fs;
}

async function storedTimes(dataDir: string, now: () => number, from: number, to: number): Promise<number[]> {
  const reopened = await openHistoryStore({ dataDir, rawDays: 7, rollupDays: 90, now });
  const out: number[] = [];
  for await (const s of reopened.samples({ from, to })) out.push(s.at);
  const health = reopened.health();
  await reopened.close();
  assert.equal(health.tornLines, 0, 'no torn line was left behind');
  assert.deepEqual(health.quarantined, [], 'no segment needed quarantine');
  return out;
}

test('the data directory turns read-only, then full, then recovers: ticks go on, the API answers from memory, and every sample reaches the disk', async (t) => {
  const dir = tempDir(t);
  const start = Date.UTC(2025, 0, 6, 9, 0, 0);
  const clock = manualClock(start);
  const fs = faultyFs();
  const { core, store, samples } = await openScriptedCore({
    collectors: [
      stackCollector(clock.now, () => ({ systemWatts: 7, pressure: 'nominal', requests: [] }), start),
    ],
    now: clock.now,
    settings: memorySettings(stackSettings()),
    dataDir: dir,
    store: { fs, retryAfterMs: 0 },
  });
  const phases: [Fault, number][] = [
    ['none', 100],
    ['EROFS', 100],
    ['ENOSPC', 100],
    ['none', 50],
  ];
  for (const [fault, ticks] of phases) {
    fs.fault = fault;
    for (let i = 0; i < ticks; i++) {
      const started = performance.now();
      await core.tickOnce();
      assert.ok(performance.now() - started < 250, 'the tick does not wait for the disk');
      if (i % 12 === 11) await store.flush();
      clock.advance(5000);
    }
    await store.flush();
    const health = store.health();
    if (fault === 'none') {
      assert.equal(health.writable, true);
    } else {
      assert.equal(health.writable, false);
      assert.match(health.error!, fault === 'EROFS' ? /EROFS \(read-only file system\)/ : /ENOSPC/);
      assert.match(health.error!, /keeping history in memory/);
      assert.equal((await core.api.getLatest())!.at, samples.at(-1)!.at, 'latest comes from memory');
      const points = await core.api.getHistory({
        from: clock.now() - 10 * 60_000,
        to: clock.now(),
        points: 1000,
      });
      assert.equal(points.length, 120, 'the last ten minutes are queryable while the disk fails');
    }
  }
  await core.close();
  const stored = await storedTimes(dir, clock.now, start - 1, clock.now());
  assert.deepEqual(
    stored,
    samples.map((s) => s.at),
  );
});

test('a data directory that is read-only from the start: the core runs in memory and says why', async (t) => {
  const dir = tempDir(t);
  const errors: string[] = [];
  const clock = manualClock(T0);
  const fs = faultyFs();
  fs.fault = 'EROFS';
  const { core, store } = await openScriptedCore({
    collectors: [
      stackCollector(clock.now, () => ({ systemWatts: 7, pressure: 'nominal', requests: [] }), T0),
    ],
    now: clock.now,
    settings: memorySettings(stackSettings()),
    dataDir: dir,
    store: { fs, retryAfterMs: 0 },
    onError: (error) => errors.push(error.message),
  });
  assert.match(store.health().error!, /cannot write history under .*EROFS \(read-only file system\)/);
  for (let i = 0; i < 60; i++) {
    await core.tickOnce();
    clock.advance(5000);
  }
  await store.flush();
  assert.equal((await core.api.getStatus()).historyLength, 60);
  assert.equal((await core.api.getHistory({ from: T0, to: clock.now(), points: 1000 })).length, 60);
  assert.deepEqual(errors, []);
  await core.close();
  assert.equal(errors.length, 1, 'stopping says what was lost');
  const lost =
    /^history: (\d+) lines \(samples and alert events\) were not saved and are lost \(.*EROFS/.exec(
      errors[0]!,
    );
  assert.ok(lost && Number(lost[1]) >= 60, errors[0]);
});

// ── damaged segments (memory fs: hundreds of reopen cycles stay fast) ───────────────────────────

const DATA = '/data';
const RAW = `${DATA}/history/raw`;

/** Writes `count` 5 s stack samples from T0 through the store, and closes it. */
async function writeSamples(fs: StoreFs, count: number, now: () => number): Promise<Sample[]> {
  const store = await openHistoryStore({ dataDir: DATA, rawDays: 7, rollupDays: 90, now, fs });
  const written: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const sample = makeStackSample({ at: T0 + i * 5000, power: { systemWatts: 5 + (i % 7) } });
    store.append(sample);
    written.push(sample);
  }
  await store.close();
  return written;
}

async function readBack(fs: StoreFs, now: () => number) {
  const store = await openHistoryStore({ dataDir: DATA, rawDays: 7, rollupDays: 90, now, fs });
  const times: number[] = [];
  for await (const s of store.samples({ from: T0 - 1, to: T0 + 3 * HOUR })) times.push(s.at);
  const health = store.health();
  await store.close();
  return { times, health };
}

const garbage = fc.oneof(
  fc.constantFrom('', '\0\0\0', '[1,', '{"not":"a record"}', 'x'.repeat(300), '[1,17361216'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

test('a corrupt segment: every undamaged line survives, damaged ones are quarantined, none is invented', async () => {
  const now = () => T0 + 3 * HOUR;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.nat({ max: 899 }), { minLength: 1, maxLength: 6 }),
      fc.array(garbage, { minLength: 6, maxLength: 6 }),
      fc.boolean(),
      async (damaged, replacements, keepNewline) => {
        const fs = memoryStoreFs();
        await writeSamples(fs, 900, now); // 75 minutes: two hourly segments
        const file = `${RAW}/${new Date(T0).toISOString().slice(0, 13)}.jsonl`;
        const lines = (await fs.read(file))!.split('\n').filter((l) => l !== '');
        const targets = damaged.filter((i) => i < lines.length);
        targets.forEach((i, k) => {
          const mangled = lines[i]!.slice(0, (i * 7) % lines[i]!.length) + replacements[k]!;
          lines[i] = keepNewline ? mangled : mangled.replace(/\n/g, ' ');
        });
        await fs.write(file, lines.join('\n') + '\n');
        const expected = new Set<number>();
        for (const line of lines)
          for (const piece of line.split('\n')) {
            const s = decodeSample(piece);
            if (s) expected.add(s.at);
          }
        for (let i = 720; i < 900; i++) expected.add(T0 + i * 5000); // the second segment was untouched
        const first = await readBack(fs, now);
        assert.deepEqual(new Set(first.times), expected);
        for (let i = 0; i < 900; i++) {
          if (!targets.includes(i)) assert.ok(first.times.includes(T0 + i * 5000), `line ${i} was lost`);
        }
        const undecodable = lines.some((l) =>
          l.split('\n').some((p) => p !== '' && decodeSample(p) === null),
        );
        if (undecodable) assert.ok(first.health.quarantined.length === 1, 'the segment was moved aside');
        const second = await readBack(fs, now);
        assert.deepEqual(second.times, first.times, 'the rewritten segment holds the valid lines');
        assert.deepEqual(second.health.quarantined, [], 'nothing to quarantine twice');
      },
    ),
    { numRuns: runs(25) },
  );
});

test('a torn last line at any byte: complete lines are kept, the torn one is cut, later appends stay clean', async () => {
  const now = () => T0 + HOUR - 1000;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 * 700 }), async (cutBack) => {
      const fs = memoryStoreFs();
      await writeSamples(fs, 300, now);
      const file = `${RAW}/${new Date(T0).toISOString().slice(0, 13)}.jsonl`;
      const text = (await fs.read(file))!;
      const bytes = Buffer.from(text);
      const cutAt = Math.max(0, bytes.length - cutBack);
      await fs.truncate(file, cutAt);
      const kept = bytes.subarray(0, cutAt).toString('utf8');
      const whole = kept.split('\n');
      const tail = whole.pop()!;
      const expected = whole.filter((l) => l !== '').map((l) => decodeSample(l)!.at);
      if (tail !== '' && decodeSample(tail)) expected.push(decodeSample(tail)!.at);
      const first = await readBack(fs, now);
      assert.deepEqual(first.times, expected);
      assert.equal(first.health.tornLines, tail !== '' && !decodeSample(tail) ? 1 : 0);

      const store = await openHistoryStore({ dataDir: DATA, rawDays: 7, rollupDays: 90, now, fs });
      const more = makeStackSample({ at: T0 + 300 * 5000 + 2500 });
      store.append(more);
      await store.close();
      const second = await readBack(fs, now);
      assert.deepEqual(second.times, [...expected, more.at]);
      assert.equal(second.health.tornLines, 0);
      assert.equal(second.health.corruptLines, 0, 'the appended line starts on a clean line');
    }),
    { numRuns: runs(30) },
  );
});

test('the settings file corrupted while sampling: ticks go on with defaults and the status carries a notice', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'settings.json');
  const settingsStore = openSettingsStore({ file, now: () => T0 });
  const start = T0;
  const clock = manualClock(start);
  const { core } = await openScriptedCore({
    collectors: [
      stackCollector(clock.now, () => ({ systemWatts: 7, pressure: 'nominal', requests: [] }), start),
    ],
    now: clock.now,
    settings: settingsStore,
    dataDir: dir,
  });
  await core.tickOnce();
  writeFileSync(file, '{"schemaVersion":1,"services":[{"id":"ollama"'); // a write cut short
  for (let i = 0; i < 3; i++) {
    clock.advance(5000);
    const sample = await core.tickOnce();
    assert.equal(sample.services.length, 6, 'the default services are still sampled');
    assert.equal(sample.gap, false);
  }
  const status = await core.api.getStatus();
  assert.ok(
    status.notices.some((n) => /settings file .* could not be used/.test(n)),
    status.notices.join('\n'),
  );
  assert.equal((await core.api.getSettings()).services.length, 6);
  await core.close();
});

test('a start on a read-only disk with a torn tail: once writable again the tail is cut before the first append', async () => {
  const now = () => T0 + HOUR - 1000;
  const base = memoryStoreFs();
  await writeSamples(base, 20, now);
  const file = `${RAW}/${new Date(T0).toISOString().slice(0, 13)}.jsonl`;
  const text = (await base.read(file))!;
  await base.truncate(file, Buffer.byteLength(text) - 40); // a crash cut the last line short
  const fs = faultyFs(base);
  fs.fault = 'EROFS';
  const store = await openHistoryStore({
    dataDir: DATA,
    rawDays: 7,
    rollupDays: 90,
    now,
    fs,
    retryAfterMs: 0,
  });
  assert.equal(store.health().writable, false);
  fs.fault = 'none'; // remounted read-write
  const next = makeStackSample({ at: T0 + 20 * 5000 + 2500 });
  store.append(next);
  await store.flush();
  assert.equal(store.health().writable, true, store.health().error ?? '');
  await store.close();
  const back = await readBack(base, now);
  assert.equal(back.health.corruptLines, 0, 'the new sample was not glued onto the fragment');
  assert.deepEqual(back.health.quarantined, []);
  assert.equal(back.times.at(-1), next.at);
  assert.equal(back.times.length, 20, '19 whole samples before the torn one, then the new one');
});

test('while the disk is full the "lines unsaved" count follows every new sample', async () => {
  const now = () => T0 + HOUR - 1000;
  const fs = faultyFs(memoryStoreFs());
  const store = await openHistoryStore({
    dataDir: DATA,
    rawDays: 7,
    rollupDays: 90,
    now,
    fs,
    retryAfterMs: 60_000,
  });
  fs.fault = 'ENOSPC';
  store.append(makeStackSample({ at: T0 }));
  await store.flush();
  assert.match(store.health().error ?? '', /\(1 lines unsaved\)/);
  for (let i = 1; i <= 4; i++) store.append(makeStackSample({ at: T0 + i * 5000 }));
  assert.match(store.health().error ?? '', /\(5 lines unsaved\)/);
  assert.equal(store.health().unsavedLines, 5);
  await store.close();
  assert.equal(store.health().unsavedLines, 5, 'close() on a full disk reports what it could not save');
});
