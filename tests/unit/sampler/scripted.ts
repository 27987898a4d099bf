import { defaultSettings, ok, type Reading, type Settings } from '../../../main/contract/index.js';
import type { CostTier, Observation, ProcessInfo } from '../../../main/collectors/types.js';
import { Sampler, type SamplerCollector } from '../../../main/sampler/sampler.js';

/** A collector that replays a script: one Reading per call (the last repeats). */
export function scripted(
  id: string,
  script: (call: number) => Reading<Observation> | Observation,
  tier: CostTier = 'fast',
): SamplerCollector & { calls: number } {
  const collector = {
    calls: 0,
    definition: { id, tier, provides: ['power', 'processes', 'sockets'] as const },
    instance: {
      collect: async () => {
        const out = script(collector.calls++);
        return 'status' in out ? (out as Reading<Observation>) : ok(out as Observation, 0);
      },
    },
  };
  return collector;
}

export function proc(pid: number, cpuSeconds: number, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  return {
    pid,
    ppid: 1,
    name: `p${pid}`,
    command: `/usr/bin/p${pid}`,
    cpuSeconds,
    rssBytes: 1_000_000,
    threads: 2,
    openFiles: null,
    startKey: 'boot',
    ...extra,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

export function testSettings(mutate?: (s: Settings) => void): Settings {
  const s = defaultSettings();
  s.services = [
    { id: 'api', name: 'API', ports: [8000], processNames: [] },
    { id: 'worker', name: 'Worker', ports: [], processNames: ['worker'] },
  ];
  mutate?.(s);
  return s;
}

export function makeSampler(
  collectors: SamplerCollector[],
  clock: { now: () => number },
  settings = testSettings(),
) {
  return new Sampler({ collectors, settings: () => settings, now: clock.now, platform: 'linux' });
}
