// History store benchmark (targets in README's Performance table): a week of 5 s samples for 6 services, plus older
// per-minute rollups so a 30-day range is full. Prints JSON; not a test (no pass/fail exit code).
// Query times: `firstMs` is the first query after the store opens (it decodes the rollup files it
// needs into the cache), `medianMs` the median of 7. The uncached figures read the files every time.
// Run: node --import tsx bench/history.bench.ts
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SERVICES } from '../main/contract/index.js';
import { openHistoryStore } from '../main/store/index.js';
import { makeService, makeStackSample } from '../tests/unit/store/sample-factory.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const END = Date.UTC(2025, 2, 1);
const RAW_DAYS = 7;
const ROLLUP_SPAN_DAYS = 30;

let seed = 42;
const rnd = (): number => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

function sampleAt(at: number, intervalMs: number) {
  const idle = rnd() > 0.1;
  const systemWatts = (idle ? 6 : 18) + rnd() * 3 + (rnd() > 0.999 ? 40 : 0);
  const services = DEFAULT_SERVICES.map((s, i) =>
    makeService(s.id, {
      pids: [3000 + i],
      cpuPercent: rnd() * (i + 2) * 3,
      rssBytes: Math.round((200 + rnd() * 800) * 1024 * 1024),
      estimatedWatts: rnd() * 2,
      active: !idle && rnd() > 0.5,
      lastActiveAt: at - Math.round(rnd() * 3 * HOUR),
      models:
        s.probe === 'ollama'
          ? { count: 2, bytes: 9.1e9, unloadsAt: at + 3 * 60_000, keptLoaded: false }
          : null,
    }),
  );
  return makeStackSample({
    at,
    intervalMs,
    power: { systemWatts, packageWatts: systemWatts - 1.234, cpuWatts: systemWatts - 2.345 },
    thermal: { cpuTempCelsius: 40 + rnd() * 30, pressure: rnd() > 0.95 ? 'fair' : 'nominal' },
    idle: { stackIdle: idle, stackIdleSinceAt: idle ? at - 600_000 : null, lastActivityAt: at - 1000 },
    services,
    topProcesses: [
      { pid: 1, name: 'node', cpuPercent: rnd() * 40, rssBytes: 3e8 },
      { pid: 2, name: 'python3', cpuPercent: rnd() * 20, rssBytes: 2e8 },
      { pid: 3, name: 'chrome', cpuPercent: rnd() * 10, rssBytes: 9e8 },
    ],
    energy: { systemWattHours: (systemWatts * intervalMs) / HOUR },
  });
}

const bytesUnder = (dir: string, match: (name: string) => boolean): number =>
  readdirSync(dir)
    .filter(match)
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number): number => Math.round(ms * 100) / 100;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idlewatt-bench-'));
  try {
    let now = END - ROLLUP_SPAN_DAYS * DAY;
    const writer = await openHistoryStore({ dataDir, rawDays: RAW_DAYS, rollupDays: 90, now: () => now });
    const started = performance.now();
    let appended = 0;
    // Older days at one sample a minute: their rollups have the same size as from 5 s samples.
    for (let at = END - ROLLUP_SPAN_DAYS * DAY; at < END;) {
      const intervalMs = at < END - RAW_DAYS * DAY ? MIN : 5000;
      at += intervalMs;
      now = at;
      writer.append(sampleAt(at, intervalMs));
      appended += 1;
      if (at % HOUR === 0) await writer.flush();
    }
    await writer.close();
    const writeMs = performance.now() - started;

    const raw = join(dataDir, 'history', 'raw');
    const rollup = join(dataDir, 'history', 'rollup');
    const fullDay = new Date(END - 2 * DAY).toISOString().slice(0, 10);
    const rawBytesPerDay = bytesUnder(raw, (n) => n.startsWith(fullDay));
    const rollupBytesPerDay = bytesUnder(rollup, (n) => n.includes(fullDay));

    const opened = await time(() =>
      openHistoryStore({ dataDir, rawDays: RAW_DAYS, rollupDays: 90, now: () => END, readOnly: true }),
    );
    const store = opened.result;
    const day = { from: END - DAY, to: END, points: 1000 };
    const month = { from: END - 30 * DAY, to: END, points: 1000 };
    const dayRuns: number[] = [];
    const monthRuns: number[] = [];
    let dayPoints = 0;
    let monthPoints = 0;
    for (let i = 0; i < 7; i += 1) {
      const d = await time(() => store.history(day));
      dayRuns.push(d.ms);
      dayPoints = d.result.length;
      const m = await time(() => store.history(month));
      monthRuns.push(m.ms);
      monthPoints = m.result.length;
    }
    const serviceRuns: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      serviceRuns.push((await time(() => store.serviceHistory({ ...month, serviceId: 'ollama' }))).ms);
    }
    const cacheBytes = store.cachedRollupBytes();
    await store.close();

    const uncached = await openHistoryStore({
      dataDir,
      rawDays: RAW_DAYS,
      rollupDays: 90,
      now: () => END,
      readOnly: true,
      rollupCacheBytes: 0,
    });
    const uncachedRuns: number[] = [];
    for (let i = 0; i < 3; i += 1) uncachedRuns.push((await time(() => uncached.history(month))).ms);
    const uncachedServiceMs = (await time(() => uncached.serviceHistory({ ...month, serviceId: 'ollama' })))
      .ms;
    await uncached.close();

    const results = {
      bench: 'history store',
      node: process.version,
      samplesWritten: appended,
      writeSeconds: round(writeMs / 1000),
      openMs: round(opened.ms),
      query24hTo1000Points: {
        points: dayPoints,
        firstMs: round(dayRuns[0]!),
        medianMs: round(median(dayRuns)),
        targetMs: 100,
        met: median(dayRuns) < 100,
      },
      query30dRollups: {
        points: monthPoints,
        firstMs: round(monthRuns[0]!),
        medianMs: round(median(monthRuns)),
        targetMs: 50,
        met: median(monthRuns) < 50,
      },
      serviceQuery30dMs: round(serviceRuns[0]!),
      serviceQuery30dMedianMs: round(median(serviceRuns)),
      rollupCacheMB: round(cacheBytes / 1e6),
      uncached: {
        query30dRollupsMedianMs: round(median(uncachedRuns)),
        serviceQuery30dMs: round(uncachedServiceMs),
      },
      diskPerDay: {
        rawMB: round(rawBytesPerDay / 1e6),
        rollupMB: round(rollupBytesPerDay / 1e6),
        totalMB: round((rawBytesPerDay + rollupBytesPerDay) / 1e6),
        targetMB: 15,
        met: (rawBytesPerDay + rollupBytesPerDay) / 1e6 < 15,
      },
    };
    console.log(JSON.stringify(results, null, 2));
  } finally {
    if (process.env.KEEP) console.error(dataDir);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
