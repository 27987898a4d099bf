import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings } from '../../main/contract/settings.js';
import { REPO_ROOT } from '../helpers.js';
import type { FakeCommand, FakeEvent } from './fake-electron.js';

export const MAIN_BUNDLE = join(REPO_ROOT, 'dist', 'main.cjs');
export const RECORDING = join(REPO_ROOT, 'tests', 'fixtures', 'replay', 'darwin-m4max-stack');

/** Why the harness cannot run here, or false. */
export function harnessSkipReason(): string | false {
  if (existsSync(MAIN_BUNDLE)) return false;
  const reason = 'shell harness skipped: dist/main.cjs is missing (run node build/build.mjs)';
  console.log(reason);
  return reason;
}

/** Settings for a test run (the API port is IDLEWATT_API_PORT=0, any free one: see runShell). */
export function writeSettings(
  dataDir: string,
  change: (settings: ReturnType<typeof defaultSettings>) => void = () => {},
) {
  const settings = defaultSettings();
  change(settings);
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));
}

export interface ShellRun {
  readonly events: FakeEvent[];
  readonly output: () => string;
  /** Resolves with the first event matching, waiting up to `timeoutMs`. */
  waitFor<T extends FakeEvent['type']>(
    type: T,
    match?: (event: Extract<FakeEvent, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<FakeEvent, { type: T }>>;
  /** Resolves when the output has a line matching. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  command(command: FakeCommand): Promise<unknown>;
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Runs the built app (dist/main.cjs, the real menubar bundled in) against the fake Electron, in its
 * own process with its own data folder.
 */
export function runShell(options: {
  dataDir: string;
  args?: string[];
  platform?: NodeJS.Platform;
  env?: Record<string, string>;
}): ShellRun {
  const child: ChildProcess = fork(MAIN_BUNDLE, options.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', '--import', join(REPO_ROOT, 'tests/shell/register-fake-electron.ts')],
    env: {
      ...process.env,
      IDLEWATT_TEST: '1',
      IDLEWATT_DATA_DIR: options.dataDir,
      // Any free port: no test depends on this machine's ports.
      IDLEWATT_API_PORT: '0',
      ...(options.platform ? { FAKE_ELECTRON_PLATFORM: options.platform } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const events: FakeEvent[] = [];
  let output = '';
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((wake) => wake());
  child.stdout!.on('data', (chunk: Buffer) => ((output += chunk.toString()), changed()));
  child.stderr!.on('data', (chunk: Buffer) => ((output += chunk.toString()), changed()));
  const replies = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  child.on(
    'message',
    (message: FakeEvent | { type: 'reply'; id: number; result?: unknown; error?: string }) => {
      if (message.type === 'reply') {
        const reply = replies.get(message.id);
        replies.delete(message.id);
        if (message.error !== undefined) reply?.reject(new Error(message.error));
        else reply?.resolve(message.result);
        return;
      }
      events.push(message);
      changed();
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => (resolve(code), changed())),
  );

  const until = <T>(find: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- app output ---\n${output}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      const wake = () => void check();
      if (!check()) waiters.add(wake);
    });

  return {
    events,
    output: () => output,
    waitFor(type, match = () => true, timeoutMs = 30_000) {
      return until(
        () => events.find((e) => e.type === type && match(e as never)) as never,
        `a '${type}' event`,
        timeoutMs,
      );
    },
    waitForOutput(pattern, timeoutMs = 30_000) {
      return until(() => output.split('\n').find((line) => pattern.test(line)), String(pattern), timeoutMs);
    },
    command(command) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        replies.set(id, { resolve, reject });
        child.send({ id, ...command });
      });
    },
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** The modal calls the app made (each one would have frozen the real app). */
export function assertNoModal(run: ShellRun): void {
  assert.deepEqual(
    run.events.filter((e) => e.type === 'modal'),
    [],
  );
}
