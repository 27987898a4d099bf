import type { OsThermalLevel, ThermalPressure } from '../../contract/index.js';

/** One powermetrics task row: rates over the sample interval. */
export interface PowermetricsTask {
  /** -1 is DEAD_TASKS (processes that exited during the interval). */
  pid: number;
  name: string;
  cpuMsPerSecond: number;
  gpuMsPerSecond: number | null;
  energyImpact: number | null;
}

/**
 * One powermetrics sample in IdleWatt's units, whichever format it came from (plist or text).
 * A figure the sample's samplers did not measure is null, never 0.
 */
export interface PowermetricsSample {
  /** ISO time of the sample where the output states it. */
  timestamp: string | null;
  elapsedSeconds: number | null;
  hwModel: string | null;
  cpuWatts: number | null;
  gpuWatts: number | null;
  aneWatts: number | null;
  dramWatts: number | null;
  /** combined_power on Apple Silicon (CPU + GPU + ANE), package power on Intel. */
  packageWatts: number | null;
  thermalPressure: ThermalPressure | null;
  /** The raw five-level name where powermetrics printed one (Moderate, Heavy, Trapping…). */
  thermalOsLevel: OsThermalLevel | null;
  cpuTempCelsius: number | null;
  gpuTempCelsius: number | null;
  fanRpm: number[];
  batteryPercent: number | null;
  /** Every task row except the ALL_TASKS total; DEAD_TASKS keeps pid -1. */
  tasks: PowermetricsTask[];
}

/** Watts with milliwatt precision: powermetrics reports mW, more digits would be noise. */
export function roundWatts(watts: number): number {
  return Math.round(watts * 1000) / 1000;
}
