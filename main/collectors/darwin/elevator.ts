import { execFile, spawn } from 'node:child_process';

/** How a root helper start ended: `exited` 0 means the helper is running, detached. */
export type ElevationResult =
  | { outcome: 'exited'; code: number | null; stdout?: string }
  | { outcome: 'denied' }
  | { outcome: 'failed'; message: string };

/** Runs a shell command as root after asking the user; resolves when the command returns. */
export type Elevator = (command: string) => Promise<ElevationResult>;

/**
 * A fixed AppleScript: the command is its argument, never part of the script text, and no file is
 * written (unlike @vscode/sudo-prompt, which builds an applet and command script in a user-owned
 * temporary folder and has root run and write files there). `do shell script … with administrator
 * privileges` runs `/bin/sh -c <command>` as root and returns the command's stdout; a non-zero exit
 * becomes an error whose number is the exit status, and a cancelled dialog is error -128
 * (Apple TN2065, "do shell script in AppleScript").
 */
export const ELEVATE_APPLESCRIPT = [
  'on run argv',
  'do shell script (item 1 of argv) with administrator privileges',
  'end run',
] as const;

const USER_CANCELED = -128;

export interface OsascriptElevatorOptions {
  /** Tests point this at a stand-in; production is always /usr/bin/osascript. */
  osascript?: string;
}

export function createOsascriptElevator(options: OsascriptElevatorOptions = {}): Elevator {
  const program = options.osascript ?? '/usr/bin/osascript';
  const args = (command: string) => [...ELEVATE_APPLESCRIPT.flatMap((line) => ['-e', line]), command];
  return (command) =>
    new Promise((resolve) => {
      execFile(program, args(command), { encoding: 'utf8', timeout: 0 }, (error, stdout, stderr) => {
        if (!error) return resolve({ outcome: 'exited', code: 0, stdout: stdout.trim() });
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === 'string') {
          return resolve({ outcome: 'failed', message: `cannot run ${program}: ${code}` });
        }
        const number = /\((-?\d+)\)\s*$/.exec(stderr.trim());
        if (number && Number(number[1]) === USER_CANCELED) return resolve({ outcome: 'denied' });
        if (number) return resolve({ outcome: 'exited', code: Number(number[1]) });
        const line = stderr.trim().split('\n')[0] || error.message.split('\n')[0] || 'osascript failed';
        resolve({ outcome: 'failed', message: line });
      });
    });
}

export const osascriptElevator: Elevator = createOsascriptElevator();

/**
 * Never prompts (`monitor --once`): runs the command directly when already root, else through
 * `sudo -n`, which fails at once when a password would be needed. That is 'denied', and nothing was
 * shown to anyone. Like the prompt, it resolves with the helper's stdout (the detached loop's pid).
 */
export const nonInteractiveElevator: Elevator = (command) =>
  new Promise((resolve) => {
    const root = process.getuid?.() === 0;
    const [file, args] = root ? ['/bin/sh', ['-c', command]] : ['sudo', ['-n', '/bin/sh', '-c', command]];
    let stdout = '';
    let stderr = '';
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < 4096) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      resolve({ outcome: 'failed', message: `cannot run ${file}: ${error.message}` }),
    );
    child.on('close', (code) => {
      if (!root && code !== 0 && /password is required|a terminal is required/i.test(stderr)) {
        resolve({ outcome: 'denied' });
      } else if (code === 0) resolve({ outcome: 'exited', code, stdout: stdout.trim() });
      else resolve({ outcome: 'exited', code });
    });
  });
