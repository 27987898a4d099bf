import { basename, dirname, normalize } from 'node:path';
import { RUN_DIR_NAME } from '../root-run-dir.js';
import { ELEVATION_SCRIPT } from './elevation-script.js';

export const POWERMETRICS_PATH = '/usr/bin/powermetrics';
/** Where root makes the helper's run directory: root-owned, writable only by root and the daemon group. */
export const DARWIN_RUN_PARENT = '/var/run';
export const FIFO_NAME = 'powermetrics.fifo';

/** Samplers the helper may be asked for; anything else is refused before a prompt is shown. */
export const ALLOWED_SAMPLERS = ['cpu_power', 'gpu_power', 'ane_power', 'thermal', 'tasks', 'smc', 'battery'];

export interface ElevationRequest {
  appPid: number;
  /** The app's uid: root hands it the FIFO. */
  appUid: number;
  /** The directory root creates for the FIFO: `<parent>/idlewatt-pm-<16 letters/digits>`. */
  runDir: string;
  intervalMs: number;
  samplers: readonly string[];
  /** Adds --show-process-gpu (per-task GPU time, used to share GPU watts between services). */
  processDetail: boolean;
  /** Tests substitute a stand-in; production always uses /usr/bin/powermetrics. */
  powermetricsPath?: string;
  /** The app's start time in epoch seconds, as `ps -o etime=` gives it; 0 or absent: unknown. */
  appStartEpoch?: number;
}

export type BuildOutcome = { ok: true; command: string; args: string[] } | { ok: false; error: string };

const SAFE_PATH = /^\/[A-Za-z0-9/._-]+$/;
const MAX_PID = 99_999_999;

/**
 * Builds the one shell command handed to the elevation prompt: the fixed helper script plus
 * validated, single-quoted arguments. Hostile values are refused here, never escaped into shape.
 */
export function buildElevationCommand(request: ElevationRequest): BuildOutcome {
  const problem = validate(request);
  if (problem) return { ok: false, error: problem };
  const args = [
    String(request.appPid),
    String(request.appUid),
    request.runDir,
    String(request.intervalMs),
    request.samplers.join(','),
    request.processDetail ? '1' : '0',
    request.powermetricsPath ?? POWERMETRICS_PATH,
    String(request.appStartEpoch ?? 0),
  ];
  const command = ['/bin/sh', '-c', ELEVATION_SCRIPT, 'idlewatt-powermetrics', ...args]
    .map(singleQuote)
    .join(' ');
  return { ok: true, command, args };
}

function validate(request: ElevationRequest): string | null {
  const { appPid, appUid, intervalMs, runDir, samplers } = request;
  if (!Number.isSafeInteger(appPid) || appPid < 2 || appPid > MAX_PID) {
    return `app pid must be an integer between 2 and ${MAX_PID}`;
  }
  if (!Number.isSafeInteger(appUid) || appUid < 0 || appUid > 4_294_967_294) {
    return 'app uid must be a non-negative integer';
  }
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 100 || intervalMs > 600_000) {
    return 'interval must be an integer between 100 and 600000 ms';
  }
  const start = request.appStartEpoch ?? 0;
  if (!Number.isSafeInteger(start) || start < 0 || start > 99_999_999_999) {
    return 'app start time must be a whole number of epoch seconds (0 when unknown)';
  }
  if (!isSafePath(runDir)) return `run directory '${shown(runDir)}' is not a plain absolute path`;
  if (!RUN_DIR_NAME.test(basename(runDir)) || !basename(runDir).startsWith('idlewatt-pm-')) {
    return 'the run directory must be named idlewatt-pm-<16 letters or digits>';
  }
  if (dirname(runDir) === '/') return 'the run directory needs a parent directory';
  if (samplers.length === 0) return 'no samplers requested';
  const unknown = samplers.find((s) => !ALLOWED_SAMPLERS.includes(s));
  if (unknown !== undefined) return `sampler '${shown(unknown)}' is not allowed`;
  const pm = request.powermetricsPath ?? POWERMETRICS_PATH;
  if (!isSafePath(pm)) return `powermetrics path '${shown(pm)}' is not a plain absolute path`;
  return null;
}

/** A refused value quoted in a one-line error: control characters escaped, length capped. */
function shown(value: string): string {
  const escaped = [...value]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
    })
    .join('');
  return escaped.length > 80 ? `${escaped.slice(0, 80)}…` : escaped;
}

function isSafePath(path: string): boolean {
  return SAFE_PATH.test(path) && normalize(path) === path && !path.split('/').includes('..');
}

/** POSIX single quoting: the only character that needs care inside '…' is ' itself. */
export function singleQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
