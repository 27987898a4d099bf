import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselineEntry, PowerState } from '../contract/index.js';

const FILE = 'baseline.json';
const POWER_STATES: readonly PowerState[] = ['ac', 'battery', 'unknown'];

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Only well-formed pins survive a read; anything else in the file is dropped (and reported once). */
function parsePins(text: string): BaselineEntry[] {
  const data = JSON.parse(text) as unknown;
  const list = (data as { pins?: unknown })?.pins;
  if (!Array.isArray(list)) throw new Error('no "pins" list');
  return list.flatMap((p): BaselineEntry[] => {
    const o = p as Record<string, unknown>;
    if (typeof o.source !== 'string' || o.source.length > 64) return [];
    if (!POWER_STATES.includes(o.powerState as PowerState)) return [];
    const at = finiteOrNull(o.at);
    if (at === null) return [];
    const systemWatts = finiteOrNull(o.systemWatts);
    const packageWatts = finiteOrNull(o.packageWatts);
    if (systemWatts === null && packageWatts === null) return [];
    return [
      {
        source: o.source,
        powerState: o.powerState as PowerState,
        systemWatts,
        packageWatts,
        kind: 'pinned',
        minutes: finiteOrNull(o.minutes) ?? 1,
        at,
      },
    ];
  });
}

/**
 * Baselines the user pinned ("Set baseline now"), one per power source and power state, kept in
 * `baseline.json` in the data directory (in memory without one). Re-read on every call, so a pin set
 * from the CLI reaches a running monitor.
 */
export class BaselinePins {
  private memory: BaselineEntry[] = [];
  private problem: string | null = null;

  constructor(private readonly dataDir: string | null) {}

  /** Why the file could not be read, if it could not (the pins then count as none). */
  get readProblem(): string | null {
    return this.problem;
  }

  list(): BaselineEntry[] {
    if (this.dataDir === null) return [...this.memory];
    try {
      const pins = parsePins(readFileSync(join(this.dataDir, FILE), 'utf8'));
      this.problem = null;
      return pins;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.problem = code === 'ENOENT' ? null : `baseline.json unreadable: ${(error as Error).message}`;
      return [];
    }
  }

  /** Replaces the pin for the entry's source and power state. */
  pin(entry: BaselineEntry): void {
    this.save([...this.list().filter((p) => !same(p, entry)), { ...entry, kind: 'pinned' }]);
  }

  unpin(source: string, powerState: PowerState): void {
    this.save(this.list().filter((p) => !same(p, { source, powerState })));
  }

  private save(pins: BaselineEntry[]): void {
    if (this.dataDir === null) {
      this.memory = pins;
      return;
    }
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const path = join(this.dataDir, FILE);
    const temporary = `${path}.tmp-${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, pins }, undefined, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  }
}

function same(
  a: Pick<BaselineEntry, 'source' | 'powerState'>,
  b: Pick<BaselineEntry, 'source' | 'powerState'>,
) {
  return a.source === b.source && a.powerState === b.powerState;
}
