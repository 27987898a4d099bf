import { parseArgs } from 'node:util';
import { CliError } from './io.js';

export interface MonitorOptions {
  port: number | null;
  host: string | null;
  dataDir: string | null;
  config: string | null;
  intervalSeconds: number | null;
  sysRoot: string;
  procRoot: string;
  replay: string | null;
  record: string | null;
  once: boolean;
  json: boolean;
  open: boolean;
  quiet: boolean;
  help: boolean;
}

export const MONITOR_USAGE = `Usage: idlewatt monitor [options]

Runs the sampler headless: serves the dashboard and the loopback HTTP API, prints alerts.

Options:
  --port N           API and dashboard port (default: settings api.port, 8787; 0 = any free port)
  --host H           listen on H instead of loopback (prints a warning; the API is then reachable by others)
  --data-dir D       history, API token and settings (default: ${'$'}XDG_DATA_HOME/idlewatt or ~/Library/Application Support/IdleWatt)
  --config F         settings file (default: D/settings.json)
  --interval S       seconds between power ticks (overrides the setting for this run)
  --sys-root P       read sysfs under P (Linux; default /sys)
  --proc-root P      read procfs under P (Linux; default /proc)
  --record DIR       write every command's output per tick into DIR (macOS)
  --replay DIR       run from a recording made with --record, as if on that Mac
  --once             take one measured sample (two ticks, --interval apart; default 1 s) and exit
  --json             with --once: print the Sample as JSON
  --open             open the dashboard in the default browser
  --quiet            no live line per tick (for services); alerts are still printed
  -h, --help         show this help`;

function positiveNumber(name: string, raw: string | undefined, min: number, max: number): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new CliError(`--${name} must be a number between ${min} and ${max} (got '${raw}')`, 2);
  }
  return value;
}

export function parseMonitorOptions(args: string[]): MonitorOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        interval: { type: 'string' },
        'sys-root': { type: 'string' },
        'proc-root': { type: 'string' },
        replay: { type: 'string' },
        record: { type: 'string' },
        once: { type: 'boolean' },
        json: { type: 'boolean' },
        open: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const first = (error as Error).message.split('\n')[0]!.replace(/\.$/, '');
    throw new CliError(`${first}. Run 'idlewatt monitor --help'.`, 2);
  }
  const v = parsed.values;
  const port = positiveNumber('port', v.port, 0, 65535);
  if (port !== null && !Number.isInteger(port)) throw new CliError('--port must be a whole number', 2);
  if (v.replay && v.record) throw new CliError('--replay and --record cannot be used together', 2);
  if (v.once && (v.replay || v.record)) {
    throw new CliError('--once measures this machine; it cannot be combined with --replay or --record', 2);
  }
  if (v.json && !v.once)
    throw new CliError('--json needs --once (the live monitor serves JSON over its API)', 2);
  return {
    port,
    host: v.host ?? null,
    dataDir: v['data-dir'] ?? null,
    config: v.config ?? null,
    intervalSeconds: positiveNumber('interval', v.interval, 0.2, 3600),
    sysRoot: v['sys-root'] ?? '/sys',
    procRoot: v['proc-root'] ?? '/proc',
    replay: v.replay ?? null,
    record: v.record ?? null,
    once: v.once ?? false,
    json: v.json ?? false,
    open: v.open ?? false,
    quiet: v.quiet ?? false,
    help: v.help ?? false,
  };
}
