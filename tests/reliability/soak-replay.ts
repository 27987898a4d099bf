/**
 * The soak: days of 5 s samples from the six-service stack replayed at full speed through the real
 * sampler, alert engine and history store (temp dir), on a manual clock. Returns what the checks
 * need; `soakProblems` turns it into a list of broken promises (empty when all hold). Run it with
 * `--expose-gc` so heap checkpoints are taken after a full collection.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertEvent, Report } from '../../main/contract/index.js';
import { DEFAULT_SERVICES } from '../../main/contract/index.js';
import { buildReport } from '../../main/report/index.js';
import { openHistoryStore } from '../../main/store/index.js';
import { memorySettings, openScriptedCore } from './core-harness.js';
import {
  STACK_CPU_PERCENT,
  stackCollector,
  stackSettings,
  manualClock,
  type StackMoment,
} from './stack-script.js';

const STEP_MS = 5000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Noon UTC, so a one-day run spans two calendar days and daily rollup files can expire. */
export const SOAK_START = Date.UTC(2025, 0, 6, 12, 0, 0);
const IDLE_AFTER_MS = 5 * MINUTE;

export interface SoakOptions {
  days: number;
  rawDays: number;
  rollupDays: number;
}

export interface SoakResult {
  options: SoakOptions;
  ticks: number;
  wallSeconds: number;
  gcAvailable: boolean;
  /** Heap used after a full GC, MB, every simulated six hours. */
  heapMb: { hour: number; mb: number }[];
  ringSize: number;
  ringCapacity: number;
  idleMismatches: number;
  events: { fired: number; cleared: number; byRule: Record<string, number> };
  rawFiles: { kept: string[]; expected: string[] };
  rollupDays: { kept: string[]; expected: string[] };
  storedSamples: number;
  expectedStoredSamples: number;
  alertsKept: string[];
  alertsExpected: string[];
  report: Pick<Report, 'systemIdleWattHours' | 'systemActiveWattHours' | 'idleSeconds' | 'sampleCount'> & {
    services: Record<string, number | null>;
  };
  expectedReport: {
    systemIdleWattHours: number;
    systemActiveWattHours: number;
    idleSeconds: number;
    sampleCount: number;
    services: Record<string, number>;
  };
}

/** Each hour: ten busy minutes (requests to Ollama every 30 s, 18 W, fair), then idle at 7 W. */
export function soakMoment(at: number): StackMoment {
  const minute = Math.floor((at % HOUR) / MINUTE);
  const busy = minute < 10;
  return {
    systemWatts: busy ? 18 : 7,
    pressure: busy ? 'fair' : 'nominal',
    requests: busy && at % 30_000 === 0 ? ['ollama'] : [],
  };
}

/** The idle rule applied to the script itself (the first tick is a baseline, not a request). */
function scriptIdle(at: number): boolean {
  for (let t = at - (at % 30_000); t > at - IDLE_AFTER_MS && t > SOAK_START; t -= 30_000) {
    if (soakMoment(t).requests.length > 0) return false;
  }
  return at - SOAK_START >= IDLE_AFTER_MS;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10;
}

