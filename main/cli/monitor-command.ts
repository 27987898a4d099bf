import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample, Settings } from '../contract/index.js';
import { openSettingsStore } from '../settings/index.js';
import { defaultDataDir } from '../paths.js';
import { Sampler } from '../sampler/sampler.js';
import { closeCollectors, createCollectors } from '../collectors/setup.js';
import { CliError, type CliIo } from './io.js';
import { MONITOR_USAGE, parseMonitorOptions, type MonitorOptions } from './monitor-options.js';
import { runLiveMonitor } from './monitor-live.js';
import { formatSampleSummary } from './monitor-lines.js';

const ONCE_DEFAULT_SECONDS = 1;

export async function monitorCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseMonitorOptions(args);
  if (options.help) {
    io.out(MONITOR_USAGE);
    return 0;
  }
  const dataDir = options.dataDir ?? defaultDataDir();
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CliError(
      `cannot create the data directory ${dataDir}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
  const settingsStore = openSettingsStore({
    file: options.config ?? join(dataDir, 'settings.json'),
    engine: 'conf',
  });
  for (const notice of settingsStore.notices) io.err(`idlewatt monitor: ${notice}`);
  const effectiveSettings = (): Settings => withOverrides(settingsStore.get(), options);
  if (options.once) return runOnce(options, effectiveSettings, io);
  return runLiveMonitor({ options, dataDir, settingsStore, effectiveSettings, io });
}

/** --once: a baseline tick, a pause, then the measured tick (CPU % needs two readings). */
async function runOnce(options: MonitorOptions, settings: () => Settings, io: CliIo): Promise<number> {
  const collectors = createCollectors({
    platform: process.platform,
    sysRoot: options.sysRoot,
    procRoot: options.procRoot,
    // A one-shot command never opens a password prompt.
    elevation: 'non-interactive',
    powerIntervalMs: (options.intervalSeconds ?? ONCE_DEFAULT_SECONDS) * 1000,
  });
  const sampler = new Sampler({ collectors, settings });
  try {
    await sampler.tick();
    await new Promise((resolve) =>
      setTimeout(resolve, (options.intervalSeconds ?? ONCE_DEFAULT_SECONDS) * 1000),
    );
    const sample: Sample = await sampler.tick();
    io.out(options.json ? JSON.stringify(sample, null, 2) : formatSampleSummary(sample));
    return 0;
  } finally {
    await closeCollectors(collectors);
  }
}

function withOverrides(settings: Settings, options: MonitorOptions): Settings {
  if (options.intervalSeconds === null) return settings;
  const interval = options.intervalSeconds;
  return {
    ...settings,
    sampling: {
      ...settings.sampling,
      intervalSeconds: interval,
      processIntervalSeconds: Math.min(settings.sampling.processIntervalSeconds, interval),
      slowIntervalSeconds: Math.max(interval, Math.min(settings.sampling.slowIntervalSeconds, interval * 6)),
    },
  };
}
