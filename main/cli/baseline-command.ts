import { BaselinePins, BaselineService } from '../baseline/index.js';
import { describeBaselineGap } from '../contract/baseline.js';
import { defaultDataDir } from '../paths.js';
import { formatAmount } from '../contract/format.js';
import { CliError, type CliIo } from './io.js';
import { openHistoryForReading, parseFormat, parseOptions, storeWarnings } from './report-command.js';

export const BASELINE_USAGE = `Usage: idlewatt baseline [--set | --clear] [--data-dir D] [--format text|json]

This machine's idle baseline: a low percentile (10th) of one-minute means of whole-system power while
the stack was idle over the last 7 days, per power source and AC/battery, after at least 30 idle minutes.
  --set     pin the last minute of stored samples as the baseline ("Set baseline now"); a running
            monitor picks the pin up at once
  --clear   remove the pin for the current power source and AC/battery state (back to the learned one)`;

/** Minutes of stored samples replayed to know "now": the last minute, with some slack for a late flush. */
const RECENT_MS = 3 * 60_000;

export async function baselineCommand(args: string[], io: CliIo, now = Date.now()): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(BASELINE_USAGE);
    return 0;
  }
  const set = args.includes('--set');
  const clear = args.includes('--clear');
  if (set && clear) throw new CliError('use either --set or --clear, not both', 2);
  const options = parseOptions(
    args.filter((a) => a !== '--set' && a !== '--clear'),
    ['data-dir', 'format'],
  );
  const format = parseFormat(options.get('format'), ['text', 'json'] as const, 'text');
  const dataDir = options.get('data-dir') ?? defaultDataDir();
  const store = await openHistoryForReading(dataDir);
  try {
    const service = new BaselineService(new BaselinePins(dataDir));
    await service.warmUp((range) => store.samples(range), now);
    const latest = store.latest();
    const end = latest?.at ?? now;
    for await (const sample of store.samples({ from: end - RECENT_MS, to: end })) service.add(sample);
    let state;
    try {
      state = set || clear ? service.pin(clear ? { clear: true } : {}) : service.state();
    } catch (error) {
      throw new CliError(`cannot ${clear ? 'clear' : 'set'} the baseline: ${(error as Error).message}`);
    }
    if (format === 'json') {
      io.out(JSON.stringify(state, null, 2));
    } else {
      if (set) io.out('Pinned the last minute as the idle baseline.');
      if (clear) io.out('Removed the pin; the learned baseline applies again.');
      if (state.aboveWatts !== null) io.out(`Now ${describeBaselineGap(state.aboveWatts)}.`);
      io.out(state.note);
      for (const e of state.entries) {
        io.out(
          `  ${e.kind.padEnd(7)} ${e.source.padEnd(16)} ${e.powerState.padEnd(8)} system ${e.systemWatts === null ? 'unknown' : formatAmount(e.systemWatts, 'W')}` +
            `  package ${e.packageWatts === null ? 'unknown' : formatAmount(e.packageWatts, 'W')}`,
        );
      }
    }
    for (const warning of storeWarnings(store)) io.err(`idlewatt baseline: warning: ${warning}`);
  } finally {
    await store.close();
  }
  return 0;
}

export const BASELINE_COMMAND = {
  name: 'baseline',
  summary: 'Show the learned idle baseline, or pin it now (--set)',
  run: (args: string[], io: CliIo) => baselineCommand(args, io),
};
