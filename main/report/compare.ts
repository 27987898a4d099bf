import {
  describeBaselineGap,
  packageLabel,
  type BaselineEntry,
  type CompareFigure,
  type CompareResult,
  type Sample,
  type TimeRange,
} from '../contract/index.js';
import type { HistoryStore } from '../store/index.js';
import { formatNumber, formatSigned } from '../contract/format.js';
import { noiseBand } from './stats.js';

export type CompareSource = Pick<HistoryStore, 'samples'>;

const BLOCK_MS = 60_000;

/**
 * Idle figures of one range, in one-minute blocks: consecutive 5 s samples are strongly
 * correlated, so the spread of block means is the honest noise, not the spread of samples.
 */
interface IdleBlocks {
  watts: Map<number, { sum: number; n: number }>;
  packageWatts: Map<number, { sum: number; n: number }>;
  /** 'SoC' or 'package', from the samples seen. */
  packageName: string;
  energy: Map<number, { wattHours: number; seconds: number }>;
  cpu: Map<string, Map<number, { sum: number; n: number }>>;
  /** Service id → the name it last had, so figures and the verdict name services as people know them. */
  names: Map<string, string>;
}

async function idleBlocks(store: CompareSource, range: TimeRange): Promise<IdleBlocks> {
  const blocks: IdleBlocks = {
    watts: new Map(),
    packageWatts: new Map(),
    packageName: 'package',
    energy: new Map(),
    cpu: new Map(),
    names: new Map(),
  };
  const add = (map: Map<number, { sum: number; n: number }>, block: number, value: number): void => {
    const b = map.get(block) ?? { sum: 0, n: 0 };
    b.sum += value;
    b.n += 1;
    map.set(block, b);
  };
  for await (const sample of store.samples(range)) {
    if (!sample.idle.stackIdle || sample.at < range.from || sample.at > range.to) continue;
    const block = Math.floor(sample.at / BLOCK_MS);
    if (isNum(sample.power.systemWatts)) add(blocks.watts, block, sample.power.systemWatts);
    if (isNum(sample.power.packageWatts)) {
      add(blocks.packageWatts, block, sample.power.packageWatts);
      blocks.packageName = packageLabel(sample);
    }
    addEnergy(blocks, block, sample);
    for (const s of sample.services) {
      if (s.status !== 'running' || !isNum(s.cpuPercent)) continue;
      blocks.names.set(s.id, s.name);
      let perService = blocks.cpu.get(s.id);
      if (!perService) blocks.cpu.set(s.id, (perService = new Map()));
      add(perService, block, s.cpuPercent);
    }
  }
  return blocks;
}

