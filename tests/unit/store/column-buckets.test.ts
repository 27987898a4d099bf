import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { HistoryQuery } from '../../../main/contract/index.js';
import { bucketServiceColumns, bucketSystemColumns } from '../../../main/store/column-buckets.js';
import { AggregateBuckets, toHistoryPoint, toServicePoint } from '../../../main/store/downsample.js';
import {
  addSystemRollupRow,
  decodeServiceRollup,
  encodeServiceRollup,
  encodeSystemRollup,
  parseSystemRollupRow,
} from '../../../main/store/rollup-codec.js';
import { serviceColumnsBuilder, systemColumnsBuilder } from '../../../main/store/rollup-columns.js';
import {
  addSample,
  emptyAggregate,
  mergeAggregate,
  minuteOf,
  type Aggregate,
} from '../../../main/store/rollup.js';
import { scanLines } from '../../../main/store/segments.js';
import { makeSample, makeService, T0 } from './sample-factory.js';

const MIN = 60_000;
const SERVICES = ['ollama', 'piper'];

/**
 * The reference the column path is held to: rollup lines parsed one by one (filtered by their leading
 * time, as a line scan does) and added into buckets with the Aggregate arithmetic.
 */
function referenceSystemPoints(files: readonly string[], current: Aggregate | null, q: HistoryQuery) {
  const from = minuteOf(q.from);
  const rows = files.flatMap((text) => scanLines(text, from, q.to, parseSystemRollupRow).items);
  const buckets = new AggregateBuckets(q, rows.length + (current ? 1 : 0));
  for (const row of rows) addSystemRollupRow(buckets.for(row[1]), row);
  if (current) mergeAggregate(buckets.for(current.at), current);
  return buckets.sorted().map(toHistoryPoint);
}

/** A service's minutes, each minute stored more than once merged first, then bucketed. */
function referenceServicePoints(
  files: readonly string[],
  current: Aggregate | null,
  serviceId: string,
  q: HistoryQuery,
) {
  const from = minuteOf(q.from);
  const minutes = files.flatMap((text) => scanLines(text, from, q.to, decodeServiceRollup).items);
  if (current) minutes.push(current);
  minutes.sort((a, b) => a.at - b.at);
  const merged: Aggregate[] = [];
  for (const minute of minutes) {
    const last = merged[merged.length - 1];
    if (last && last.at === minute.at) {
      const copy = emptyAggregate(last.at);
      mergeAggregate(copy, last);
      mergeAggregate(copy, minute);
      merged[merged.length - 1] = copy;
    } else merged.push(minute);
  }
  const withService = merged.filter((m) => m.services.has(serviceId));
  const buckets = new AggregateBuckets(q, withService.length);
  for (const minute of withService) mergeAggregate(buckets.for(minute.at), minute);
  return buckets.sorted().flatMap((agg) => toServicePoint(agg, serviceId) ?? []);
}

/** What the store reads: each file's lines decoded into columns. */
function columnsOf<C>(
  files: readonly string[],
  builder: () => { decode(line: string): unknown; build(): C },
): C[] {
  return files.map((text) => {
    const b = builder();
    scanLines(text, -Infinity, Infinity, b.decode, null);
    return b.build();
  });
}

const maybe = (arb: fc.Arbitrary<number>) => fc.option(arb, { nil: null, freq: 5 });
const sampleArb = fc.record({
  second: fc.integer({ min: 0, max: 59 }),
  systemWatts: maybe(fc.double({ min: 0, max: 60, noNaN: true })),
  cpuWatts: maybe(fc.double({ min: 0, max: 20, noNaN: true })),
  cpuTempCelsius: maybe(fc.double({ min: 20, max: 100, noNaN: true })),
  pressure: fc.constantFrom(null, 'nominal', 'fair', 'serious', 'critical'),
  gap: fc.boolean(),
  stackIdle: fc.boolean(),
  services: fc.subarray(SERVICES),
  cpuPercent: maybe(fc.double({ min: 0, max: 150, noNaN: true })),
});
/** One minute's rollup (its index may repeat: a clock stepped back writes a minute twice). */
const minuteArb = fc.record({
  index: fc.integer({ min: 0, max: 15 }),
  samples: fc.array(sampleArb, { minLength: 1, maxLength: 3 }),
});

type GeneratedSample = typeof sampleArb extends fc.Arbitrary<infer S> ? S : never;

function aggregateOf(index: number, samples: readonly GeneratedSample[]): Aggregate {
  const minute = emptyAggregate(T0 + index * MIN);
  for (const s of samples) {
    addSample(
      minute,
      makeSample({
        at: minute.at + s.second * 1000,
        gap: s.gap,
        power: { systemWatts: s.systemWatts, cpuWatts: s.cpuWatts },
        thermal: { pressure: s.pressure, cpuTempCelsius: s.cpuTempCelsius },
        idle: { stackIdle: s.stackIdle },
        services: s.services.map((id) => makeService(id, { cpuPercent: s.cpuPercent, active: !s.stackIdle })),
      }),
    );
  }
  return minute;
}

const caseArb = fc.record({
  minutes: fc.array(minuteArb, { maxLength: 30 }),
  /** Where the lines are cut into files (each file keeps its lines in order). */
  cuts: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 2 }),
  live: fc.option(minuteArb, { nil: null }),
  fromMinute: fc.integer({ min: -3, max: 15 }),
  spanMinutes: fc.double({ min: 0.5, max: 25, noNaN: true }),
  points: fc.constantFrom(1, 3, 7, 30, 1000),
  serviceId: fc.constantFrom(...SERVICES, 'absent'),
});

test('bucketing rollup columns answers exactly what parsing the rollup lines one by one answers', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const minutes = c.minutes.map((m) => aggregateOf(m.index, m.samples));
      const bounds = [
        0,
        ...[...c.cuts].sort((a, b) => a - b).map((n) => Math.min(n, minutes.length)),
        minutes.length,
      ];
      const files = bounds.slice(1).map((end, i) => minutes.slice(bounds[i], end));
      const sysFiles = files.map((f) => f.map((m) => encodeSystemRollup(m) + '\n').join(''));
      const svcFiles = files.map((f) => f.map((m) => encodeServiceRollup(m) + '\n').join(''));
      const from = T0 + c.fromMinute * MIN + 17_000;
      const q: HistoryQuery = { from, to: from + c.spanMinutes * MIN, points: c.points };
      const live = c.live ? aggregateOf(c.live.index, c.live.samples) : null;
      const current = live && live.at >= minuteOf(q.from) && live.at <= q.to ? live : null;

      const system = bucketSystemColumns(
        { segments: columnsOf(sysFiles, systemColumnsBuilder), current, from: minuteOf(q.from) },
        q,
      ).map(toHistoryPoint);
      assert.deepStrictEqual(system, referenceSystemPoints(sysFiles, current, q));

      const service = bucketServiceColumns(
        { segments: columnsOf(svcFiles, serviceColumnsBuilder), current, from: minuteOf(q.from) },
        c.serviceId,
        q,
      );
      assert.deepStrictEqual(service, referenceServicePoints(svcFiles, current, c.serviceId, q));
    }),
    { numRuns: 300 },
  );
});
