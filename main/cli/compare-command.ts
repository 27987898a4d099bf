import { compareRanges, formatCompareMarkdown, parseRangeSpec } from '../report/index.js';
import { BaselinePins, BaselineService } from '../baseline/index.js';
import { defaultDataDir } from '../paths.js';
import { CliError, type CliIo } from './io.js';
import { openHistoryForReading, parseFormat, parseOptions, storeWarnings } from './report-command.js';

export const COMPARE_USAGE = `Usage: idlewatt compare --before FROM..TO --after FROM..TO [--data-dir D] [--format md|json]

Mean idle system power, idle Wh per hour and per-service CPU while idle, before vs after, with the
difference and whether it is larger than the noise, and where the after range sits against your idle
baseline (see \`idlewatt baseline\`). FROM and TO are ISO 8601 or epoch milliseconds.`;

export async function compareCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(COMPARE_USAGE);
    return 0;
  }
  const options = parseOptions(args, ['before', 'after', 'data-dir', 'format']);
  const format = parseFormat(options.get('format'), ['md', 'json'] as const, 'md');
  const ranges = (['before', 'after'] as const).map((name) => {
    const spec = options.get(name);
    if (spec === undefined) throw new CliError(`--${name} FROM..TO is required`, 2);
    const parsed = parseRangeSpec(spec, `--${name}`);
    if (!parsed.ok) throw new CliError(parsed.error, 2);
    return parsed.range;
  });
  const dataDir = options.get('data-dir') ?? defaultDataDir();
  const store = await openHistoryForReading(dataDir);
  try {
    const baseline = new BaselineService(new BaselinePins(dataDir));
    const latest = store.latest();
    if (latest) await baseline.warmUp((range) => store.samples(range), latest.at);
    const entry = latest ? baseline.baselineFor(latest) : null;
    const result = await compareRanges(store, ranges[0]!, ranges[1]!, entry);
    io.out(format === 'json' ? JSON.stringify(result, null, 2) : formatCompareMarkdown(result));
    for (const warning of storeWarnings(store)) io.err(`idlewatt compare: warning: ${warning}`);
  } finally {
    await store.close();
  }
  return 0;
}

export const COMPARE_COMMAND = {
  name: 'compare',
  summary: 'Before vs after: did an optimisation lower idle power beyond the noise?',
  run: compareCommand,
};
