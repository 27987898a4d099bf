import { constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from '../types.js';
import { ELEVATION_EXIT_REASONS } from './elevation-script.js';
import { buildElevationCommand } from './elevation.js';
import type { Elevator } from './elevator.js';
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
}

export interface ElevatedFeedOptions {
  exec: CommandRunner;
  elevate: Elevator;
  appPid: number;
  intervalMs: number;
  /** Resolved at start (smc only exists on Intel). */
  samplers: () => Promise<string[]>;
  processDetail: boolean;
  tempRoot?: string;
  powermetricsPath?: string;
}

/**
 * powermetrics running as root behind one elevation prompt, writing into a FIFO in a private 0700
 * directory that this process reads. Restarts after a crash happen in the root helper, so this side
 * never prompts twice unless the user asks (`requestPermission`).
 */
export class ElevatedPowermetricsFeed implements PowermetricsFeed {
  private current: FeedState = { state: 'idle' };
  private sink: ((chunk: Buffer | string) => void) | null = null;
  private run: { fifo: string; dir: string; socket: Socket | null; stopped: boolean } | null = null;
  private launching: Promise<FeedState> | null = null;
  /** How many times the user has been asked: for tests and the UI's "retry" wording. */
  prompts = 0;

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

  async requestPermission(): Promise<FeedState> {
    if (this.launching) return this.current;
    if (this.current.state !== 'denied' && this.current.state !== 'failed') return this.current;
    void this.launch();
    return this.current;
  }

  async close(): Promise<void> {
    this.current = { state: 'closed' };
    await this.stopRun();
  }

  /** Never rejects: whatever goes wrong before the prompt leaves no directory and a 'failed' state. */
  private launch(): Promise<FeedState> {
    this.launching = this.launchOnce()
      .catch(async (error: unknown) => {
        await this.stopRun().catch(() => undefined);
        return this.setFailed(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        this.launching = null;
      });
    return this.launching;
  }

  private async launchOnce(): Promise<FeedState> {
    this.current = { state: 'starting' };
    const dir = await mkdtemp(join(this.options.tempRoot ?? tmpdir(), 'idlewatt-pm-'));
    const fifo = join(dir, 'powermetrics.fifo');
    const run: NonNullable<typeof this.run> = { fifo, dir, socket: null, stopped: false };
    // close() may run during any await here: it leaves no directory behind and is never followed by a prompt.
    if (this.isClosed()) {
      await rm(dir, { recursive: true, force: true });
      return this.current;
    }
    this.run = run;
    const made = await this.options.exec('mkfifo', ['-m', '600', fifo]);
    if (made.exitCode !== 0) {
      await this.stopRun();
      return this.setFailed(`mkfifo failed: ${made.failure ?? made.stderr.trim()}`);
    }
    const samplers = await this.options.samplers();
    const built = buildElevationCommand({
      appPid: this.options.appPid,
      directory: dir,
      fifoPath: fifo,
      intervalMs: this.options.intervalMs,
      samplers,
      processDetail: this.options.processDetail,
      ...(this.options.powermetricsPath ? { powermetricsPath: this.options.powermetricsPath } : {}),
    });
    if (!built.ok) {
      await this.stopRun();
      return this.setFailed(built.error);
    }
    const reading = await this.openReader(run);
    if (!reading.ok) {
      await this.stopRun();
      return this.setFailed(`cannot read the powermetrics FIFO: ${reading.error}`);
    }
    if (run.stopped) return this.current;
    this.prompts++;
    const result = await this.options.elevate(built.command);
    const wasStopped = run.stopped;
    await this.stopRun();
    if (this.isClosed() || wasStopped) return this.current;
    if (result.outcome === 'denied') {
      this.current = { state: 'denied' };
      return this.current;
    }
    if (result.outcome === 'failed') return this.setFailed(result.message);
    const reason = result.code === null ? undefined : ELEVATION_EXIT_REASONS[result.code];
    return this.setFailed(reason ?? `the powermetrics helper stopped (exit ${result.code ?? 'unknown'})`);
  }

  private isClosed(): boolean {
    return this.current.state === 'closed';
  }

  private setFailed(message: string): FeedState {
    if (!this.isClosed()) this.current = { state: 'failed', message };
    return this.current;
  }

  /**
   * Opens the FIFO read-write and non-blocking: the open returns at once (no writer needed yet, no
   * thread parked in open()), the reader never sees EOF when the helper restarts powermetrics (a
   * document cut short by a crash is then one malformed document), and closing is immediate.
   */
  private async openReader(
    run: NonNullable<typeof this.run>,
  ): Promise<{ ok: true } | { ok: false; error: string }> {
    try {
      // A raw fd, not a FileHandle: the socket owns and closes it (a FileHandle would try to close it
      // again on garbage collection, which is fatal).
      const fd = openSync(run.fifo, constants.O_RDWR | constants.O_NONBLOCK);
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

  /** Ends a run: removing the FIFO makes the root helper stop powermetrics within ~2 s. */
  private async stopRun(): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = null;
    run.stopped = true;
    run.socket?.destroy();
    await rm(run.dir, { recursive: true, force: true });
  }
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
    for (const document of this.replay.takePowermetricsDocuments()) this.sink(document + '\0');
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
