import { absent, failed, ok, type Reading, type ThermalPressure } from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, Observation } from '../types.js';
import { unusable } from './run-output.js';
import { rememberAbsence } from '../absence-cache.js';

export interface PmsetTherm {
  cpuSpeedLimitPercent: number | null;
  cpuSchedulerLimitPercent: number | null;
  availableCpus: number | null;
  /** null when pmset says none has been recorded. */
  thermalWarningLevel: number | null;
  performanceWarningLevel: number | null;
  /**
   * Derived: the worse of what the speed limit and the warning level imply. null when pmset has
   * recorded nothing ("Note: No thermal warning level has been recorded" and no CPU limits), which is
   * all Apple silicon prints: that is no reading, not a nominal one.
   */
  pressure: ThermalPressure | null;
  throttled: boolean | null;
}

export type PmsetOutcome = { ok: true; value: PmsetTherm } | { ok: false; error: string };

const ORDER: ThermalPressure[] = ['nominal', 'fair', 'serious', 'critical'];

/**
 * Parses `pmset -g therm` (values follow a tab and `=`). Used for thermal pressure when powermetrics
 * is unavailable: a CPU speed limit below 100 % means macOS is throttling.
 */
export function parsePmsetTherm(text: string): PmsetOutcome {
  const value = (key: string): number | null => {
    const match = new RegExp(`^\\s*${key}\\s*=\\s*(\\d+)\\s*$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const speed = value('CPU_Speed_Limit');
  const scheduler = value('CPU_Scheduler_Limit');
  const thermalWarning = warning(text, 'thermal');
  const performanceWarning = warning(text, 'performance');
  const mentionsWarnings = /No thermal warning level|Thermal Warning Level/i.test(text);
  if (speed === null && scheduler === null && thermalWarning === null && !mentionsWarnings) {
    return { ok: false, error: 'no CPU_Speed_Limit or thermal warning lines found' };
  }
  if (speed === null && scheduler === null && thermalWarning === null) {
    return {
      ok: true,
      value: {
        cpuSpeedLimitPercent: null,
        cpuSchedulerLimitPercent: null,
        availableCpus: value('CPU_Available_CPUs'),
        thermalWarningLevel: null,
        performanceWarningLevel: performanceWarning,
        pressure: null,
        throttled: null,
      },
    };
  }
  const fromSpeed = speedPressure(speed);
  const fromWarning = warningPressure(thermalWarning);
  const pressure = ORDER[Math.max(ORDER.indexOf(fromSpeed), ORDER.indexOf(fromWarning))]!;
  return {
    ok: true,
    value: {
      cpuSpeedLimitPercent: speed,
      cpuSchedulerLimitPercent: scheduler,
      availableCpus: value('CPU_Available_CPUs'),
      thermalWarningLevel: thermalWarning,
      performanceWarningLevel: performanceWarning,
      pressure,
      throttled: (speed !== null && speed < 100) || (scheduler !== null && scheduler < 100),
    },
  };
}

function warning(text: string, kind: 'thermal' | 'performance'): number | null {
  const match = new RegExp(`${kind} warning level[^\\d\\n]*(\\d+)`, 'i').exec(text);
  return match ? Number(match[1]) : null;
}

function speedPressure(speed: number | null): ThermalPressure {
  if (speed === null || speed >= 100) return 'nominal';
  if (speed >= 75) return 'fair';
  if (speed >= 50) return 'serious';
  return 'critical';
}

/** IOPM thermal levels: 0 normal, 5 danger, 10 critical; 255 means unknown. */
function warningPressure(level: number | null): ThermalPressure {
  if (level === null || level === 0 || level === 255) return 'nominal';
  if (level < 5) return 'fair';
  if (level < 10) return 'serious';
  return 'critical';
}

export const PMSET_THERM_ARGS = ['-g', 'therm'] as const;

/** Apple silicon records no levels in pmset: asked again this often, not spawned every tick. */
const UNSUPPORTED_RECHECK_MS = 30_000;

/** `pmset -g therm` → thermal pressure and throttling, without root (the fallback to powermetrics). */
export function createPmsetThermCollector(env: CollectorEnv): CollectorInstance {
  const collect = async (): Promise<Reading<Observation>> => {
    const result = await env.exec('pmset', [...PMSET_THERM_ARGS]);
    const problem = unusable<Observation>('pmset', result);
    if (problem) return problem;
    const parsed = parsePmsetTherm(result.stdout);
    if (!parsed.ok) return failed(`pmset -g therm: ${parsed.error}`);
    const { pressure, throttled } = parsed.value;
    if (pressure === null) {
      return absent('unsupported', 'pmset -g therm records no thermal levels on this Mac (Apple silicon)');
    }
    return ok({ thermal: { source: 'pmset', pressure, throttled: throttled ?? false } }, env.now());
  };
  return {
    collect: rememberAbsence(collect, env.now, UNSUPPORTED_RECHECK_MS, ['not-present', 'unsupported']),
  };
}
