import type { PowerPermission, Sample } from '../contract/index.js';
import type { FeedState } from '../collectors/darwin/powermetrics-feed.js';
import type { PowermetricsCollector } from '../collectors/darwin/powermetrics.js';
import type { SamplerCollector } from '../sampler/sampler.js';

const NOT_NEEDED: PowerPermission = {
  state: 'not-needed',
  message: 'Power readings need no administrator access here.',
  canRequest: false,
};

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
    default:
      return {
        state: 'needed',
        message: 'Power readings need an administrator password once per run (macOS powermetrics).',
        canRequest: feed.state === 'idle',
      };
  }
}

/** Reads the permission state from the collectors that need elevated access. */
export function createPowerPermission(
  collectors: readonly SamplerCollector[],
  latest: () => Sample | null,
  replaying: boolean,
): { permission(): PowerPermission; request(): Promise<PowerPermission> } {
  const powermetrics = collectors.find((c) => c.definition.id === 'darwin-powermetrics')?.instance as
    PowermetricsCollector | undefined;
  const permission = (): PowerPermission => {
    if (replaying) return NOT_NEEDED;
    if (powermetrics) return fromFeed(powermetrics.feedState());
    const rapl = latest()?.collectors.find((c) => c.id === 'rapl');
    if (rapl?.status === 'absent' && rapl.reason?.startsWith('permission')) {
      return {
        state: 'needed',
        message:
          'RAPL energy counters are root-only on this kernel. Make them readable with the udev rule in the README, or run the monitor as a service with CAP_DAC_READ_SEARCH.',
        canRequest: false,
      };
    }
    return NOT_NEEDED;
  };
  return {
    permission,
    async request() {
      if (powermetrics && !replaying) return fromFeed(await powermetrics.requestPermission());
      return permission();
    },
  };
}
