import type { MonitorStatus, PowerExplanation, PowerPermission } from '../contract/index.js';

/** What the shell remembers between runs about power readings. */
export interface ElevationMemory {
  /** The first-run panel has been offered once. */
  explained: boolean;
  /** The user chose "Allow once" (and did not cancel the prompt since): ask when the app starts. */
  askAtLaunch: boolean;
}

export interface ElevationFlowOptions {
  platform: NodeJS.Platform;
  mode: MonitorStatus['mode'];
  memory: { read(): unknown; write(memory: ElevationMemory): void };
  /** The core's requestPowerPermission: one prompt, its answer in the core's own words. */
  request(): Promise<PowerPermission>;
  log(line: string): void;
}

export interface ElevationFlow {
  /**
   * At launch: on the very first launch, returns 'explain' (the popover should open on the panel);
   * after an earlier "Allow once", asks at once and returns the answer; otherwise asks nothing.
   */
  atLaunch(): Promise<
    { kind: 'explain' } | { kind: 'asked'; permission: PowerPermission } | { kind: 'quiet' }
  >;
  /** The core's status with the first-run explanation attached while it is due. */
  decorate(status: MonitorStatus): MonitorStatus;
  /** "Allow once" or "Allow power readings" in the popover (or the API): asks and remembers the answer. */
  request(): Promise<PowerPermission>;
}

export const POWER_EXPLANATION: PowerExplanation = {
  title: 'Power readings need your password',
  text:
    'IdleWatt reads power with macOS powermetrics, which only runs as administrator. macOS asks for ' +
    'an administrator password once each time IdleWatt starts; the password goes to macOS, not to ' +
    'IdleWatt, and only powermetrics runs with it, until IdleWatt quits. "Not now" keeps everything ' +
    "else working — thermal state, battery, each service's CPU, memory and activity — and you can " +
    'allow it later from here.',
  allowLabel: 'Allow once',
  declineLabel: 'Not now',
};

/** Reads the stored memory, including the older shape ({ explained, declinedAtLaunch }). */
export function readElevationMemory(raw: unknown): ElevationMemory {
  const value = (raw ?? {}) as Record<string, unknown>;
  const explained = value.explained === true;
  if (typeof value.askAtLaunch === 'boolean') return { explained, askAtLaunch: value.askAtLaunch };
  // Before the first-run panel, "Continue" in a dialog meant "ask at every launch".
  return { explained, askAtLaunch: explained && value.declinedAtLaunch === false };
}

const failedAsking = (error: unknown): PowerPermission => ({
  state: 'denied',
  message: `Power readings are off: the password prompt failed (${(error as Error).message}).`,
  canRequest: true,
});

/**
 * The macOS elevation UX, with no modal anywhere: the first launch explains inside the popover
 * ("Allow once" / "Not now"); later launches ask at start only after the user once allowed it. The
 * answers are the core's own (granted, cancelled, the helper failed, powermetrics missing). Replay
 * mode and other platforms never explain or ask at launch.
 */
export function createElevationFlow(options: ElevationFlowOptions): ElevationFlow {
  const active = options.platform === 'darwin' && options.mode === 'app';
  let memory: ElevationMemory;
  try {
    memory = readElevationMemory(options.memory.read());
  } catch {
    memory = { explained: false, askAtLaunch: false };
  }
  let explaining = false;
  const remember = (next: ElevationMemory): void => {
    memory = next;
    try {
      options.memory.write(next);
    } catch (error) {
      // Forgetting only means the panel shows again, or nothing asks at the next launch.
      options.log(`IdleWatt: could not remember the power-readings choice: ${(error as Error).message}`);
    }
  };
  const ask = async (): Promise<PowerPermission> => {
    let permission: PowerPermission;
    try {
      permission = await options.request();
    } catch (error) {
      permission = failedAsking(error);
    }
    options.log(`IdleWatt: ${permission.message}`);
    return permission;
  };

  return {
    async atLaunch() {
      if (!active) return { kind: 'quiet' };
      if (!memory.explained) {
        explaining = true;
        remember({ ...memory, explained: true });
        return { kind: 'explain' };
      }
      if (!memory.askAtLaunch) return { kind: 'quiet' };
      const permission = await ask();
      // A cancelled prompt at launch means "not at every start": the popover still offers it.
      if (permission.state === 'denied' || permission.state === 'needed')
        remember({ ...memory, askAtLaunch: false });
      return { kind: 'asked', permission };
    },
    decorate(status) {
      if (!explaining || status.permission.state !== 'needed') return status;
      return { ...status, permission: { ...status.permission, explain: POWER_EXPLANATION } };
    },
    async request() {
      explaining = false;
      const permission = await ask();
      // A prompt still unanswered ('needed' after the core's wait) decides nothing about later launches.
      if (active && permission.state !== 'needed')
        remember({ explained: true, askAtLaunch: permission.state === 'granted' });
      else if (active) remember({ ...memory, explained: true });
      return permission;
    },
  };
}
