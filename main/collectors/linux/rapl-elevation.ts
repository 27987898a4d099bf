import { constants, lstatSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import * as sudoPrompt from '@vscode/sudo-prompt';
import { absent, ok, type Reading } from '../../contract/index.js';
import { sudoPromptCwdProblem } from '../sudo-prompt-cwd.js';
import type { CommandRunner } from '../types.js';
import type { RaplCounters, RaplCounterSource } from './rapl.js';

/**
 * Once-per-run elevation for RAPL on kernels where energy_uj is root-only: a fixed root shell loop
 * copies the counters into a FIFO in a private 0700 directory. It exits within about a second when
 * the app's pid disappears (or is reused: the app's start time is checked) or when the FIFO is
 * removed, so no root process outlives the app. The loop holds the FIFO write-only (opened through a
 * brief read-write handle so the open never blocks): if the app dies while a write is blocked on a full
 * pipe, that write fails with EPIPE instead of waiting forever for a reader that will never come.
 * The FIFO's path is opened once, then the opened object itself is checked to be a pipe and reopened
 * through /dev/fd: a same-user process swapping the path for a symlink to a file between the check
 * and the open can never make root truncate or write that file.
 */

export interface RaplLoopOptions {
  /** The app's pid: the loop ends when it is gone. */
  appPid: number;
  /** Seconds between counter copies, 1–60. */
  intervalSeconds: number;
  /** Absolute path of a FIFO whose directory is owned by the current user with mode 0700. */
  fifoPath: string;
  sysRoot?: string;
  procRoot?: string;
}

export type Built<T> = { ok: true; value: T } | { ok: false; error: string };

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const LINE_TAG = 'idlewatt-rapl 1';

function checkPath(path: string, what: string): string | null {
  if (typeof path !== 'string' || !SAFE_PATH.test(path)) {
    return `${what} must be an absolute path of letters, digits, '.', '_', '-' and '/'`;
  }
  if (normalize(path) !== path || path.split('/').includes('..')) return `${what} must be a normalised path`;
  return null;
}

function checkPrivateDir(dir: string): string | null {
  try {
    const info = lstatSync(dir);
    if (!info.isDirectory()) return `${dir} is not a directory`;
    if ((info.mode & 0o777) !== 0o700) return `${dir} must have mode 0700`;
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) return `${dir} must be owned by the current user`;
    return null;
  } catch (error) {
    return `${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

/** Values are validated and single-quoted, so the script can never run anything but this loop. */
export function buildRaplLoopScript(options: RaplLoopOptions): Built<string> {
  const { appPid, intervalSeconds, fifoPath } = options;
  const sysRoot = options.sysRoot ?? '/sys';
  const procRoot = options.procRoot ?? '/proc';
  if (!Number.isSafeInteger(appPid) || appPid < 2 || appPid > 4_194_304) {
    return { ok: false, error: 'appPid must be an integer pid (2–4194304)' };
  }
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 60) {
    return { ok: false, error: 'intervalSeconds must be an integer from 1 to 60' };
  }
  const pathError =
    checkPath(fifoPath, 'fifoPath') ?? checkPath(sysRoot, 'sysRoot') ?? checkPath(procRoot, 'procRoot');
  if (pathError) return { ok: false, error: pathError };
  const dirError = checkPrivateDir(dirname(fifoPath));
  if (dirError) return { ok: false, error: dirError };

  const script = `set -u
APP_PID='${appPid}'
INTERVAL='${intervalSeconds}'
FIFO='${fifoPath}'
SYS='${sysRoot}'
PROC='${procRoot}'
app_start() {
  stat_line=''
  read -r stat_line < "$PROC/$APP_PID/stat" 2>/dev/null || return 1
  set -- \${stat_line##*) }
  [ $# -ge 20 ] || return 1
  printf '%s' "\${20}"
}
START=$(app_start) || exit 0
[ -p "$FIFO" ] || exit 0
exec 4<>"$FIFO" || exit 0
[ -p /dev/fd/4 ] || exit 0
exec 3>/dev/fd/4 4<&- || exit 0
tick=0
while :; do
  [ "$(app_start)" = "$START" ] || exit 0
  [ -p "$FIFO" ] || exit 0
  if [ "$tick" -eq 0 ]; then
    up=''
    read -r up _ < "$PROC/uptime" 2>/dev/null || exit 0
    line="${LINE_TAG} $up"
    for z in "$SYS"/class/powercap/intel-rapl:*; do
      e=''
      read -r e < "$z/energy_uj" 2>/dev/null || continue
      case $e in ''|*[!0-9]*) continue ;; esac
      line="$line \${z##*/}=$e"
    done
    printf '%s\\n' "$line" >&3 || exit 0
  fi
  tick=$(( (tick + 1) % INTERVAL ))
  sleep 1
done
`;
  return { ok: true, value: script };
}

/**
 * The command handed to sudo-prompt, which wraps it in `bash -c "…"` and only escapes double
 * quotes: base64 keeps `$` and backslashes away from the user's shell.
 */
export function elevatedCommand(script: string): string {
  return `echo ${Buffer.from(script, 'utf8').toString('base64')} | base64 -d | /bin/sh`;
}

const ZONE_FIELD = /^(intel-rapl:[0-9a-f]+(?::[0-9a-f]+)?)=(\d+)$/i;

/** One line the loop writes: `idlewatt-rapl 1 <uptime seconds> intel-rapl:0=123 …`. */
export function parseRaplLoopLine(line: string): RaplCounters | null {
  if (!line.startsWith(`${LINE_TAG} `)) return null;
  const [uptime, ...fields] = line
    .slice(LINE_TAG.length + 1)
    .trim()
    .split(/\s+/);
  const seconds = Number(uptime);
  if (!uptime || !Number.isFinite(seconds) || seconds < 0) return null;
  const energyUj: Record<string, number> = {};
  for (const field of fields) {
    const match = ZONE_FIELD.exec(field);
    const value = match ? Number(match[2]) : NaN;
    if (match && Number.isSafeInteger(value)) energyUj[match[1]!] = value;
  }
  return { atMs: Math.round(seconds * 1000), energyUj };
}

/** Consumes the loop's FIFO; `read` returns the newest snapshot. */
export class RaplFifoReader implements RaplCounterSource {
  private latest: { counters: RaplCounters; receivedAt: number } | null = null;
  private buffered = '';
  private readonly socket: Socket;

  private constructor(
    fd: number,
    private readonly now: () => number,
    private readonly staleAfterMs: number,
  ) {
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => this.consume(chunk));
    this.socket.on('error', () => this.socket.destroy());
  }

  /** Opens read-write and non-blocking: never waits for the writer and never sees EOF between its writes. */
  static open(fifoPath: string, options: { now: () => number; intervalSeconds: number }): RaplFifoReader {
    const fd = openSync(fifoPath, constants.O_RDWR | constants.O_NONBLOCK);
    return new RaplFifoReader(fd, options.now, Math.max(3 * options.intervalSeconds, 5) * 1000);
  }

  private consume(chunk: string): void {
    this.buffered += chunk;
    const lines = this.buffered.split('\n');
    this.buffered = lines.pop() ?? '';
    if (this.buffered.length > 64 * 1024) this.buffered = '';
    for (const line of lines) {
      const counters = parseRaplLoopLine(line);
      if (counters) this.latest = { counters, receivedAt: this.now() };
    }
  }

  /** Resolves true on the first line; false after `timeoutMs` or once `gaveUp()` says so. */
  async waitForFirstLine(timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    const pollMs = 100;
    while (!this.latest && Date.now() < until && !this.socket.destroyed && !gaveUp()) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return this.latest !== null;
  }

  async read(): Promise<Reading<RaplCounters>> {
    if (!this.latest) return absent('warming-up', 'waiting for the elevated RAPL helper');
    if (this.now() - this.latest.receivedAt > this.staleAfterMs) {
      return absent('no-data', 'the elevated RAPL helper stopped sending counters');
    }
    return ok(this.latest.counters, this.latest.receivedAt);
  }

  async close(): Promise<void> {
    this.socket.destroy();
  }
}

/** Runs a shell command as root once; resolves when it ends (the loop ends with the app). */
export type ElevatedRunner = (command: string) => Promise<{ ok: true } | { ok: false; message: string }>;

export const sudoPromptRunner: ElevatedRunner = (command) =>
  new Promise((resolve) => {
    const cwdProblem = sudoPromptCwdProblem();
    if (cwdProblem) return resolve({ ok: false, message: cwdProblem });
    sudoPrompt.exec(command, { name: 'IdleWatt' }, (error) =>
      resolve(error ? { ok: false, message: error.message } : { ok: true }),
    );
  });

export interface RaplElevation {
  source: RaplFifoReader;
  /** Removes the FIFO: the root loop notices within a second and exits. */
  stop(): Promise<void>;
}

export interface StartElevationOptions {
  appPid: number;
  intervalSeconds: number;
  exec: CommandRunner;
  now: () => number;
  runElevated?: ElevatedRunner;
  sysRoot?: string;
  procRoot?: string;
  /** Parent of the private directory; defaults to $XDG_RUNTIME_DIR or the temp dir. */
  baseDir?: string;
  /** How long to wait for the password prompt and the first counters. */
  startTimeoutMs?: number;
}

/** Asks for the administrator password once and starts the loop; never throws. */
export async function startRaplElevation(options: StartElevationOptions): Promise<Built<RaplElevation>> {
  const base = options.baseDir ?? process.env.XDG_RUNTIME_DIR ?? tmpdir();
  if (!isAbsolute(base)) return { ok: false, error: 'the runtime directory is not absolute' };
  let dir: string | null = null;
  let reader: RaplFifoReader | null = null;
  const cleanUp = async () => {
    await reader?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    dir = await mkdtemp(join(base, 'idlewatt-rapl-'));
    const fifoPath = join(dir, 'counters');
    const made = await options.exec('mkfifo', ['-m', '600', fifoPath]);
    if (made.exitCode !== 0) {
      await cleanUp();
      return { ok: false, error: `mkfifo failed: ${made.failure ?? made.stderr.trim()}` };
    }
    const script = buildRaplLoopScript({ ...options, fifoPath });
    if (!script.ok) {
      await cleanUp();
      return script;
    }
    const opened = RaplFifoReader.open(fifoPath, options);
    reader = opened;
    let endedWith = null as string | null;
    const runElevated = options.runElevated ?? sudoPromptRunner;
    void Promise.resolve()
      .then(() => runElevated(elevatedCommand(script.value)))
      .then(
        (result) => {
          endedWith = result.ok ? 'the RAPL helper ended' : result.message;
        },
        (error: unknown) => {
          endedWith = `the password prompt failed: ${(error as Error).message}`;
        },
      );
    const started = await opened.waitForFirstLine(
      options.startTimeoutMs ?? 120_000,
      () => endedWith !== null,
    );
    if (!started) {
      await cleanUp();
      return { ok: false, error: endedWith ?? 'the RAPL helper did not start in time' };
    }
    return { ok: true, value: { source: opened, stop: cleanUp } };
  } catch (error) {
    await cleanUp();
    return { ok: false, error: (error as Error).message };
  }
}