function addEnergy(blocks: IdleBlocks, block: number, sample: Sample): void {
  const wh = sample.energy.systemWattHours;
  if (sample.gap || !isNum(wh) || sample.intervalMs <= 0) return;
  const b = blocks.energy.get(block) ?? { wattHours: 0, seconds: 0 };
  b.wattHours += wh;
  b.seconds += sample.intervalMs / 1000;
  blocks.energy.set(block, b);
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
const means = (map: Map<number, { sum: number; n: number }> | undefined): number[] =>
  map ? [...map.values()].map((b) => b.sum / b.n) : [];
const overall = (map: Map<number, { sum: number; n: number }> | undefined): number | null => {
  let sum = 0;
  let n = 0;
  for (const b of map?.values() ?? []) {
    sum += b.sum;
    n += b.n;
  }
  return n === 0 ? null : sum / n;
};

function figure(
  label: string,
  unit: string,
  before: number | null,
  after: number | null,
  noise: number | null,
): CompareFigure {
  const difference = before === null || after === null ? null : after - before;
  return {
    label,
    unit,
    before,
    after,
    difference,
    significant: difference !== null && noise !== null && Math.abs(difference) > noise,
    noise,
  };
}

function energyRate(blocks: IdleBlocks): { overall: number | null; perBlock: number[] } {
  let wh = 0;
  let seconds = 0;
  const perBlock: number[] = [];
  for (const b of blocks.energy.values()) {
    wh += b.wattHours;
    seconds += b.seconds;
    if (b.seconds > 0) perBlock.push(b.wattHours / (b.seconds / 3600));
  }
  return { overall: seconds === 0 ? null : wh / (seconds / 3600), perBlock };
}

/**
 * Before vs after, for validating an optimisation: mean idle system power, idle Wh per hour and
 * each service's CPU while idle, each with its difference and whether it exceeds the noise.
 */
export async function compareRanges(
  store: CompareSource,
  before: TimeRange,
  after: TimeRange,
  baseline: BaselineEntry | null = null,
): Promise<CompareResult> {
  const b = await idleBlocks(store, before);
  const a = await idleBlocks(store, after);
  const figures: CompareFigure[] = [
    figure(
      'Mean idle system power',
      'W',
      overall(b.watts),
      overall(a.watts),
      noiseBand(means(b.watts), means(a.watts)),
    ),
  ];
  const eb = energyRate(b);
  const ea = energyRate(a);
  figures.push(
    figure('Idle energy per hour', 'Wh/h', eb.overall, ea.overall, noiseBand(eb.perBlock, ea.perBlock)),
  );
  if (b.packageWatts.size > 0 || a.packageWatts.size > 0) {
    const name = a.packageWatts.size > 0 ? a.packageName : b.packageName;
    figures.push(
      figure(
        `Mean idle ${name} power`,
        'W',
        overall(b.packageWatts),
        overall(a.packageWatts),
        noiseBand(means(b.packageWatts), means(a.packageWatts)),
      ),
    );
  }
  const serviceIds = [...new Set([...b.cpu.keys(), ...a.cpu.keys()])].sort();
  for (const id of serviceIds) {
    const cb = b.cpu.get(id);
    const ca = a.cpu.get(id);
    const name = a.names.get(id) ?? b.names.get(id) ?? id;
    figures.push({
      ...figure(`CPU while idle: ${name}`, '%', overall(cb), overall(ca), noiseBand(means(cb), means(ca))),
      serviceId: id,
    });
  }
  const afterWatts = figures[0]!.after;
  const afterAboveBaselineWatts =
    baseline?.systemWatts == null || afterWatts === null ? null : afterWatts - baseline.systemWatts;
  let sentence = verdict(figures, b, a);
  if (afterAboveBaselineWatts !== null) {
    const where = describeBaselineGap(afterAboveBaselineWatts);
    sentence += ` After: ${where} (${formatNumber(baseline!.systemWatts!)} W, ${baseline!.kind}).`;
  }
  return { before, after, figures, verdict: sentence, baseline, afterAboveBaselineWatts };
}

/** The verdict judges system power; where it is not measured on both sides, the package figure. */
function verdict(figures: CompareFigure[], b: IdleBlocks, a: IdleBlocks): string {
  const system = figures[0]!;
  const pkg = figures.find((f) => f.label.startsWith('Mean idle ') && f !== system);
  const usePackage =
    (system.before === null || system.after === null) && pkg && pkg.before !== null && pkg.after !== null;
  const power = usePackage ? pkg : system;
  const noun = usePackage
    ? `Idle ${pkg.label.slice('Mean idle '.length, -' power'.length)} power`
    : 'Idle power';
  if (power.before === null || power.after === null) {
    const side = power.before === null ? 'before' : 'after';
    const none = (side === 'before' ? b : a).watts.size === 0;
    return `No verdict: the ${side} range has ${none ? 'no idle samples with a power reading' : 'no usable idle power'}.`;
  }
  const diff = power.difference!;
  const pct = power.before === 0 ? null : (diff / power.before) * 100;
  const pctText = pct === null ? '' : ` (${formatSigned(pct, '%')})`;
  const direction = diff < 0 ? 'fell' : 'rose';
  let sentence: string;
  if (power.noise === null || power.noise === undefined) {
    sentence =
      `${noun} ${direction} by ${formatNumber(Math.abs(diff))} W${pctText}, but there are too few idle ` +
      `minutes on one side to tell it from the noise.`;
  } else if (power.significant) {
    const margin = Math.abs(diff) > 2 * power.noise ? 'well beyond' : 'beyond';
    sentence = `${noun} ${direction} by ${formatNumber(Math.abs(diff))} W${pctText}, ${margin} the noise (±${formatNumber(power.noise)} W).`;
  } else {
    sentence =
      `${noun} changed by ${formatSigned(diff, 'W')}${pctText}, within the noise ` +
      `(±${formatNumber(power.noise)} W): no measurable difference.`;
  }
  const services = figures
    .filter((f) => f.serviceId !== undefined && f.significant)
    .map((f) => {
      const name = f.label.slice('CPU while idle: '.length);
      return `${name} ${f.difference! < 0 ? 'fell' : 'rose'} from ${formatNumber(f.before!)} % to ${formatNumber(f.after!)} %`;
    });
  return services.length === 0 ? sentence : `${sentence} CPU while idle: ${services.join('; ')}.`;
}

export function formatCompareMarkdown(result: CompareResult): string {
  const iso = (at: number): string => new Date(at).toISOString().replace(/\.000Z$/, 'Z');
  const value = (v: number | null, unit: string): string => (v === null ? '—' : `${formatNumber(v)} ${unit}`);
  const signed = (v: number | null, unit: string): string =>
    v === null ? '—' : `${formatSigned(v)} ${unit}`;
  return [
    `# IdleWatt compare`,
    '',
    `before: ${iso(result.before.from)} to ${iso(result.before.to)}  `,
    `after: ${iso(result.after.from)} to ${iso(result.after.to)}`,
    '',
    '| figure | before | after | difference | noise (±) | beyond noise |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.figures.map(
      (f) =>
        `| ${f.label} | ${value(f.before, f.unit)} | ${value(f.after, f.unit)} | ${signed(f.difference, f.unit)} | ` +
        `${value(f.noise ?? null, f.unit)} | ${f.significant ? 'yes' : 'no'} |`,
    ),
    '',
    result.verdict,
  ].join('\n');
}
