import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import * as sudoPrompt from '@vscode/sudo-prompt';
import { absent, ok, type Reading } from '../../contract/index.js';
import {
  ROOT_RUN_DIR_CHECKS,
  ROOT_RUN_DIR_EXIT_REASONS,
  ROOT_RUN_DIR_SHELL,
  RUN_DIR_NAME,
} from '../root-run-dir.js';
import { sudoPromptCwdProblem } from '../sudo-prompt-cwd.js';
import type { CommandRunner } from '../types.js';
import type { RaplCounters, RaplCounterSource } from './rapl.js';

/**
 * Once-per-run elevation for RAPL on kernels where energy_uj is root-only: after the password prompt
 * root makes its own run directory under /run with a FIFO handed to the app's user (root-run-dir.ts),
 * so root never opens, writes or runs a path a user can change. Two detached root processes follow:
 * a writer that copies the counters into the FIFO every interval, and a watchdog that checks every
 * second that the app's pid is alive with the same start time (a reused pid does not count) and
 * otherwise kills the writer and removes the run directory, so no root process outlives the app by
 * more than about two seconds, even with the writer blocked on a full FIFO. The writer holds a read
 * end only for its first seconds (until the app has opened the FIFO); after that, the app closing
 * its end makes the next write fail and the writer ends.
 */

export interface RaplLoopOptions {
  /** The app's pid: the loop ends when it is gone. */
  appPid: number;
  /** The app's uid, to whom root hands the FIFO. */
  appUid: number;
  /** Seconds between counter copies, 1–60. */
  intervalSeconds: number;
  /** The directory root creates: `<parent>/idlewatt-rapl-<16 letters/digits>`. */
  runDir: string;
  sysRoot?: string;
  procRoot?: string;
}

export type Built<T> = { ok: true; value: T } | { ok: false; error: string };

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const LINE_TAG = 'idlewatt-rapl 1';
export const RAPL_FIFO_NAME = 'counters';
export const LINUX_RUN_PARENT = '/run';

function checkPath(path: string, what: string): string | null {
  if (typeof path !== 'string' || !SAFE_PATH.test(path)) {
    return `${what} must be an absolute path of letters, digits, '.', '_', '-' and '/'`;
  }
  if (normalize(path) !== path || path.split('/').includes('..')) return `${what} must be a normalised path`;
  return null;
}

