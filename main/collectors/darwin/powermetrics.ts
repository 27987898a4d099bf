import { absent, failed, ok, type Reading } from '../../contract/index.js';
import type {
  CollectorEnv,
  CollectorInstance,
  Observation,
  PowerObservation,
  TaskObservation,
  ThermalObservation,
} from '../types.js';
import { nonInteractiveElevator, osascriptElevator, type Elevator } from './elevator.js';
import {
  ElevatedPowermetricsFeed,
  ReplayPowermetricsFeed,
  type FeedState,
  type PowermetricsFeed,
} from './powermetrics-feed.js';
import { roundWatts, type PowermetricsSample } from './powermetrics-sample.js';
import { PowermetricsStreamReader } from './powermetrics-stream.js';
import { recordingOf, replayOf } from './replay.js';

export const DEFAULT_POWERMETRICS_INTERVAL_MS = 2000;
const PERMISSION_WAIT_MS = 120_000;
const BASE_SAMPLERS = ['cpu_power', 'gpu_power', 'thermal', 'tasks'];

export interface PowermetricsCollectorOptions {
  intervalMs?: number;
  /** Defaults: a replay feed when env.exec replays a recording, else root powermetrics via the elevator. */
  feed?: PowermetricsFeed;
  elevate?: Elevator;
  appPid?: number;
}

export interface PowermetricsCollector extends CollectorInstance {
  /** The UI's "grant permission" button: prompts once more after a cancel; never loops. */
  requestPermission(): Promise<FeedState>;
  feedState(): FeedState;
  /** Documents skipped because they did not parse. */
  malformedDocuments(): number;
}

