import type { Settings } from '../contract/index.js';
import { runCommand } from '../collectors/exec.js';
import {
  createRecordingRunner,
  createReplayRunner,
  recordingOf,
  replayOf,
} from '../collectors/darwin/replay.js';
import { advanceReplay, replayPace } from './replay-pace.js';
import type { CommandRunner, SamplerCollector } from '../collectors/types.js';
import { closeCollectors, createCollectors } from '../collectors/setup.js';
import { buildReport, compareRanges } from '../report/index.js';
import { Sampler } from '../sampler/sampler.js';
import type { SettingsStore } from '../settings/index.js';
import { historyNotices, openHistoryStore, type HistoryStore } from '../store/index.js';
import { VERSION } from '../version.js';
import { createAlertRunner } from '../alerts/runner.js';
import { createMonitorCore } from './monitor-core.js';
import { BaselinePins, BaselineService } from '../baseline/index.js';
import { createPowerPermission } from './power-permission.js';
import type { MonitorCore } from './types.js';

/** Collectors that read over HTTP rather than through the command runner (not in recordings). */
const HTTP_PROBES = new Set(['ollama']);

export interface LocalCoreOptions {
  dataDir: string;
  settingsStore: SettingsStore;
  /** Settings with run-time overrides (e.g. --interval); default: the store's. */
  settings?: () => Settings;
  mode: 'app' | 'headless' | 'replay';
  /** Serve command outputs from a recording, as if on that Mac. */
  replayDir?: string | null;
  /** Record every command's output per tick into this directory. */
  recordDir?: string | null;
  sysRoot?: string;
  procRoot?: string;
  onError?: (error: Error) => void;
  /** The app explains elevation first, then asks through requestPowerPermission(). */
  deferElevation?: boolean;
}

export interface LocalCore {
  core: MonitorCore;
  store: HistoryStore;
}

/**
 * In the app, Electron's powerMonitor gives the user's idle time (the sampler prefers it over any
 * collector's), so a collector that reads only that figure would spawn `ioreg` or `loginctl` every
 * tick for nothing.
 */
export function suppliedByThePlatform(collector: SamplerCollector, mode: LocalCoreOptions['mode']): boolean {
  const provides = collector.definition.provides ?? [];
  return mode === 'app' && provides.length > 0 && provides.every((kind) => kind === 'userIdleSeconds');
}

/**
 * Composes this machine's collectors (or a replay), the sampler, the history store and the alert
 * engine into a MonitorCore: the one composition shared by the Electron app and the headless monitor.
 */
export async function openLocalCore(options: LocalCoreOptions): Promise<LocalCore> {
  const settings = options.settings ?? (() => options.settingsStore.get());
  const initial = settings();
  let exec: CommandRunner = runCommand;
  let platform: NodeJS.Platform = process.platform;
  if (options.replayDir) {
    exec = await createReplayRunner(options.replayDir);
    platform = 'darwin';
  } else if (options.recordDir) {
    exec = createRecordingRunner(runCommand, options.recordDir, {
      intervalMs: initial.sampling.intervalSeconds * 1000,
      platform: process.platform,
    });
  }
  const replay = replayOf(exec);
  const recording = recordingOf(exec);
  // A recording with HTTP answers replays its probes too; an older one has none, and a probe would
  // read this machine, not that Mac.
  const fetchFor = replay?.hasHttp ? replay.fetch : recording ? recording.recordFetch(fetch) : fetch;
  const collectors = createCollectors({
    platform,
    sysRoot: options.sysRoot ?? '/sys',
    procRoot: options.procRoot ?? '/proc',
    exec,
    fetch: fetchFor,
    deferElevation: options.deferElevation,
    powerIntervalMs: settings().sampling.intervalSeconds * 1000,
  })
    .filter((c) => !(replay && !replay.hasHttp && HTTP_PROBES.has(c.definition.id)))
    .filter((c) => !suppliedByThePlatform(c, options.mode));
  const store = await openHistoryStore({
    dataDir: options.dataDir,
    rawDays: initial.retention.rawDays,
    rollupDays: initial.retention.rollupDays,
  });
  const sampler = new Sampler({
    collectors,
    settings,
    platform: platform === 'darwin' || platform === 'linux' ? platform : 'other',
    ...(replay ? replayPace(replay, store.latest()?.at ?? null) : {}),
  });
  const power = createPowerPermission({
    collectors,
    latest: () => store.latest(),
    replaying: Boolean(options.replayDir),
    raplIntervalSeconds: initial.sampling.processIntervalSeconds,
  });
  const baseline = new BaselineService(new BaselinePins(options.dataDir));
  // Learn from the stored week in the background; the live samples keep arriving meanwhile.
  void baseline
    .warmUp((range) => store.samples(range), Date.now())
    .catch((error: Error) => options.onError?.(new Error(`baseline: ${error.message}`)));
  const alerts = createAlertRunner((message) => options.onError?.(new Error(`alerts: ${message}`)));
  // Alerts open when the monitor last stopped are cleared or kept by the fresh samples.
  try {
    alerts.restore(await store.alerts(), initial, Date.now());
  } catch (error) {
    options.onError?.(new Error(`alerts: cannot read the stored alerts (${(error as Error).message})`));
  }
  const core = createMonitorCore({
    baseline,
    permission: power.permission,
    notices: () => historyNotices(store.health()),
    requestPermission: power.request,
    sampler,
    store,
    settings: options.settingsStore,
    alerts,
    report: (range, s) => buildReport(store, range, s),
    compare: (before, after) => {
      const latest = store.latest();
      return compareRanges(store, before, after, latest ? baseline.baselineFor(latest) : null);
    },
    mode: options.mode,
    version: VERSION,
    dataDir: options.dataDir,
    onError: options.onError,
    closeCollectors: async () => {
      await power.close();
      await closeCollectors(collectors);
      await recording?.close();
    },
  });
  // A recording or a replay advances one tick per emitted sample.
  if (replay || recording) {
    core.onSample(() => {
      if (replay) advanceReplay(replay, sampler);
      recording?.nextTick();
    });
  }
  return { core, store };
}
