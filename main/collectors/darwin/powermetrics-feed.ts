import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { CommandRunner } from '../types.js';
import {
  ELEVATION_EXIT_REASONS,
  GAVE_UP_PREFIX,
  QUICK_EXITS_TO_STOP,
  STDERR_NAME,
} from './elevation-script.js';
import { buildElevationCommand, DARWIN_RUN_PARENT, FIFO_NAME } from './elevation.js';
import type { Elevator } from './elevator.js';
import { parseCpuTime } from './ps.js';
import type { ReplayControl } from './replay.js';

export type FeedState =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'running' }
  | { state: 'denied' }
  | { state: 'failed'; message: string }
  | { state: 'closed' };

/** Bytes of `powermetrics -f plist` output (NUL-separated documents), from wherever they come. */
export interface PowermetricsFeed {
  /** Starts once; later calls do nothing. Never prompts again on its own. */
  start(sink: (chunk: Buffer | string) => void): void;
  /** Pull-based feeds (replay) deliver here; the root stream ignores it. */
  poll(): void;
  status(): FeedState;
  /** The user asked to retry after a cancelled or failed prompt: asks once more. */
  requestPermission(): Promise<FeedState>;
  close(): Promise<void>;
  /** The root helper loop's pid (powermetrics is its child); null when unknown or not started. */
  helperPid?(): number | null;
}

export interface ElevatedFeedOptions {
  exec: CommandRunner;
  elevate: Elevator;
  appPid: number;
  /** The app's uid, to whom root hands the FIFO; default: this process's. */
  appUid?: number;
  intervalMs: number;
  /** Resolved at start (smc only exists on Intel). */
  samplers: () => Promise<string[]>;
  processDetail: boolean;
  /** Parent of root's run directory; default /var/run. Tests use a directory of their own. */
  runParent?: string;
  powermetricsPath?: string;
  /** How often the app checks that the helper's FIFO still exists; default 2 s. */
  helperCheckMs?: number;
  /** The app's start time (epoch s) handed to the helper's watchdog; default: from `ps -o etime=`. */
  appStartEpoch?: () => Promise<number>;
}

interface Run {
  dir: string;
  fifo: string;
  socket: Socket | null;
  stopped: boolean;
  check: NodeJS.Timeout | null;
}

/**
 * powermetrics running as root behind one elevation prompt, writing into a FIFO that root creates in
 * its own run directory (elevation-script.ts) and hands to this user. Restarts after a crash happen
 * in the root helper, so this side never prompts twice unless the user asks (`requestPermission`).
 * Closing the reader ends the helper (powermetrics dies of SIGPIPE); so does this process's death.
 */
export class ElevatedPowermetricsFeed implements PowermetricsFeed {
  private current: FeedState = { state: 'idle' };
  private sink: ((chunk: Buffer | string) => void) | null = null;
  private run: Run | null = null;
  private launching: Promise<FeedState> | null = null;
  /** How many times the user has been asked: for tests and the UI's "retry" wording. */
  prompts = 0;
  private loopPid: number | null = null;

  constructor(private readonly options: ElevatedFeedOptions) {}

  start(sink: (chunk: Buffer | string) => void): void {
    if (this.sink || this.isClosed()) return;
    this.sink = sink;
    void this.launch();
  }

  poll(): void {}

  status(): FeedState {
    return this.current;
  }

  helperPid(): number | null {
    return this.run ? this.loopPid : null;
  }

  async requestPermission(): Promise<FeedState> {
    if (this.launching) return this.current;
    if (this.current.state !== 'denied' && this.current.state !== 'failed') return this.current;
    void this.launch();
    return this.current;
  }

  async close(): Promise<void> {
    this.current = { state: 'closed' };
    this.stopRun();
  }

