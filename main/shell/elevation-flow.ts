import type { PowerPermission } from '../contract/index.js';

export type ElevationOutcome = 'granted' | 'denied' | 'unsupported';

/** What the shell remembers between runs about the explanation dialog. */
export interface ElevationMemory {
  explained: boolean;
  /** The user chose "Not now": do not ask at launch; the popover still offers the button. */
  declinedAtLaunch: boolean;
}

export interface ElevationFlowOptions {
  platform: NodeJS.Platform;
  memory: { read(): ElevationMemory; write(memory: ElevationMemory): void };
  /** The first-launch dialog; resolves with the user's choice. */
  explain(): Promise<'continue' | 'not-now'>;
  /** The powermetrics elevation (main/collectors/darwin/elevation.ts), injected. */
  requestElevation(): Promise<ElevationOutcome>;
}

export const ELEVATION_EXPLANATION = {
  title: 'Power readings need your password',
  message: 'IdleWatt reads power with macOS powermetrics, which only runs as administrator.',
  detail:
    'macOS asks for an administrator password once each time IdleWatt starts. The password goes to ' +
    'macOS, not to IdleWatt, and only powermetrics runs with it; it stops when IdleWatt quits.\n\n' +
    'Choose "Not now" to use IdleWatt without power readings: thermal state, battery, and each ' +
    "service's CPU, memory and activity keep working. You can ask later from the popover.",
  continueLabel: 'Continue',
  notNowLabel: 'Not now',
} as const;

const NEEDED: PowerPermission = {
  state: 'needed',
  message: 'Power readings need an administrator password once per run.',
  canRequest: true,
};

/**
 * The launch-time elevation UX on macOS: explain once (first launch), then ask through the injected
 * elevation; "Not now" or a cancelled prompt leaves every reading that needs no root running.
 * Returns null on platforms where launch does not ask. Never rejects.
 */
export async function runElevationFlow(options: ElevationFlowOptions): Promise<PowerPermission | null> {
  if (options.platform !== 'darwin') return null;
  let memory: ElevationMemory;
  try {
    memory = options.memory.read();
  } catch {
    memory = { explained: false, declinedAtLaunch: false };
  }
  if (!memory.explained) {
    let choice: 'continue' | 'not-now';
    try {
      choice = await options.explain();
    } catch {
      choice = 'not-now';
    }
    memory = { explained: true, declinedAtLaunch: choice === 'not-now' };
    try {
      options.memory.write(memory);
    } catch {
      // Forgetting the choice only means the explanation shows again next launch.
    }
  }
  if (memory.declinedAtLaunch) return NEEDED;
  let outcome: ElevationOutcome;
  try {
    outcome = await options.requestElevation();
  } catch (error) {
    return {
      state: 'denied',
      message: `Power readings are off: the password prompt failed (${(error as Error).message}).`,
      canRequest: true,
    };
  }
  switch (outcome) {
    case 'granted':
      return { state: 'granted', message: 'Power readings are on for this run.', canRequest: false };
    case 'denied':
      return {
        state: 'denied',
        message: 'Power readings are off for this run: the password prompt was cancelled.',
        canRequest: true,
      };
    case 'unsupported':
      return {
        state: 'unsupported',
        message: 'Power readings are not available on this Mac (powermetrics is missing).',
        canRequest: false,
      };
  }
}