export function createPowermetricsCollector(
  env: CollectorEnv,
  options: PowermetricsCollectorOptions = {},
): PowermetricsCollector {
  const intervalMs = options.intervalMs ?? env.powerIntervalMs ?? DEFAULT_POWERMETRICS_INTERVAL_MS;
  const elevate = options.elevate ?? elevatorFor(env);
  const replay = replayOf(env.exec);
  const recording = recordingOf(env.exec);
  const feed: PowermetricsFeed =
    options.feed ??
    (replay
      ? new ReplayPowermetricsFeed(replay)
      : new ElevatedPowermetricsFeed({
          exec: env.exec,
          elevate,
          appPid: options.appPid ?? process.pid,
          intervalMs,
          samplers: () => samplersFor(env),
          processDetail: true,
        }));
  let pending: PowermetricsSample[] = [];
  let last: { observation: Observation; at: number } | null = null;
  const reader = new PowermetricsStreamReader({
    onSample: (sample, document) => {
      pending.push(sample);
      recording?.recordPowermetricsDocument(document);
    },
  });
  const staleAfterMs = intervalMs * 2 + 2000;
  const withHelper = (observation: Observation): Observation => ({
    ...observation,
    powermetricsHelper: replay
      ? { parentPid: null, absent: 'replaying a recording: no powermetrics process runs' }
      : { parentPid: feed.helperPid?.() ?? null },
  });
  let started = false;
  const startFeed = () => {
    started = true;
    feed.start((chunk) => reader.push(chunk));
  };

  return {
    async collect(): Promise<Reading<Observation>> {
      try {
        if (env.deferElevation && !replay && !started) {
          return absent('permission', 'power readings wait for permission (asked once per run)');
        }
        startFeed();
        feed.poll();
        const now = env.now();
        if (pending.length > 0) {
          last = { observation: toObservation(combine(pending)), at: now };
          pending = [];
          return ok(withHelper(last.observation), now);
        }
        const state = feed.status();
        if (state.state === 'denied') {
          return absent(
            'permission',
            env.elevation === 'non-interactive'
              ? 'powermetrics needs the administrator password, and this run never asks for it (run as root, or use the app)'
              : 'power readings need administrator permission (powermetrics)',
          );
        }
        if (state.state === 'failed') return failed(`powermetrics: ${state.message}`);
        if (last && now - last.at <= staleAfterMs) return ok(withHelper(last.observation), last.at);
        if (state.state === 'starting' || (state.state === 'running' && !last)) return absent('warming-up');
        return absent('no-data', `no powermetrics sample in the last ${Math.round(staleAfterMs / 1000)} s`);
      } catch (error) {
        return failed(`powermetrics: ${(error as Error).message}`);
      }
    },
    async requestPermission() {
      // The deferred first ask (the app explained why) starts the feed; a retry after a cancel or a
      // failure asks the feed again. Either way the answer is the prompt's outcome, not "starting":
      // wait, bounded, while a person types a password.
      if (started) await feed.requestPermission();
      else startFeed();
      const deadline = env.now() + PERMISSION_WAIT_MS;
      while (feed.status().state === 'starting' && env.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return feed.status();
    },
    feedState: () => feed.status(),
    malformedDocuments: () => reader.malformed,
    close: () => feed.close(),
  };
}

/** The password prompt, or (`monitor --once`) the elevator that never prompts. */
export function elevatorFor(env: Pick<CollectorEnv, 'elevation'>): Elevator {
  return env.elevation === 'non-interactive' ? nonInteractiveElevator : osascriptElevator;
}

/** SMC (fans, die temperatures) is an Intel-only sampler; asking for it on Apple Silicon fails. */
async function samplersFor(env: CollectorEnv): Promise<string[]> {
  const arm = await env.exec('sysctl', ['-n', 'hw.optional.arm64']);
  const appleSilicon = arm.exitCode === 0 && arm.stdout.trim() === '1';
  return appleSilicon ? BASE_SAMPLERS : [...BASE_SAMPLERS, 'smc'];
}

/**
 * Several samples may arrive between two ticks: watts are averaged weighted by each sample's
 * elapsed time (so energy is preserved); states take the latest value.
 */
export function combine(samples: PowermetricsSample[]): PowermetricsSample {
  const latest = samples[samples.length - 1]!;
  if (samples.length === 1) return latest;
  const weight = (s: PowermetricsSample): number => s.elapsedSeconds ?? 0;
  const totalWeight = samples.reduce((sum, s) => sum + weight(s), 0);
  const mean = (pick: (s: PowermetricsSample) => number | null): number | null => {
    const present = samples.filter((s) => pick(s) !== null && weight(s) > 0);
    const w = present.reduce((sum, s) => sum + weight(s), 0);
    return w > 0 ? roundWatts(present.reduce((sum, s) => sum + pick(s)! * weight(s), 0) / w) : null;
  };
  const tasks = new Map<number, { name: string; cpu: number; gpu: number | null; energy: number | null }>();
  for (const sample of samples) {
    const share = totalWeight > 0 ? weight(sample) / totalWeight : 1 / samples.length;
    for (const task of sample.tasks) {
      const entry = tasks.get(task.pid) ?? { name: task.name, cpu: 0, gpu: null, energy: null };
      entry.cpu += task.cpuMsPerSecond * share;
      if (task.gpuMsPerSecond !== null) entry.gpu = (entry.gpu ?? 0) + task.gpuMsPerSecond * share;
      if (task.energyImpact !== null) entry.energy = (entry.energy ?? 0) + task.energyImpact * share;
      tasks.set(task.pid, entry);
    }
  }
  const lastOf = <T>(pick: (s: PowermetricsSample) => T | null): T | null =>
    samples
      .map(pick)
      .filter((v): v is T => v !== null)
      .at(-1) ?? null;
  return {
    timestamp: latest.timestamp,
    elapsedSeconds: totalWeight,
    hwModel: latest.hwModel,
    cpuWatts: mean((s) => s.cpuWatts),
    gpuWatts: mean((s) => s.gpuWatts),
    aneWatts: mean((s) => s.aneWatts),
    dramWatts: mean((s) => s.dramWatts),
    packageWatts: mean((s) => s.packageWatts),
    thermalPressure: lastOf((s) => s.thermalPressure),
    thermalOsLevel: latest.thermalOsLevel,
    cpuTempCelsius: lastOf((s) => s.cpuTempCelsius),
    gpuTempCelsius: lastOf((s) => s.gpuTempCelsius),
    fanRpm: lastOf((s) => (s.fanRpm.length > 0 ? s.fanRpm : null)) ?? [],
    batteryPercent: lastOf((s) => s.batteryPercent),
    tasks: [...tasks].map(([pid, t]) => ({
      pid,
      name: t.name,
      cpuMsPerSecond: t.cpu,
      gpuMsPerSecond: t.gpu,
      energyImpact: t.energy,
    })),
  };
}

/** DEAD_TASKS (pid -1) has no process to attribute to, so it stays out of the task list. */
export function toObservation(sample: PowermetricsSample): Observation {
  const observation: Observation = {};
  const power: PowerObservation = { source: 'powermetrics' };
  if (sample.cpuWatts !== null) power.cpuWatts = sample.cpuWatts;
  if (sample.gpuWatts !== null) power.gpuWatts = sample.gpuWatts;
  if (sample.aneWatts !== null) power.aneWatts = sample.aneWatts;
  if (sample.dramWatts !== null) power.dramWatts = sample.dramWatts;
  if (sample.packageWatts !== null) power.packageWatts = sample.packageWatts;
  if (Object.keys(power).length > 1) observation.power = power;
  const thermal: ThermalObservation = { source: 'powermetrics' };
  if (sample.thermalPressure !== null) thermal.pressure = sample.thermalPressure;
  if (sample.thermalPressure !== null && sample.thermalOsLevel !== null)
    thermal.osLevel = sample.thermalOsLevel;
  if (sample.cpuTempCelsius !== null) thermal.cpuTempCelsius = sample.cpuTempCelsius;
  if (sample.gpuTempCelsius !== null) thermal.gpuTempCelsius = sample.gpuTempCelsius;
  if (sample.fanRpm.length > 0) thermal.fanRpm = sample.fanRpm;
  if (Object.keys(thermal).length > 1) observation.thermal = thermal;
  const tasks: TaskObservation[] = sample.tasks
    .filter((t) => t.pid >= 0)
    .map((t) => {
      const task: TaskObservation = { pid: t.pid, name: t.name, cpuMsPerSecond: t.cpuMsPerSecond };
      if (t.gpuMsPerSecond !== null) task.gpuMsPerSecond = t.gpuMsPerSecond;
      if (t.energyImpact !== null) task.energyImpact = t.energyImpact;
      return task;
    });
  if (tasks.length > 0) observation.tasks = tasks;
  return observation;
}
