import {
  absent,
  failed,
  ok,
  OS_THERMAL_LEVELS,
  pressureOfOsLevel,
  type OsThermalLevel,
  type Reading,
} from '../../contract/index.js';
import type { CollectorEnv, CollectorInstance, Observation } from '../types.js';
import type { NotifyOpener, NotifyOpenResult, NotifyPort } from './notify/ports.js';
import { unusable } from './run-output.js';

/** `kOSThermalNotificationPressureLevelName` in libkern's <OSThermalNotification.h>. */
export const THERMAL_PRESSURE_KEY = 'com.apple.system.thermalpressurelevel';

/**
 * The state posted under THERMAL_PRESSURE_KEY is an `OSThermalPressureLevel`. On macOS (and Mac
 * Catalyst) <OSThermalNotification.h> numbers it 0 nominal, 1 moderate, 2 heavy, 3 trapping,
 * 4 sleeping; only iOS uses 0/10/20/30/40/50 with an extra "light". angristan/MacThrottle
 * (`ThermalPressureReader.swift`) reads the same 0–4. Any other value is no reading, never a guess.
 */
export function osThermalLevelOfState(state: number): OsThermalLevel | null {
  return Number.isInteger(state) ? (OS_THERMAL_LEVELS[state] ?? null) : null;
}

/**
 * `notifyutil -g KEY` prints `KEY VALUE` ("com.apple.system.thermalpressurelevel 1"). notifyutil
 * answers 0 for a name nobody ever posted, as notify_get_state does; macOS posts this one from boot.
 */
export function parseNotifyutilGet(text: string, key = THERMAL_PRESSURE_KEY): number | string {
  const line = text.split('\n').find((l) => l.trim().length > 0);
  if (!line) return 'notifyutil printed nothing';
  const match = /^(\S+)\s+(\d+)\s*$/.exec(line.trim());
  if (!match) return `unexpected notifyutil output: ${JSON.stringify(line.slice(0, 80))}`;
  if (match[1] !== key) return `notifyutil answered for ${match[1]}, not ${key}`;
  const value = Number(match[2]);
  return Number.isSafeInteger(value) ? value : `notifyutil value ${match[2]} is out of range`;
}

export const NOTIFYUTIL_ARGS = ['-g', THERMAL_PRESSURE_KEY] as const;

export interface ThermalNotifyOptions {
  open: NotifyOpener;
}

/**
 * macOS's own thermal pressure level, without root: notify(3) through libSystem (koffi), else
 * `notifyutil -g`. On Apple silicon this is the only password-free pressure source (pmset records
 * nothing there); the raw five-level value goes into the sample with its ProcessInfo.thermalState
 * mapping (contract `pressureOfOsLevel`).
 */
export function createThermalNotifyCollector(
  env: CollectorEnv,
  options: ThermalNotifyOptions,
): CollectorInstance {
  let opened: NotifyOpenResult | null = null;
  const reading = (state: number, source: string): Reading<Observation> => {
    const level = osThermalLevelOfState(state);
    if (!level) return failed(`${source}: thermal pressure level ${state} is not one of macOS's five (0–4)`);
    return ok({ thermal: { source, pressure: pressureOfOsLevel(level), osLevel: level } }, env.now());
  };
  const fromPort = (port: NotifyPort): Reading<Observation> | string => {
    const read = port.getState(THERMAL_PRESSURE_KEY);
    return read.ok ? reading(read.state, 'notify') : read.error;
  };
  return {
    async collect(): Promise<Reading<Observation>> {
      opened ??= options.open();
      const viaPort = opened.ok ? fromPort(opened.port) : opened.detail;
      if (typeof viaPort !== 'string') return viaPort;
      const result = await env.exec('notifyutil', [...NOTIFYUTIL_ARGS]);
      const problem = unusable<Observation>('notifyutil', result);
      if (problem?.status === 'error') return failed(`${viaPort}; ${problem.message}`);
      if (problem?.status === 'absent') {
        const reason = !opened.ok && opened.reason === 'unsupported' ? 'unsupported' : problem.reason;
        return absent(reason, `${viaPort}; ${problem.detail ?? problem.reason}`);
      }
      const parsed = parseNotifyutilGet(result.stdout);
      return typeof parsed === 'number' ? reading(parsed, 'notifyutil') : failed(parsed);
    },
    async close() {
      if (opened?.ok) opened.port.close();
    },
  };
}
