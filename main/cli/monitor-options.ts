import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { CliError } from './io.js';

export interface MonitorOptions {
  port: number | null;
  host: string | null;
  /** Extra names the Host header may carry (with the token still required). */
  allowHosts: string[];
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
  --host H           listen on H instead of loopback (prints a warning; the API is then reachable by others);
                     0.0.0.0 or :: answers on every interface address of this machine
  --allow-host NAME  also accept requests addressed to NAME (e.g. the machine's DNS name); repeatable
  --data-dir D       history, API token and settings (default: ${'$'}XDG_DATA_HOME/idlewatt or ~/Library/Application Support/IdleWatt)
  --config F         settings file (default: D/settings.json)
  --interval S       seconds between power ticks (overrides the setting for this run)
  --sys-root P       read sysfs under P (Linux; default /sys)
  --proc-root P      read procfs under P (Linux; default /proc)
  --record DIR       write every command's output per tick into DIR (macOS)
  --replay DIR       run from a recording made with --record, as if on that Mac, at the
                     recording's own pace (its first pass at once, then in real time)
  --once             take one measured sample (two ticks, --interval apart; default 1 s) and exit
  --json             with --once: print the Sample as JSON
  --open             open the dashboard in the default browser
  --quiet            no live line per tick (for services); alerts are still printed
  -h, --help         show this help`;

const DECIMAL_INTEGER = /^[0-9]{1,10}$/;
const DECIMAL_NUMBER = /^[0-9]{1,10}(\.[0-9]{1,6})?$/;

/**
 * Plain decimal digits only: Number() would also take `0x10`, `1e3`, `0b1`, ` 8 ` or an empty
 * string (0), so `--port 0x10` listened on 16.
 */
function decimalFlag(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
  kind: 'integer' | 'number',
): number | null {
  if (raw === undefined) return null;
  const shape = kind === 'integer' ? DECIMAL_INTEGER : DECIMAL_NUMBER;
  const value = Number(raw);
  if (!shape.test(raw) || value < min || value > max) {
    const what = kind === 'integer' ? 'a whole decimal number' : 'a decimal number';
    const shown = JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
    throw new CliError(`--${name} must be ${what} from ${min} to ${max} (got ${shown})`, 2);
  }
  return value;
}

/** A host name or IP address as it may appear in a Host header, without the port. */
const HOST_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function allowedHostFlag(raw: string): string {
  const name = raw.trim().toLowerCase();
  if (isIP(name) !== 0 || (name.length <= 253 && HOST_NAME.test(name))) return name;
  throw new CliError(
    `--allow-host must be a host name or an IP address without a port (got ${JSON.stringify(raw.slice(0, 80))})`,
    2,
  );
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
        'allow-host': { type: 'string', multiple: true },
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
  const port = decimalFlag('port', v.port, 0, 65535, 'integer');
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
    intervalSeconds: decimalFlag('interval', v.interval, 0.2, 3600, 'number'),
    allowHosts: (v['allow-host'] ?? []).map(allowedHostFlag),
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
