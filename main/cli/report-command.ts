import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultSettings } from '../contract/index.js';
import { defaultDataDir } from '../paths.js';
import {
  buildReport,
  formatReport,
  REPORT_FORMATS,
  resolveRange,
  type ReportFormat,
} from '../report/index.js';
import { readSettingsFile, SETTINGS_FILE_NAME } from '../settings/index.js';
import { openHistoryStore, type HistoryStore } from '../store/index.js';
import { CliError, type CliIo } from './io.js';

export const REPORT_USAGE = `Usage: idlewatt report [--data-dir D] [--since 24h | --from ISO [--to ISO]] [--format md|json|csv]

Idle time, watt-hours wasted while idle (total and per service), peak and mean power, thermal time
per pressure level, alerts fired, and recommendations. Times are ISO 8601 or epoch milliseconds.`;

/** `--name value` / `--name=value` options; every option takes a value. */
export function parseOptions(args: string[], allowed: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new CliError(`unexpected argument '${arg}'`, 2);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!allowed.includes(name)) throw new CliError(`unknown option '--${name}'`, 2);
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '') throw new CliError(`--${name} needs a value`, 2);
    if (options.has(name)) throw new CliError(`--${name} given twice`, 2);
    options.set(name, value);
  }
  return options;
}

export function parseFormat<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`--format must be one of ${allowed.join(', ')} (got '${value}')`, 2);
  }
  return value as T;
}

/** Opens the history under a data directory for reading, next to a monitor that may be writing it. */
export async function openHistoryForReading(dataDir: string | undefined): Promise<HistoryStore> {
  const dir = dataDir ?? defaultDataDir();
  const history = join(dir, 'history');
  const info = await stat(history).catch(() => null);
  if (!info?.isDirectory()) {
    throw new CliError(
      `no history in ${dir} (expected ${history}); run 'idlewatt monitor' first or pass --data-dir`,
    );
  }
  const settings = defaultSettings();
  return openHistoryStore({
    dataDir: dir,
    rawDays: settings.retention.rawDays,
    rollupDays: settings.retention.rollupDays,
    readOnly: true,
  });
}

export async function reportCommand(args: string[], io: CliIo, now = Date.now()): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(REPORT_USAGE);
    return 0;
  }
  const options = parseOptions(args, ['data-dir', 'since', 'from', 'to', 'format']);
  const format = parseFormat<ReportFormat>(options.get('format'), REPORT_FORMATS, 'md');
  const range = resolveRange(
    { since: options.get('since'), from: options.get('from'), to: options.get('to') },
    now,
  );
  if (!range.ok) throw new CliError(range.error, 2);
  const dataDir = options.get('data-dir') ?? defaultDataDir();
  const store = await openHistoryForReading(dataDir);
  try {
    // The monitor's own settings: service names, idle threshold and alert levels shape the report.
    const { settings, problem } = readSettingsFile(join(dataDir, SETTINGS_FILE_NAME));
    if (problem) io.err(`idlewatt report: warning: ${problem}`);
    const report = await buildReport(store, range.range, settings);
    io.out(formatReport(report, format));
    for (const warning of storeWarnings(store)) io.err(`idlewatt report: warning: ${warning}`);
  } finally {
    await store.close();
  }
  return 0;
}

export function storeWarnings(store: HistoryStore): string[] {
  const health = store.health();
  const warnings: string[] = [];
  if (health.corruptLines > 0) warnings.push(`${health.corruptLines} unreadable history lines were skipped`);
  if (health.error) warnings.push(health.error);
  return warnings;
}

export const REPORT_COMMAND = {
  name: 'report',
  summary: 'Idle energy report: Wh wasted while idle, per service, with recommendations',
  run: (args: string[], io: CliIo) => reportCommand(args, io),
};
