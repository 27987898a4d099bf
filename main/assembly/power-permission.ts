import type { PowerPermission, Sample } from '../contract/index.js';
import { humanPowerReason } from '../contract/power-reason.js';
import type { FeedState } from '../collectors/darwin/powermetrics-feed.js';
import type { PowermetricsCollector } from '../collectors/darwin/powermetrics.js';
import { runCommand } from '../collectors/exec.js';
import type { RaplCollector } from '../collectors/linux/rapl.js';
import { startRaplElevation, type RaplElevation } from '../collectors/linux/rapl-elevation.js';
import type { SamplerCollector } from '../sampler/sampler.js';

const NOT_NEEDED: PowerPermission = {
  state: 'not-needed',
  message: 'Power readings need no administrator access here.',
  canRequest: false,
};

const NO_SENSOR: PowerPermission = {
  state: 'unsupported',
  message:
    'This machine has no power sensor IdleWatt can read, so watts and watt-hours show as unknown; CPU, memory, thermal state and requests are still measured.',
  canRequest: false,
};

/** Nothing to ask for: say so only where power is really read, not where there is no sensor at all. */
function notNeeded(latest: Sample | null): PowerPermission {
  if (!latest) return NOT_NEEDED;
  const measured = latest.power.systemWatts !== null || latest.power.packageWatts !== null;
  if (measured) return NOT_NEEDED;
  const reason = humanPowerReason(latest.absent['power.systemWatts']);
  return reason === humanPowerReason('not-present') ? NO_SENSOR : NOT_NEEDED;
}

function fromFeed(feed: FeedState): PowerPermission {
  switch (feed.state) {
    case 'running':
      return {
        state: 'granted',
        message: 'powermetrics is running with administrator access for this run.',
        canRequest: false,
      };
    case 'denied':
      return {
        state: 'denied',
        message:
          'Power readings need an administrator password once per run; it was not given. Everything else keeps working.',
        canRequest: true,
      };
    case 'failed':
      return { state: 'denied', message: `powermetrics could not run: ${feed.message}`, canRequest: true };
    case 'closed':
      return { state: 'denied', message: 'powermetrics was stopped.', canRequest: false };
    case 'starting':
      return {
        state: 'needed',
        message: "Waiting for the administrator password: macOS's password prompt has not been answered yet.",
        canRequest: false,
      };
    default:
      return {
        state: 'needed',
        message: 'Power readings need an administrator password once per run (macOS powermetrics).',
        canRequest: feed.state === 'idle',
      };
  }
}

const RAPL_NEEDED =
  'RAPL energy counters are root-only on this kernel. Allow once for this run (administrator password), or make them readable for good with the udev rule in the README.';

/**
 * Reads and requests elevated access for the collectors that need it: powermetrics on macOS, the
 * RAPL counters on Linux (a root loop copying them into a private FIFO, ended with the app). One
 * prompt per request; nothing ever re-prompts on its own.
 */
export interface PowerPermissionOptions {
  collectors: readonly SamplerCollector[];
  latest: () => Sample | null;
  replaying: boolean;
  raplIntervalSeconds?: number;
  /** The Linux root loop; tests inject a stand-in. */
  startRapl?: typeof startRaplElevation;
}

export function createPowerPermission(options: PowerPermissionOptions): {
  permission(): PowerPermission;
  request(): Promise<PowerPermission>;
  close(): Promise<void>;
} {
  const { collectors, latest, replaying } = options;
  const find = (id: string) => collectors.find((c) => c.definition.id === id)?.instance;
  const powermetrics = find('darwin-powermetrics') as PowermetricsCollector | undefined;
  const rapl = find('rapl') as RaplCollector | undefined;
  let raplElevation: RaplElevation | null = null;
  let closed = false;
  let raplAsk: { state: 'asking' } | { state: 'granted' } | { state: 'denied'; message: string } | null =
    null;

  const raplPermission = (): PowerPermission => {
    if (raplAsk?.state === 'granted') {
      return {
        state: 'granted',
        message: 'RAPL counters are read through a root helper for this run.',
        canRequest: false,
      };
    }
    if (raplAsk?.state === 'asking')
      return { state: 'needed', message: 'Waiting for the administrator password…', canRequest: false };
    const health = latest()?.collectors.find((c) => c.id === 'rapl');
    const needsRoot = health?.status === 'absent' && health.reason?.startsWith('permission');
    if (raplAsk?.state === 'denied')
      return {
        state: 'denied',
        message: `RAPL access was not granted: ${raplAsk.message}`,
        canRequest: true,
      };
    return needsRoot ? { state: 'needed', message: RAPL_NEEDED, canRequest: true } : notNeeded(latest());
  };

  const permission = (): PowerPermission => {
    if (replaying) return NOT_NEEDED;
    if (powermetrics) return fromFeed(powermetrics.feedState());
    if (rapl) return raplPermission();
    return notNeeded(latest());
  };

  return {
    permission,
    async request() {
      if (replaying) return NOT_NEEDED;
      if (powermetrics) return fromFeed(await powermetrics.requestPermission());
      if (!rapl || !raplPermission().canRequest) return permission();
      raplAsk = { state: 'asking' };
      const started = await (options.startRapl ?? startRaplElevation)({
        appPid: process.pid,
        intervalSeconds: options.raplIntervalSeconds ?? 2,
        exec: runCommand,
        now: Date.now,
      });
      if (started.ok && closed) {
        // Granted after close() (the app quit during the password prompt): end the root loop now.
        await started.value.stop();
        raplAsk = null;
      } else if (started.ok) {
        raplElevation = started.value;
        rapl.useCounterSource(started.value.source);
        raplAsk = { state: 'granted' };
      } else {
        raplAsk = { state: 'denied', message: started.error };
      }
      return permission();
    },
    async close() {
      closed = true;
      await raplElevation?.stop();
    },
  };
}
