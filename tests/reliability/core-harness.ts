import {
  validateSettings,
  type AlertEvent,
  type Sample,
  type Settings,
  type SettingsUpdateResult,
} from '../../main/contract/index.js';
import { createAlertRunner } from '../../main/alerts/runner.js';
import { createMonitorCore, type CoreSettings } from '../../main/assembly/monitor-core.js';
import { buildReport, compareRanges } from '../../main/report/index.js';
import { Sampler, type SamplerCollector } from '../../main/sampler/sampler.js';
import { openHistoryStore, type HistoryStore, type HistoryStoreOptions } from '../../main/store/index.js';

/** Settings held in memory, validated like the real store (for cores that need no settings file). */
export function memorySettings(initial: Settings): CoreSettings & { current: Settings } {
  const holder = {
    current: initial,
    notices: [] as string[],
    get: () => holder.current,
    update(next: unknown): SettingsUpdateResult {
      const checked = validateSettings(next);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      holder.current = checked.value;
      return { ok: true, settings: checked.value };
    },
  };
  return holder;
}

export interface ScriptedCore {
  core: ReturnType<typeof createMonitorCore>;
  store: HistoryStore;
  sampler: Sampler;
  samples: Sample[];
  events: AlertEvent[];
}

/**
 * The real composition (sampler → history store → alert engine, MonitorApi on top) with injected
 * collectors and a manual clock: what `idlewatt monitor` runs, minus this machine's collectors.
 */
export async function openScriptedCore(options: {
  collectors: SamplerCollector[];
  now: () => number;
  settings: CoreSettings;
  dataDir: string | null;
  store?: Partial<HistoryStoreOptions>;
  keepSamples?: boolean;
  /** Default: any error fails the test. */
  onError?: (error: Error) => void;
}): Promise<ScriptedCore> {
  const { now, settings } = options;
  const sampler = new Sampler({
    collectors: options.collectors,
    settings: () => settings.get(),
    now,
    platform: 'linux',
  });
  const initial = settings.get();
  const store = await openHistoryStore({
    dataDir: options.dataDir,
    rawDays: initial.retention.rawDays,
    rollupDays: initial.retention.rollupDays,
    now,
    ...options.store,
  });
  const core = createMonitorCore({
    sampler,
    store,
    settings,
    alerts: createAlertRunner(),
    report: (range, s) => buildReport(store, range, s),
    compare: (before, after) => compareRanges(store, before, after),
    mode: 'headless',
    version: 'reliability',
    dataDir: options.dataDir,
    now,
    onError:
      options.onError ??
      ((error) => {
        throw error;
      }),
  });
  const samples: Sample[] = [];
  const events: AlertEvent[] = [];
  if (options.keepSamples !== false) core.onSample((s) => samples.push(s));
  core.onAlert((e) => events.push(e));
  return { core, store, sampler, samples, events };
}