/** Values are validated and single-quoted, so the script can never run anything but this loop. */
export function buildRaplLoopScript(options: RaplLoopOptions): Built<string> {
  const { appPid, appUid, intervalSeconds, runDir } = options;
  const sysRoot = options.sysRoot ?? '/sys';
  const procRoot = options.procRoot ?? '/proc';
  if (!Number.isSafeInteger(appPid) || appPid < 2 || appPid > 4_194_304) {
    return { ok: false, error: 'appPid must be an integer pid (2–4194304)' };
  }
  if (!Number.isSafeInteger(appUid) || appUid < 0 || appUid > 4_294_967_294) {
    return { ok: false, error: 'appUid must be a non-negative integer' };
  }
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 60) {
    return { ok: false, error: 'intervalSeconds must be an integer from 1 to 60' };
  }
  const pathError =
    checkPath(runDir, 'runDir') ?? checkPath(sysRoot, 'sysRoot') ?? checkPath(procRoot, 'procRoot');
  if (pathError) return { ok: false, error: pathError };
  if (!RUN_DIR_NAME.test(basename(runDir)) || !basename(runDir).startsWith('idlewatt-rapl-')) {
    return { ok: false, error: 'runDir must be named idlewatt-rapl-<16 letters or digits>' };
  }
  if (dirname(runDir) === '/') return { ok: false, error: 'runDir needs a parent directory' };

  const script = `set -u
PATH=/usr/bin:/bin:/usr/sbin:/sbin; export PATH
umask 077
APP_PID='${appPid}'
app_uid='${appUid}'
INTERVAL='${intervalSeconds}'
run_dir='${runDir}'
SYS='${sysRoot}'
PROC='${procRoot}'
fifo="$run_dir/${RAPL_FIFO_NAME}"
${ROOT_RUN_DIR_CHECKS}
app_start() {
  stat_line=''
  read -r stat_line < "$PROC/$APP_PID/stat" 2>/dev/null || return 1
  set -- \${stat_line##*) }
  [ $# -ge 20 ] || return 1
  printf '%s' "\${20}"
}
START=$(app_start) || exit 0
${ROOT_RUN_DIR_SHELL}
writer() {
  trap 'exit 0' HUP INT TERM PIPE
  exec 4<>"$fifo" 3>"$fifo"
  grace=5
  tick=0
  while :; do
    if [ "$grace" -gt 0 ]; then
      grace=$((grace - 1))
      [ "$grace" -eq 0 ] && exec 4<&-
    fi
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
}
watchdog() {
  trap 'rm -f "$fifo"; rmdir "$run_dir" 2>/dev/null' EXIT
  trap 'kill -KILL "$1" 2>/dev/null; exit 0' HUP INT TERM
  while [ "$(app_start)" = "$START" ] && kill -0 "$1" 2>/dev/null; do sleep 1; done
  kill -TERM "$1" 2>/dev/null
  sleep 1
  kill -KILL "$1" 2>/dev/null
  exit 0
}
writer </dev/null >/dev/null 2>&1 &
writer_pid=$!
watchdog "$writer_pid" </dev/null >/dev/null 2>&1 &
echo "$writer_pid $!"
exit 0
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
  static open(
    fifoPath: string,
    options: { now: () => number; intervalSeconds: number; uid?: number },
  ): RaplFifoReader {
    const fd = openSync(fifoPath, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    const info = fstatSync(fd);
    if (!info.isFIFO() || (options.uid !== undefined && info.uid !== options.uid)) {
      closeSync(fd);
      throw new Error(`${fifoPath} is not a FIFO handed to this user`);
    }
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

/** Runs a shell command as root once; resolves when it returns (the loop itself runs detached). */
export type ElevatedRunner = (
  command: string,
) => Promise<{ ok: true; stdout?: string } | { ok: false; message: string; code?: number }>;

export const sudoPromptRunner: ElevatedRunner = (command) =>
  new Promise((resolve) => {
    const cwdProblem = sudoPromptCwdProblem();
    if (cwdProblem) return resolve({ ok: false, message: cwdProblem });
    sudoPrompt.exec(command, { name: 'IdleWatt' }, (error, stdout) => {
      if (!error) return resolve({ ok: true, stdout: String(stdout ?? '').trim() });
      const code = (error as Error & { code?: unknown }).code;
      resolve(
        typeof code === 'number'
          ? { ok: false, message: error.message, code }
          : { ok: false, message: error.message },
      );
    });
  });

export interface RaplElevation {
  source: RaplFifoReader;
  /** Closes the FIFO: the root writer's next write fails and both root processes end. */
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
  /** Parent of root's run directory; default /run. Tests use a directory of their own. */
  runParent?: string;
  /** How long to wait for the first counters after the prompt returned. */
  startTimeoutMs?: number;
}

const NAME_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Asks for the administrator password once and starts the loop; never throws. */
export async function startRaplElevation(options: StartElevationOptions): Promise<Built<RaplElevation>> {
  const parent = options.runParent ?? LINUX_RUN_PARENT;
  if (!isAbsolute(parent)) return { ok: false, error: 'the run directory parent is not absolute' };
  const name = [...randomBytes(16)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
  const runDir = join(parent, `idlewatt-rapl-${name}`);
  const uid = process.getuid?.() ?? 0;
  const script = buildRaplLoopScript({ ...options, appUid: uid, runDir });
  if (!script.ok) return script;
  let reader: RaplFifoReader | null = null;
  try {
    const runElevated = options.runElevated ?? sudoPromptRunner;
    let result: Awaited<ReturnType<ElevatedRunner>>;
    try {
      result = await runElevated(elevatedCommand(script.value));
    } catch (error) {
      return { ok: false, error: `the password prompt failed: ${(error as Error).message}` };
    }
    if (!result.ok) {
      const reason = result.code === undefined ? undefined : ROOT_RUN_DIR_EXIT_REASONS[result.code];
      return { ok: false, error: reason ?? result.message };
    }
    const opened = RaplFifoReader.open(join(runDir, RAPL_FIFO_NAME), { ...options, uid });
    reader = opened;
    if (!(await opened.waitForFirstLine(options.startTimeoutMs ?? 10_000))) {
      await opened.close();
      return { ok: false, error: 'the RAPL helper did not start in time' };
    }
    return { ok: true, value: { source: opened, stop: () => opened.close() } };
  } catch (error) {
    await reader?.close();
    return { ok: false, error: (error as Error).message };
  }
}