  /** Never rejects: whatever goes wrong leaves a 'failed' state. */
  private launch(): Promise<FeedState> {
    this.launching = this.launchOnce()
      .catch((error: unknown) => {
        this.stopRun();
        return this.setFailed(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this.launching = null;
      });
    return this.launching;
  }

  private async launchOnce(): Promise<FeedState> {
    this.current = { state: 'starting' };
    const runDir = join(this.options.runParent ?? DARWIN_RUN_PARENT, `idlewatt-pm-${randomName()}`);
    const samplers = await this.options.samplers();
    const appStartEpoch = await (this.options.appStartEpoch ?? (() => startEpochOf(this.options)))();
    const built = buildElevationCommand({
      appPid: this.options.appPid,
      appUid: this.options.appUid ?? process.getuid?.() ?? 0,
      runDir,
      intervalMs: this.options.intervalMs,
      samplers,
      processDetail: this.options.processDetail,
      appStartEpoch,
      ...(this.options.powermetricsPath ? { powermetricsPath: this.options.powermetricsPath } : {}),
    });
    if (!built.ok) return this.setFailed(built.error);
    // close() may run during any await: it is never followed by a prompt.
    if (this.isClosed()) return this.current;
    this.prompts++;
    const result = await this.options.elevate(built.command);
    if (result.outcome === 'denied') {
      if (!this.isClosed()) this.current = { state: 'denied' };
      return this.current;
    }
    if (result.outcome === 'failed') return this.setFailed(result.message);
    if (result.code !== 0) {
      const reason = result.code === null ? undefined : ELEVATION_EXIT_REASONS[result.code];
      return this.setFailed(reason ?? `the powermetrics helper stopped (exit ${result.code ?? 'unknown'})`);
    }
    if (result.stdout === '') {
      // It printed no loop pid: it found the app gone, or its pid held by a process started later.
      return this.setFailed('the powermetrics helper did not start: it did not recognise this app’s process');
    }
    // The helper runs detached; if this side is closed meanwhile, it ends once its start-up grace
    // is over and nobody reads the FIFO.
    if (this.isClosed()) return this.current;
    this.loopPid = /^\d+$/.test(result.stdout ?? '') ? Number(result.stdout) : null;
    const run: Run = {
      dir: runDir,
      fifo: join(runDir, FIFO_NAME),
      socket: null,
      stopped: false,
      check: null,
    };
    this.run = run;
    const opened = this.openReader(run);
    if (!opened.ok) {
      this.stopRun();
      return this.setFailed(`cannot read the powermetrics FIFO: ${opened.error}`);
    }
    run.check = setInterval(() => {
      if (run.stopped || existsSync(run.fifo)) return;
      const why = helperStopReason(readStderr(join(run.dir, STDERR_NAME)));
      this.stopRun();
      this.setFailed(why);
    }, this.options.helperCheckMs ?? 2000);
    run.check.unref();
    return this.current;
  }

  private isClosed(): boolean {
    return this.current.state === 'closed';
  }

  private setFailed(message: string): FeedState {
    if (!this.isClosed()) this.current = { state: 'failed', message };
    return this.current;
  }

  /**
   * Opens the FIFO read-write and non-blocking: the open returns at once, the reader never sees EOF
   * when the helper restarts powermetrics (a document cut short by a crash is then one malformed
   * document), and closing is immediate. The opened object must be a FIFO owned by this user.
   */
  private openReader(run: Run): { ok: true } | { ok: false; error: string } {
    let fd: number | null = null;
    try {
      fd = openSync(run.fifo, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
      const info = fstatSync(fd);
      const uid = this.options.appUid ?? process.getuid?.();
      if (!info.isFIFO() || (uid !== undefined && info.uid !== uid)) {
        closeSync(fd);
        return { ok: false, error: 'not a FIFO handed to this user' };
      }
      // A raw fd, not a FileHandle: the socket owns and closes it (a FileHandle would try to close it
      // again on garbage collection, which is fatal).
      const socket = new Socket({ fd, readable: true, writable: false });
      run.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        if (run.stopped) return;
        if (this.current.state === 'starting') this.current = { state: 'running' };
        this.sink?.(chunk);
      });
      socket.on('error', () => undefined);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
    }
  }

  /** Ends a run: with no reader left, powermetrics dies of SIGPIPE and the root helper ends. */
  private stopRun(): void {
    const run = this.run;
    if (!run) return;
    this.run = null;
    run.stopped = true;
    if (run.check) clearInterval(run.check);
    run.socket?.destroy();
  }
}

/**
 * When the app's process started, in epoch seconds, the way the helper reads it back (`ps -o etime=`,
 * now minus elapsed): both sides use the same clock and rounding. 0 (pid-only watchdog) when ps fails.
 */
export async function startEpochOf(options: Pick<ElevatedFeedOptions, 'exec' | 'appPid'>): Promise<number> {
  const result = await options.exec('ps', ['-o', 'etime=', '-p', String(options.appPid)]);
  const elapsed = result.exitCode === 0 ? parseCpuTime(result.stdout.trim()) : null;
  return elapsed === null ? 0 : Math.max(0, Math.floor(Date.now() / 1000) - Math.floor(elapsed));
}

const STDERR_READ_LIMIT = 4096;

/** The start of the helper's powermetrics.err, or '' (never a symlink, never more than 4 KB). */
function readStderr(path: string): string {
  let fd: number | null = null;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return '';
    const buffer = Buffer.alloc(STDERR_READ_LIMIT);
    const length = readSync(fd, buffer, 0, STDERR_READ_LIMIT, 0);
    return buffer.subarray(0, length).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Why the helper's FIFO went away, from powermetrics' stderr: its first line (what a person needs:
 * "unrecognized sampler: …"), and whether the helper gave up after quick exits.
 */
export function helperStopReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const gaveUp = lines.find((l) => l.startsWith(GAVE_UP_PREFIX));
  const first = lines.find((l) => !l.startsWith(GAVE_UP_PREFIX))?.replace(/^powermetrics:\s*/, '');
  const shown = first && first.length > 200 ? `${first.slice(0, 200)}…` : first;
  if (gaveUp) {
    const stopped = `stopped after ${QUICK_EXITS_TO_STOP} quick exits`;
    return shown ? `${shown} (${stopped})` : `${gaveUp.slice(GAVE_UP_PREFIX.length).trim()}; ${stopped}`;
  }
  return shown ? `the powermetrics helper stopped: ${shown}` : 'the powermetrics helper stopped';
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomName(): string {
  return [...randomBytes(16)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
}

/** Serves the powermetrics documents of a recording, tick by tick. */
export class ReplayPowermetricsFeed implements PowermetricsFeed {
  private sink: ((chunk: Buffer | string) => void) | null = null;
  private closed = false;

  constructor(private readonly replay: ReplayControl) {}

  start(sink: (chunk: Buffer | string) => void): void {
    this.sink = sink;
  }

  poll(): void {
    if (!this.sink || this.closed) return;
    for (const document of this.replay.takePowermetricsDocuments()) this.sink(document);
  }

  status(): FeedState {
    if (this.closed) return { state: 'closed' };
    return this.sink ? { state: 'running' } : { state: 'idle' };
  }

  async requestPermission(): Promise<FeedState> {
    return this.status();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
