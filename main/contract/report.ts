import type { BaselineEntry } from './baseline.js';
import type { AlertEvent } from './alerts.js';
import type { ThermalPressure } from './sample.js';

export interface TimeRange {
  from: number;
  to: number;
}

export interface ServiceEnergy {
  serviceId: string;
  name: string;
  /** Estimated; null when no power figure was measured for it in the range (unknown, not 0). */
  idleWattHours: number | null;
  activeWattHours: number | null;
  meanCpuPercent: number | null;
  meanRssBytes: number | null;
  idleSeconds: number;
}

export interface Recommendation {
  serviceId: string | null;
  /** A sentence with numbers, e.g. "ollama kept a 9 GB model loaded for 2 h 10 min with no requests: 14 Wh; …". */
  text: string;
  wattHours: number | null;
  /** An action the product can take itself, e.g. 'unload-ollama'. */
  action: 'unload-ollama' | null;
}

export interface Report {
  range: TimeRange;
  sampleCount: number;
  coveredSeconds: number;
  idleSeconds: number;
  systemIdleWattHours: number | null;
  systemActiveWattHours: number | null;
  /** The whole machine: never a package figure. */
  peakSystemWatts: number | null;
  meanSystemWatts: number | null;
  /** Where the system figure came from (most samples); null when it was never measured. */
  powerSource: string | null;
  /** The CPU/SoC package, measured separately (powermetrics combined_power, RAPL package). */
  meanPackageWatts: number | null;
  /** 'SoC' on Apple silicon, 'package' elsewhere. */
  packageName: string;
  thermalSeconds: Record<ThermalPressure, number>;
  services: ServiceEnergy[];
  alerts: AlertEvent[];
  recommendations: Recommendation[];
  /**
   * What to say when there are no recommendations: "not enough data yet (needs 10 min …)" while the
   * range holds too little idle time to judge, otherwise that nothing wasted notable energy.
   */
  recommendationsNote: string;
}

export interface CompareFigure {
  label: string;
  /** Set on per-service figures; the label then carries the service's name. */
  serviceId?: string;
  unit: string;
  before: number | null;
  after: number | null;
  difference: number | null;
  /** True when |difference| exceeds the noise (pooled spread of the samples). */
  significant: boolean;
  /** The noise band the difference was judged against (± this), or null when too few samples. */
  noise?: number | null;
}

export interface CompareResult {
  before: TimeRange;
  after: TimeRange;
  figures: CompareFigure[];
  /** A plain sentence: "Idle power fell by 3.1 W (−40 %), well beyond the noise (±0.4 W)." */
  verdict: string;
  /** The idle baseline the after range was set against (learned or pinned), when one is known. */
  baseline?: BaselineEntry | null;
  /** Mean idle power of the after range minus the baseline's system watts. */
  afterAboveBaselineWatts?: number | null;
}
