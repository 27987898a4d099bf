import { lineTime } from './record-codec.js';
import { parseServiceRollup, parseSystemRollupRow } from './rollup-codec.js';

/**
 * The per-minute rollup lines of one segment file, decoded once into typed-array columns (rows in
 * file order) so long-range queries add numbers instead of parsing JSON. Every value is kept
 * exactly, so answers from columns equal answers from the lines.
 */

/**
 * A numeric column: Uint16Array when every value is a whole number up to 65535 (counts, flags,
 * indexes: always, for data the store wrote), Float64Array otherwise. Two types only, so the
 * query loops stay monomorphic on real data.
 */
export type Column = Uint16Array | Float64Array;

export function packColumn(values: readonly number[]): Column {
  const small = values.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffff && !Object.is(v, -0));
  return small ? Uint16Array.from(values) : Float64Array.from(values);
}

interface RowTimes {
  rows: number;
  /** The rollup's own minute: what buckets are keyed by. */
  at: Float64Array;
  /** Range filters read the line's leading time; kept only where it differs from `at` in some row. */
  filterAt: Float64Array | null;
  /** Estimated memory held, for the cache's budget. */
  bytes: number;
}

/** Sum and count of a statistic per row. */
interface StatColumns {
  sum: Float64Array;
  n: Column;
}

export interface SystemColumns extends RowTimes {
  count: Column;
  watts: StatColumns & { min: Float64Array; max: Float64Array };
  cpu: StatColumns;
  gpu: StatColumns;
  pkg: StatColumns;
  temp: StatColumns;
  /** NaN where the minute had no thermal level. */
  level: Float64Array;
  idle: Column;
  gap: Column;
  /** Row i's active services are activeNames[activeIds[k]] for activeStart[i] <= k < activeStart[i + 1]. */
  activeStart: Column;
  activeIds: Column;
  activeNames: string[];
  /** Row i's inference services, likewise (names also in activeNames). */
  inferenceStart: Column;
  inferenceIds: Column;
}

/** One service's entries in a segment: `row` indexes the segment's rows. */
export interface ServiceSeries {
  row: Column;
  cpu: StatColumns;
  rss: StatColumns;
  watts: StatColumns;
}

export interface ServiceColumns extends RowTimes {
  services: Map<string, ServiceSeries>;
}

/**
 * Collects a segment's valid lines into columns as a line scan decodes them: `decode` returns true
 * for a line it took and null for one that is not a valid record, so torn and corrupt lines are
 * counted exactly as before.
 */
export interface ColumnsBuilder<C extends RowTimes> {
  decode(line: string): true | null;
  build(): C;
}

const ENTRY_OVERHEAD_BYTES = 512;

const columnBytes = (columns: readonly (Column | null)[]): number =>
  columns.reduce((sum, c) => sum + (c?.byteLength ?? 0), 0);

class Times {
  readonly at: number[] = [];
  readonly lineAt: number[] = [];
  private differs = false;

  add(at: number, line: string): void {
    const lineAt = lineTime(line);
    if (lineAt !== at) this.differs = true;
    this.at.push(at);
    this.lineAt.push(lineAt);
  }

  build(): Omit<RowTimes, 'bytes'> {
    const at = Float64Array.from(this.at);
    return { rows: at.length, at, filterAt: this.differs ? Float64Array.from(this.lineAt) : null };
  }
}

/** Sum and count columns of a statistic; NaN sum marks an absent one (no rollup line holds NaN). */
class StatBuilder {
  readonly sum: number[] = [];
  readonly n: number[] = [];
  /** Only system watts keeps min and max: every other statistic is shown as a mean. */
  readonly min: number[] = [];
  readonly max: number[] = [];

  constructor(private readonly withRange: boolean) {}

  /** A system rollup tuple, read as addSystemRollupRow reads it. */
  addTuple(t: number[] | null): void {
    if (t === null) return this.push(NaN, 0, NaN, NaN);
    const n = t.length === 4 ? t[3]! : t[1]!;
    const sum = t[0]!;
    this.push(sum, n, t.length === 4 ? t[1]! : sum / n, t.length === 4 ? t[2]! : sum / n);
  }

  /** A service statistic, read as a decoded Stat merges: an absent one adds 0 to sum and count. */
  addStat(v: unknown, scale = 1): void {
    if (v === null) return this.push(0, 0, NaN, NaN);
    const t = v as number[];
    this.push(t[0]! * scale, t.length >= 4 ? t[3]! : t[1]!, NaN, NaN);
  }

  private push(sum: number, n: number, min: number, max: number): void {
    this.sum.push(sum);
    this.n.push(n);
    if (this.withRange) {
      this.min.push(min);
      this.max.push(max);
    }
  }

  build(): StatColumns & { min: Float64Array; max: Float64Array } {
    return {
      sum: Float64Array.from(this.sum),
      n: packColumn(this.n),
      min: Float64Array.from(this.min),
      max: Float64Array.from(this.max),
    };
  }
}

const statBytes = (s: StatColumns & { min?: Float64Array; max?: Float64Array }): number =>
  columnBytes([s.sum, s.n, s.min ?? null, s.max ?? null]);

