import { sudoPromptCwdProblem } from '../sudo-prompt-cwd.js';

/** How a root helper run ended. */
export type ElevationResult =
  { outcome: 'exited'; code: number | null } | { outcome: 'denied' } | { outcome: 'failed'; message: string };

/** Runs a shell command as root after asking the user; resolves when the command ends. */
export type Elevator = (command: string) => Promise<ElevationResult>;

const PERMISSION_DENIED = 'User did not grant permission.';

/** The real elevator: @vscode/sudo-prompt (an osascript administrator dialog on macOS). */
export const sudoPromptElevator: Elevator = async (command) => {
  const cwdProblem = sudoPromptCwdProblem();
  if (cwdProblem) return { outcome: 'failed', message: cwdProblem };
  let sudo: typeof import('@vscode/sudo-prompt');
  try {
    sudo = await import('@vscode/sudo-prompt');
  } catch (error) {
    return { outcome: 'failed', message: `sudo-prompt unavailable: ${(error as Error).message}` };
  }
  return new Promise((resolve) => {
    try {
      sudo.exec(command, { name: 'IdleWatt' }, (error) => {
        if (!error) return resolve({ outcome: 'exited', code: 0 });
        if (error.message === PERMISSION_DENIED) return resolve({ outcome: 'denied' });
        const code = (error as Error & { code?: unknown }).code;
        if (typeof code === 'number') return resolve({ outcome: 'exited', code });
        resolve({ outcome: 'failed', message: error.message.split('\n')[0] ?? 'elevation failed' });
      });
    } catch (error) {
      resolve({ outcome: 'failed', message: (error as Error).message });
    }
  });
};