const hourName = (at: number): string => `${new Date(at).toISOString().slice(0, 13)}.jsonl`;
const dayName = (at: number): string => new Date(at).toISOString().slice(0, 10);

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'idlewatt-soak-'));
  try {
    return await soakIn(dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function soakIn(dataDir: string, options: SoakOptions): Promise<SoakResult> {
  const clock = manualClock(SOAK_START);
  const settings = stackSettings((s) => {
    s.sampling.idleAfterMinutes = IDLE_AFTER_MS / MINUTE;
    s.retention = { rawDays: options.rawDays, rollupDays: options.rollupDays };
  });
  const { core, store } = await openScriptedCore({
    collectors: [stackCollector(clock.now, soakMoment, SOAK_START)],
    now: clock.now,
    settings: memorySettings(settings),
    dataDir,
    keepSamples: false,
  });
  const events: AlertEvent[] = [];
  core.onAlert((e) => events.push(e));
  const end = SOAK_START + options.days * DAY;
  const ticks = options.days * (DAY / STEP_MS) + 1;
  const heap: SoakResult['heapMb'] = [];
  const ticksAt: number[] = [];
  let idleMismatches = 0;
  const started = performance.now();
  for (let i = 0; i < ticks; i++) {
    const at = SOAK_START + i * STEP_MS;
    clock.set(at);
    const sample = await core.tickOnce();
    ticksAt.push(at);
    if (sample.idle.stackIdle !== scriptIdle(at)) idleMismatches++;
    if (i % 12 === 11) await store.flush();
    if ((at - SOAK_START) % (6 * HOUR) === 0 && at > SOAK_START)
      heap.push({ hour: (at - SOAK_START) / HOUR, mb: heapMb() });
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const ringSize = store.size();
  await core.close();

  // Reopen at the end: retention runs at open, as after a restart.
  const reopened = await openHistoryStore({
    dataDir,
    rawDays: options.rawDays,
    rollupDays: options.rollupDays,
    now: () => end,
  });
  const rawKeepFrom = end - options.rawDays * DAY;
  const rollupKeepFrom = end - options.rollupDays * DAY;
  const rawDir = join(dataDir, 'history', 'raw');
  const kept = readdirSync(rawDir).sort();
  const expectedHours = new Set<string>();
  for (const at of ticksAt) if (at - (at % HOUR) + HOUR > rawKeepFrom) expectedHours.add(hourName(at));
  const rollupKept = [
    ...new Set(
      readdirSync(join(dataDir, 'history', 'rollup')).map((n) => n.replace(/^(sys|svc)-/, '').slice(0, 10)),
    ),
  ].sort();
  const expectedDays = new Set<string>();
  for (const at of ticksAt) if (at - (at % DAY) + DAY > rollupKeepFrom) expectedDays.add(dayName(at));

  const retainedFrom = Math.min(...[...expectedHours].map((h) => Date.parse(`${h.slice(0, 13)}:00:00Z`)));
  let storedSamples = 0;
  for await (const _ of reopened.samples({ from: retainedFrom, to: end })) storedSamples++;
  const alertsKeepFrom = Math.min(...[...expectedDays].map((d) => Date.parse(`${d}T00:00:00Z`)));
  const alertsKept = (await reopened.alerts(0)).map((e) => e.id);
  const alertsExpected = events.filter((e) => e.at >= alertsKeepFrom).map((e) => e.id);

  const report = await buildReport(reopened, { from: retainedFrom, to: end }, settings);
  await reopened.close();

  return {
    options,
    ticks,
    wallSeconds,
    gcAvailable: typeof (globalThis as { gc?: unknown }).gc === 'function',
    heapMb: heap,
    ringSize,
    ringCapacity: 60 * (MINUTE / STEP_MS) + 1,
    idleMismatches,
    events: {
      fired: events.filter((e) => e.kind === 'fired').length,
      cleared: events.filter((e) => e.kind === 'cleared').length,
      byRule: events.reduce<Record<string, number>>((acc, e) => {
        if (e.kind === 'fired') acc[e.rule] = (acc[e.rule] ?? 0) + 1;
        return acc;
      }, {}),
    },
    rawFiles: { kept, expected: [...expectedHours].sort() },
    rollupDays: { kept: rollupKept, expected: [...expectedDays].sort() },
    storedSamples,
    expectedStoredSamples: ticksAt.filter((at) => at >= retainedFrom).length,
    alertsKept,
    alertsExpected,
    report: {
      systemIdleWattHours: report.systemIdleWattHours,
      systemActiveWattHours: report.systemActiveWattHours,
      idleSeconds: report.idleSeconds,
      sampleCount: report.sampleCount,
      services: Object.fromEntries(report.services.map((s) => [s.serviceId, s.idleWattHours])),
    },
    expectedReport: expectedReport(retainedFrom, end),
  };
}

/** The report the script implies, computed from the script alone (trapezoids of its watts). */
function expectedReport(from: number, to: number): SoakResult['expectedReport'] {
  const totalShare = Object.values(STACK_CPU_PERCENT).reduce((a, b) => a + b, 0);
  const out = {
    systemIdleWattHours: 0,
    systemActiveWattHours: 0,
    idleSeconds: 0,
    sampleCount: 0,
    services: Object.fromEntries(DEFAULT_SERVICES.map((s) => [s.id, 0])),
  };
  for (let at = from; at <= to; at += STEP_MS) {
    out.sampleCount++;
    if (at === from) continue; // its interval lies before the range
    const watts = (soakMoment(at - STEP_MS).systemWatts! + soakMoment(at).systemWatts!) / 2;
    const wh = (watts * STEP_MS) / HOUR;
    if (!scriptIdle(at)) {
      out.systemActiveWattHours += wh;
      continue;
    }
    out.systemIdleWattHours += wh;
    out.idleSeconds += STEP_MS / 1000;
    for (const s of DEFAULT_SERVICES)
      out.services[s.id]! += wh * 0.8 * ((STACK_CPU_PERCENT[s.id] ?? 0) / totalShare);
  }
  return out;
}

const close = (a: number | null, b: number, relative = 1e-3): boolean =>
  a !== null && Math.abs(a - b) <= Math.max(1e-9, Math.abs(b) * relative);

/** Every promise of the soak that the result breaks, as sentences. */
export function soakProblems(r: SoakResult): string[] {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(what);
  if (r.idleMismatches > 0) fail(`${r.idleMismatches} samples disagree with the script about idle`);
  if (r.ringSize > r.ringCapacity) fail(`the ring holds ${r.ringSize} samples (capacity ${r.ringCapacity})`);
  if (r.gcAvailable && r.heapMb.length >= 3) {
    // The first checkpoint comes after the ring, the rollup minute and the alert series are full.
    const baseline = r.heapMb[0]!.mb;
    const peak = Math.max(...r.heapMb.map((h) => h.mb));
    if (peak - baseline > 12) fail(`heap grew from ${baseline} MB to ${peak} MB`);
    const half = Math.floor(r.heapMb.length / 2);
    const mean = (xs: { mb: number }[]) => xs.reduce((s, x) => s + x.mb, 0) / xs.length;
    const early = mean(r.heapMb.slice(0, half));
    const late = mean(r.heapMb.slice(half));
    if (late - early > 6) fail(`heap trend: ${early.toFixed(1)} MB early, ${late.toFixed(1)} MB late`);
  } else if (!r.gcAvailable) {
    fail('global.gc is not available: run the soak with --expose-gc');
  }
  const hoursPerDay = 24;
  if (r.events.fired < r.options.days * hoursPerDay) fail(`only ${r.events.fired} alerts fired`);
  for (const rule of ['idle-power', 'thermal-pressure', 'idle-service-cpu']) {
    if (!r.events.byRule[rule]) fail(`no ${rule} alert fired`);
  }
  if (JSON.stringify(r.rawFiles.kept) !== JSON.stringify(r.rawFiles.expected)) {
    fail(
      `raw segments kept ${r.rawFiles.kept.length} (${r.rawFiles.kept[0]}…), expected ${r.rawFiles.expected.length} (${r.rawFiles.expected[0]}…)`,
    );
  }
  if (JSON.stringify(r.rollupDays.kept) !== JSON.stringify(r.rollupDays.expected)) {
    fail(`rollup days kept ${r.rollupDays.kept.join(',')}, expected ${r.rollupDays.expected.join(',')}`);
  }
  if (r.storedSamples !== r.expectedStoredSamples) {
    fail(`${r.storedSamples} samples retained, expected ${r.expectedStoredSamples}`);
  }
  if (JSON.stringify(r.alertsKept) !== JSON.stringify(r.alertsExpected)) {
    fail(`${r.alertsKept.length} alert events retained, expected ${r.alertsExpected.length}`);
  }
  const e = r.expectedReport;
  if (r.report.sampleCount !== e.sampleCount)
    fail(`report counts ${r.report.sampleCount} samples, expected ${e.sampleCount}`);
  if (!close(r.report.systemIdleWattHours, e.systemIdleWattHours)) {
    fail(`idle Wh ${r.report.systemIdleWattHours} vs scripted ${e.systemIdleWattHours}`);
  }
  if (!close(r.report.systemActiveWattHours, e.systemActiveWattHours)) {
    fail(`active Wh ${r.report.systemActiveWattHours} vs scripted ${e.systemActiveWattHours}`);
  }
  if (Math.abs(r.report.idleSeconds - e.idleSeconds) > 1e-6)
    fail(`idle ${r.report.idleSeconds} s vs ${e.idleSeconds} s`);
  for (const [id, wh] of Object.entries(e.services)) {
    if (!close(r.report.services[id] ?? null, wh, 5e-3))
      fail(`${id} idle Wh ${r.report.services[id]} vs scripted ${wh}`);
  }
  return problems;
}