export function systemColumnsBuilder(): ColumnsBuilder<SystemColumns> {
  const times = new Times();
  const count: number[] = [];
  const watts = new StatBuilder(true);
  const [cpu, gpu, pkg, temp] = [0, 1, 2, 3].map(() => new StatBuilder(false)) as [
    StatBuilder,
    StatBuilder,
    StatBuilder,
    StatBuilder,
  ];
  const level: number[] = [];
  const idle: number[] = [];
  const gap: number[] = [];
  const names = new Map<string, number>();
  const activeStart = [0];
  const activeIds: number[] = [];
  const inferenceStart = [0];
  const inferenceIds: number[] = [];
  const nameIndex = (id: string): number => {
    let index = names.get(id);
    if (index === undefined) names.set(id, (index = names.size));
    return index;
  };
  return {
    decode(line) {
      const row = parseSystemRollupRow(line);
      if (!row) return null;
      times.add(row[1], line);
      count.push(row[2]);
      watts.addTuple(row[3]);
      cpu.addTuple(row[4]);
      gpu.addTuple(row[5]);
      pkg.addTuple(row[6]);
      temp.addTuple(row[7]);
      level.push(row[8] ?? NaN);
      idle.push(row[9]);
      gap.push(row[10]);
      for (const id of row[11]) activeIds.push(nameIndex(id));
      activeStart.push(activeIds.length);
      for (const id of row[12] ?? []) inferenceIds.push(nameIndex(id));
      inferenceStart.push(inferenceIds.length);
      return true;
    },
    build() {
      const sumAndCount = ({ sum, n }: StatColumns): StatColumns => ({ sum, n });
      const c: Omit<SystemColumns, 'bytes'> = {
        ...times.build(),
        count: packColumn(count),
        watts: watts.build(),
        cpu: sumAndCount(cpu.build()),
        gpu: sumAndCount(gpu.build()),
        pkg: sumAndCount(pkg.build()),
        temp: sumAndCount(temp.build()),
        level: Float64Array.from(level),
        idle: packColumn(idle),
        gap: packColumn(gap),
        activeStart: packColumn(activeStart),
        activeIds: packColumn(activeIds),
        activeNames: [...names.keys()],
        inferenceStart: packColumn(inferenceStart),
        inferenceIds: packColumn(inferenceIds),
      };
      const bytes =
        ENTRY_OVERHEAD_BYTES +
        columnBytes([
          c.at,
          c.filterAt,
          c.count,
          c.level,
          c.idle,
          c.gap,
          c.activeStart,
          c.activeIds,
          c.inferenceStart,
          c.inferenceIds,
        ]) +
        [c.watts, c.cpu, c.gpu, c.pkg, c.temp].reduce((sum, stat) => sum + statBytes(stat), 0) +
        c.activeNames.reduce((sum, name) => sum + 2 * name.length + 32, 0);
      return { ...c, bytes };
    },
  };
}

export function serviceColumnsBuilder(): ColumnsBuilder<ServiceColumns> {
  const times = new Times();
  const series = new Map<string, { row: number[]; cpu: StatBuilder; rss: StatBuilder; watts: StatBuilder }>();
  return {
    decode(line) {
      const t = parseServiceRollup(line);
      if (!t) return null;
      const row = times.at.length;
      times.add(t[1], line);
      const entries = t[6];
      for (let j = 0; j < entries.length; j += 1) {
        const entry = entries[j]!;
        const id = entry[0];
        // A line naming a service twice keeps the last entry, as the decoded Map does.
        if (entries.some((other, k) => k > j && other[0] === id)) continue;
        let s = series.get(id);
        if (!s) {
          s = {
            row: [],
            cpu: new StatBuilder(false),
            rss: new StatBuilder(false),
            watts: new StatBuilder(false),
          };
          series.set(id, s);
        }
        s.row.push(row);
        s.cpu.addStat(entry[2]);
        s.rss.addStat(entry[3], 1024);
        s.watts.addStat(entry[4]);
      }
      return true;
    },
    build() {
      const rowTimes = times.build();
      let bytes = ENTRY_OVERHEAD_BYTES + columnBytes([rowTimes.at, rowTimes.filterAt]);
      const services = new Map<string, ServiceSeries>();
      for (const [id, s] of series) {
        const built: ServiceSeries = {
          row: packColumn(s.row),
          cpu: s.cpu.build(),
          rss: s.rss.build(),
          watts: s.watts.build(),
        };
        services.set(id, built);
        bytes += 64 + 2 * id.length + columnBytes([built.row]);
        bytes += statBytes(built.cpu) + statBytes(built.rss) + statBytes(built.watts);
      }
      return { ...rowTimes, services, bytes };
    },
  };
}

/** Whether row i of a segment falls in [from, to] the way a line scan decides it. */
export function rowInRange(c: RowTimes, i: number, from: number, to: number): boolean {
  const at = c.filterAt ? c.filterAt[i]! : c.at[i]!;
  return !Number.isFinite(at) || (at >= from && at <= to);
}
