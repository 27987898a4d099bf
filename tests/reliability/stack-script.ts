import {
  DEFAULT_SERVICES,
  defaultSettings,
  ok,
  type Reading,
  type Settings,
  type ThermalPressure,
} from '../../main/contract/index.js';
import type { Connection, Observation, ProcessInfo } from '../../main/collectors/types.js';
import type { SamplerCollector } from '../../main/sampler/sampler.js';

/** What the scripted machine shows at one instant. */
export interface StackMoment {
  /** Whole-system watts (RAPL-style measured), or null when the source is down. */
  systemWatts: number | null;
  pressure: ThermalPressure;
  /** Services that receive a request at this instant (a new remote endpoint on their port). */
  requests: readonly string[];
}

export type StackScript = (at: number) => StackMoment;

/** Per service: pid and steady CPU share (100 = one core). vibevoice spins at 20 % with no requests. */
export const STACK_CPU_PERCENT: Readonly<Record<string, number>> = {
  'management-console': 0.5,
  ollama: 1,
  vibevoice: 20,
  nextjs: 2,
  piper: 0.2,
  whisper: 0.3,
};

export const stackPid = (serviceId: string): number =>
  2000 + DEFAULT_SERVICES.findIndex((s) => s.id === serviceId);

/**
 * The six default services as one scripted collector on a manual clock: cumulative CPU seconds
 * grow with time at each service's share, system watts and thermal pressure follow the script, and a
 * request is a connection from a fresh remote port. Everything is a function of `now()`, so the
 * collector holds no state that could grow.
 */
export function stackCollector(
  now: () => number,
  script: StackScript,
  startedAt: number,
): SamplerCollector & { calls: number } {
  const collector = {
    calls: 0,
    definition: { id: 'stack', tier: 'fast' as const, provides: ['power', 'processes', 'sockets'] as const },
    instance: {
      collect: async (): Promise<Reading<Observation>> => {
        collector.calls++;
        const at = now();
        const moment = script(at);
        const observation: Observation = {
          processes: DEFAULT_SERVICES.map((s) => stackProcess(s.id, at, startedAt)),
          sockets: {
            listening: DEFAULT_SERVICES.flatMap((s) =>
              s.ports.map((port) => ({ port, pid: stackPid(s.id) })),
            ),
            connections: moment.requests.flatMap((id) => requestTo(id, at)),
          },
          thermal: { source: 'scripted', pressure: moment.pressure },
        };
        if (moment.systemWatts !== null) {
          observation.power = {
            source: 'hwmon',
            systemWatts: moment.systemWatts,
            cpuWatts: moment.systemWatts * 0.8,
          };
        }
        return ok(observation, at);
      },
    },
  };
  return collector;
}

function stackProcess(serviceId: string, at: number, startedAt: number): ProcessInfo {
  const pid = stackPid(serviceId);
  return {
    pid,
    ppid: 1,
    name: serviceId === 'ollama' ? 'ollama' : `svc-${serviceId}`,
    command: `/opt/stack/${serviceId} --serve`,
    cpuSeconds: ((STACK_CPU_PERCENT[serviceId] ?? 0) / 100) * ((at - startedAt) / 1000),
    rssBytes: 200 * 1024 * 1024,
    threads: 8,
    openFiles: 12,
    startKey: `boot-${pid}`,
  };
}

function requestTo(serviceId: string, at: number): Connection[] {
  const service = DEFAULT_SERVICES.find((s) => s.id === serviceId);
  if (!service || service.ports.length === 0) return [];
  return [
    {
      localPort: service.ports[0]!,
      remoteAddress: '127.0.0.1',
      remotePort: 20_000 + (Math.floor(at / 1000) % 40_000),
      state: 'ESTABLISHED',
      pid: stackPid(serviceId),
    },
  ];
}

/** Default settings for the stack: 5 s samples, the six default services, retention as given. */
export function stackSettings(mutate?: (s: Settings) => void): Settings {
  const settings = defaultSettings();
  mutate?.(settings);
  return settings;
}

/** A manual clock. */
export function manualClock(start: number) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}
