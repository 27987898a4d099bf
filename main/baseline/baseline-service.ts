import type {
  BaselineEntry,
  BaselinePinRequest,
  BaselineState,
  Sample,
  TimeRange,
} from '../contract/index.js';
import { formatAmount, formatDuration } from '../contract/format.js';
import {
  BaselineLearner,
  LEARNING_DAYS,
  MIN_LEARNING_MINUTES,
  powerSourceOf,
  powerStateOf,
} from './baseline-learner.js';
import type { BaselinePins } from './baseline-pins.js';

const WINDOW_MS = 60_000;
const POWER_STATE_WORDS = { ac: 'on AC', battery: 'on battery', unknown: 'power state unknown' } as const;

/** What a pin or the "above" figure averages: the last minute of samples on one source and power state. */
function lastMinute(window: readonly Sample[]): { latest: Sample; samples: Sample[] } | null {
  const latest = window.at(-1);
  if (!latest) return null;
  const source = powerSourceOf(latest);
  const state = powerStateOf(latest);
  const samples = window.filter(
    (s) => s.at > latest.at - WINDOW_MS && powerSourceOf(s) === source && powerStateOf(s) === state,
  );
  return { latest, samples };
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

function describe(entry: BaselineEntry): string {
  const how =
    entry.kind === 'pinned'
      ? `pinned ${new Date(entry.at).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : `learned from ${formatDuration(entry.minutes * 60)} of idle time`;
  return `${formatAmount(entry.systemWatts ?? entry.packageWatts, 'W')}, ${how}, ${POWER_STATE_WORDS[entry.powerState]}, ${entry.source}`;
}

/**
 * The idle baseline as the API, the popover, `compare` and the alert rule see it: learned from
 * every sample (and the stored history at start), overridden per source and power state by a pin.
 */
export class BaselineService {
  private readonly learner = new BaselineLearner();
  private window: Sample[] = [];

  constructor(private readonly pins: BaselinePins) {}

  add(sample: Sample): void {
    this.learner.add(sample);
    const last = this.window.at(-1);
    if (last && sample.at < last.at) this.window = [];
    this.window.push(sample);
    const oldest = sample.at - WINDOW_MS;
    // In time order (a clock that went back started the window again): drop from the front.
    let expired = 0;
    while (this.window[expired]!.at < oldest) expired++;
    if (expired > 0) this.window.splice(0, expired);
  }

  /** Folds in the stored history of the learning window (newest samples keep coming through `add`). */
  async warmUp(samples: (range: TimeRange) => AsyncIterable<Sample>, now: number): Promise<void> {
    for await (const sample of samples({ from: now - LEARNING_DAYS * 24 * 3600_000, to: now })) {
      this.learner.add(sample);
    }
  }

  /** The baseline for the latest sample's source and power state: a pin first, else the learned one. */
  baselineFor(sample: Sample): BaselineEntry | null {
    const source = powerSourceOf(sample);
    if (source === null) return null;
    const state = powerStateOf(sample);
    const match = (e: BaselineEntry) => e.source === source && e.powerState === state;
    return this.pins.list().find(match) ?? this.learner.learned().find(match) ?? null;
  }

  state(): BaselineState {
    const pins = this.pins.list();
    const learned = this.learner.learned();
    const entries = [...pins, ...learned];
    const recent = lastMinute(this.window);
    if (!recent) return { current: null, aboveWatts: null, entries, note: 'No sample yet.' };
    const { latest, samples } = recent;
    const source = powerSourceOf(latest);
    if (source === null) {
      return {
        current: null,
        aboveWatts: null,
        entries,
        note: 'No idle baseline: there is no power reading to learn it from.',
      };
    }
    const state = powerStateOf(latest);
    const match = (e: BaselineEntry) => e.source === source && e.powerState === state;
    const current = pins.find(match) ?? learned.find(match) ?? null;
    if (!current) {
      const have = this.learner.minutesFor(source, state);
      return {
        current: null,
        aboveWatts: null,
        entries,
        note:
          `Learning your idle baseline ${POWER_STATE_WORDS[state]}: ${have} of ${MIN_LEARNING_MINUTES} idle minutes so far ` +
          `(or pin one now with "Set baseline now").`,
      };
    }
    const nowSystem = mean(samples.map((s) => s.power.systemWatts));
    const nowPackage = mean(samples.map((s) => s.power.packageWatts));
    // Whole-system watts where both sides have them, else package watts (a CPU-package-only machine).
    const aboveWatts =
      nowSystem !== null && current.systemWatts !== null
        ? nowSystem - current.systemWatts
        : nowPackage !== null && current.packageWatts !== null
          ? nowPackage - current.packageWatts
          : null;
    return {
      current,
      aboveWatts,
      entries,
      note: `Idle baseline ${describe(current)}.`,
    };
  }

  /** Pins the last minute's mean as the baseline for the current source and power state, or clears that pin. */
  pin(request: BaselinePinRequest): BaselineState {
    const recent = lastMinute(this.window);
    const source = recent ? powerSourceOf(recent.latest) : null;
    if (!recent || source === null) {
      throw new Error('there is no power reading to pin a baseline from');
    }
    const powerState = powerStateOf(recent.latest);
    if (request.clear) {
      this.pins.unpin(source, powerState);
      return this.state();
    }
    this.pins.pin({
      source,
      powerState,
      systemWatts: mean(recent.samples.map((s) => s.power.systemWatts)),
      packageWatts: mean(recent.samples.map((s) => s.power.packageWatts)),
      kind: 'pinned',
      minutes: Math.max(1, Math.round((recent.latest.at - recent.samples[0]!.at) / 60_000)),
      at: recent.latest.at,
    });
    return this.state();
  }
}
