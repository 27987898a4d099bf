import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { CommandResult, CommandRunner } from '../types.js';
import { parseIokitSnapshot, type IokitSnapshot } from './iokit/snapshot.js';
import { parseNotifySnapshot, type NotifySnapshot } from './notify/snapshot.js';
import { PS_ARGS, PS_ARGS_WITHOUT_PGID } from './ps.js';

/**
 * Recordings of what each command printed, per tick, so the macOS pipeline runs anywhere.
 *
 *   DIR/recording.json      {"format":"idlewatt-recording","version":1,"platform":"darwin","intervalMs":2000,"ticks":N}
 *   DIR/ticks/000001.json   {"at"?:0, "commands":[{"file","args","stdout":"<path>","stderr","exitCode","failure"?}],
 *                            "powermetrics":["<path>", …], "iokit"?:"<path>", "notify"?:{…},
 *                            "http"?:[{"url","status","body":"<path>"}]}
 *
 * Paths are relative to DIR and must stay inside it; several ticks may share one capture file.
 * Each powermetrics file holds one plist document; an iokit file holds what the SMC/IOHID collector
 * read in that tick (iokit/snapshot.ts); notify holds, inline, the notify(3) states read in that tick
 * (notify/snapshot.ts); `http` holds what HTTP probes (Ollama's /api/ps) were answered.
 * `at` is when the tick was read, in ms since the recording began; recordings without it are read as
 * evenly spaced by intervalMs. A replay measures its rates on these times, not on its own clock.
 */
export const RECORDING_FORMAT = 'idlewatt-recording';
export const RECORDING_VERSION = 1;

export interface RecordingManifest {
  format: typeof RECORDING_FORMAT;
  version: number;
  platform: NodeJS.Platform;
  intervalMs: number;
  ticks: number;
  description?: string;
}

interface RecordedCommand {
  file: string;
  args: string[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
  failure?: string;
}

interface RecordedHttp {
  url: string;
  status: number;
  /** Path of the response body. */
  body: string;
}

interface TickFile {
  at?: number;
  commands: RecordedCommand[];
  powermetrics?: string[];
  iokit?: string;
  notify?: NotifySnapshot;
  http?: RecordedHttp[];
}

interface ReplayTick {
  at: number;
  /** The tick's commands by their exact key and by their key with numbers blurred (the first of each). */
  commands: { exact: Map<string, RecordedCommand>; blurred: Map<string, RecordedCommand> };
  /** Each document's bytes and the NUL that ends it in the stream, encoded once at load. */
  powermetrics: Buffer[];
  iokit: IokitSnapshot | null;
  notify: NotifySnapshot | null;
  /** Response bodies by URL. */
  http: Map<string, { status: number; body: string }>;
}

export class RecordingError extends Error {}

/** What the replaying runner exposes besides running commands. */
export interface ReplayControl {
  readonly manifest: RecordingManifest;
  /** 1-based tick being served. */
  tick(): number;
  nextTick(): void;
  /**
   * The powermetrics documents of the tick being served, once per visit of that tick, as the stream
   * carries them (each ends with a NUL).
   */
  takePowermetricsDocuments(): Buffer[];
  /** SMC/IOHID readings of the tick being served; null when this tick has none. */
  iokitSnapshot(): IokitSnapshot | null;
  /** Whether any tick holds SMC/IOHID readings (older recordings do not). */
  readonly hasIokit: boolean;
  /** notify(3) states of the tick being served; null when this tick has none. */
  notifySnapshot(): NotifySnapshot | null;
  readonly hasNotify: boolean;
  /**
   * When the tick being served was read, in ms on the recording's own timeline: the first tick is at
   * its recorded `at`, and each pass after the last tick goes on one interval later (never backwards).
   */
  time(): number;
  /** Whether the tick being served starts a second or later pass: its cumulative counters start over. */
  restarted(): boolean;
  /** One pass through the recording: first tick to one interval after the last. */
  readonly passMs: number;
  /** Whether any tick holds HTTP answers (older recordings do not). */
  readonly hasHttp: boolean;
  /** Answers HTTP probes from the tick being served; an unrecorded URL fails like a closed port. */
  readonly fetch: typeof fetch;
}

export interface RecordingControl {
  nextTick(): void;
  /** Wraps the probes' fetch so each answer is recorded with the tick. */
  recordFetch(inner: typeof fetch): typeof fetch;
  recordPowermetricsDocument(document: string | Uint8Array): void;
  /** The SMC/IOHID readings of the tick being recorded, filled in place by the collector. */
  iokitSnapshot(): IokitSnapshot;
  /** The notify(3) states of the tick being recorded, filled in place by the collector. */
  notifySnapshot(): NotifySnapshot;
  /** Writes the tick in progress and the manifest. */
  close(): Promise<void>;
}

const REPLAY = Symbol.for('idlewatt.replay');
const RECORDING = Symbol.for('idlewatt.recording');

export type ReplayRunner = CommandRunner & { [REPLAY]: ReplayControl };
export type RecordingRunner = CommandRunner & { [RECORDING]: RecordingControl };

export function replayOf(runner: CommandRunner): ReplayControl | undefined {
  return (runner as Partial<ReplayRunner>)[REPLAY];
}

export function recordingOf(runner: CommandRunner): RecordingControl | undefined {
  return (runner as Partial<RecordingRunner>)[RECORDING];
}

/**
 * Commands are told apart by file and arguments, with pid lists (`-p 12,34`) blurred so a recorded
 * `lsof -p` answers whatever pids the replaying sampler asks about. An argument cannot hold a NUL
 * (argv strings end at one), so NUL-joined parts name one command only.
 */
function commandKey(file: string, args: readonly string[], blur: boolean): string {
  let key = basename(file);
  for (const a of args) key += '\0' + (blur && /^\d+(,\d+)*$/.test(a) ? '#' : a);
  return key;
}

/** Calls whose earlier form a recording may hold instead; their parsers read both outputs. */
const EARLIER_FORMS: ReadonlyMap<string, readonly string[]> = new Map([
  [commandKey('ps', PS_ARGS, false), [...PS_ARGS_WITHOUT_PGID]],
]);

/** Keys computed once at load: the runner is asked several times a tick. */
function commandIndex(commands: readonly RecordedCommand[]): ReplayTick['commands'] {
  const exact = new Map<string, RecordedCommand>();
  const blurred = new Map<string, RecordedCommand>();
  for (const c of commands) {
    const key = commandKey(c.file, c.args, false);
    if (!exact.has(key)) exact.set(key, c);
    const blur = commandKey(c.file, c.args, true);
    if (!blurred.has(blur)) blurred.set(blur, c);
  }
  return { exact, blurred };
}

/**
 * A runner that serves a recording tick by tick, looping at the end. A tick ends when a command
 * already answered in it is asked again (every collector runs once per tick), or on `nextTick()`.
 */
export async function createReplayRunner(dir: string): Promise<ReplayRunner> {
  const root = resolve(dir);
  const manifest = readManifest(root);
  const ticks: ReplayTick[] = [];
  for (let tick = 1; tick <= manifest.ticks; tick++) {
    const path = join(root, 'ticks', `${String(tick).padStart(6, '0')}.json`);
    const parsed = readJson(path) as Partial<TickFile> | null;
    if (!Array.isArray(parsed?.commands)) throw new RecordingError(`${path}: no commands array`);
    const at = parsed.at ?? (tick - 1) * manifest.intervalMs;
    const before = ticks[ticks.length - 1]?.at ?? -Infinity;
    if (typeof at !== 'number' || !Number.isFinite(at) || at <= before) {
      throw new RecordingError(`${path}: at must be a number of ms after the previous tick's`);
    }
    ticks.push({
      at,
      commands: commandIndex(
        parsed.commands.map((c: unknown, i) => recordedCommand(root, c, `${path}: command ${i + 1}`)),
      ),
      powermetrics: (parsed.powermetrics ?? []).map((p) => Buffer.from(`${readInside(root, p)}\0`, 'utf8')),
      iokit: parsed.iokit === undefined ? null : iokitAt(root, parsed.iokit, path),
      notify: parsed.notify === undefined ? null : notifyAt(parsed.notify, path),
      http: recordedHttp(root, parsed.http, path),
    });
  }
  // A pass lasts from the first tick to one interval after the last, so the next pass follows on.
  const passMs = ticks[ticks.length - 1]!.at - ticks[0]!.at + manifest.intervalMs;
  let index = 0;
  let visit = 0;
  let pass = 0;
  let powermetricsTakenOnVisit = -1;
  let served = new Set<string>();
  const control: ReplayControl = {
    manifest,
    tick: () => index + 1,
    nextTick: () => {
      index = (index + 1) % ticks.length;
      if (index === 0) pass++;
      visit++;
      served = new Set();
    },
    takePowermetricsDocuments: () => {
      if (powermetricsTakenOnVisit === visit) return [];
      powermetricsTakenOnVisit = visit;
      return ticks[index]!.powermetrics;
    },
    iokitSnapshot: () => ticks[index]!.iokit,
    hasIokit: ticks.some((t) => t.iokit !== null),
    notifySnapshot: () => ticks[index]!.notify,
    hasNotify: ticks.some((t) => t.notify !== null),
    time: () => ticks[index]!.at + pass * passMs,
    restarted: () => pass > 0 && index === 0,
    passMs,
    hasHttp: ticks.some((t) => t.http.size > 0),
    fetch: async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const answer = ticks[index]!.http.get(url);
      // What fetch does when nothing listens on the port.
      if (!answer) throw new TypeError('fetch failed', { cause: new Error(`not in the recording: ${url}`) });
      return new Response(answer.body, { status: answer.status });
    },
  };
  const runner = (async (file: string, args: readonly string[]): Promise<CommandResult> => {
    const exact = commandKey(file, args, false);
    if (served.has(exact)) control.nextTick();
    served.add(exact);
    const commands = ticks[index]!.commands;
    const earlier = EARLIER_FORMS.get(exact);
    const found =
      commands.exact.get(exact) ??
      commands.blurred.get(commandKey(file, args, true)) ??
      (earlier === undefined ? undefined : commands.exact.get(commandKey(file, earlier, false)));
    if (!found) {
      return {
        stdout: '',
        stderr: `idlewatt replay: tick ${index + 1} has no output for ${file} ${args.join(' ')}`,
        exitCode: null,
        failure: 'not-found',
      };
    }
    const result: CommandResult = { stdout: found.stdout, stderr: found.stderr, exitCode: found.exitCode };
    if (found.failure !== undefined) result.failure = found.failure;
    return result;
  }) as ReplayRunner;
  runner[REPLAY] = control;
  return runner;
}

function readManifest(root: string): RecordingManifest {
  const path = join(root, 'recording.json');
  if (!existsSync(path)) throw new RecordingError(`${root} is not a recording: no recording.json`);
  const manifest = readJson(path) as Partial<RecordingManifest>;
  if (manifest.format !== RECORDING_FORMAT || manifest.version !== RECORDING_VERSION) {
    throw new RecordingError(`${path}: not an ${RECORDING_FORMAT} v${RECORDING_VERSION} manifest`);
  }
  if (!Number.isInteger(manifest.ticks) || manifest.ticks! < 1) {
    throw new RecordingError(`${path}: ticks must be a positive integer`);
  }
  if (!Number.isInteger(manifest.intervalMs) || manifest.intervalMs! <= 0) {
    throw new RecordingError(`${path}: intervalMs must be a positive integer`);
  }
  return manifest as RecordingManifest;
}

function iokitAt(root: string, path: unknown, where: string): IokitSnapshot {
  const text = readInside(root, path);
  try {
    return parseIokitSnapshot(JSON.parse(text));
  } catch (error) {
    throw new RecordingError(`${where}: iokit ${String(path)}: ${(error as Error).message}`);
  }
}

function notifyAt(value: unknown, where: string): NotifySnapshot {
  try {
    return parseNotifySnapshot(value);
  } catch (error) {
    throw new RecordingError(`${where}: notify: ${(error as Error).message}`);
  }
}

function recordedHttp(root: string, value: unknown, where: string): ReplayTick['http'] {
  const answers: ReplayTick['http'] = new Map();
  if (value === undefined) return answers;
  if (!Array.isArray(value)) throw new RecordingError(`${where}: http must be an array`);
  for (const [i, entry] of value.entries()) {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<Record<string, unknown>>;
    if (typeof e['url'] !== 'string' || !Number.isInteger(e['status'])) {
      throw new RecordingError(`${where}: http ${i + 1} needs a string url and an integer status`);
    }
    answers.set(e['url'], { status: e['status'] as number, body: readInside(root, e['body']) });
  }
  return answers;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new RecordingError(`${path}: ${(error as Error).message}`);
  }
}

/** Checked at load, so a hand-edited recording fails there with its path, never inside the runner. */
function recordedCommand(root: string, value: unknown, where: string): RecordedCommand {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Partial<
    Record<keyof RecordedCommand, unknown>
  >;
  // No NUL inside: a real argument cannot hold one, and commandKey joins the parts with it.
  const isStringArray = (v: unknown): v is string[] =>
    Array.isArray(v) && v.every((a) => typeof a === 'string' && !a.includes('\0'));
  if (typeof c.file !== 'string' || c.file.includes('\0') || !isStringArray(c.args)) {
    throw new RecordingError(`${where}: needs a string file and a string array args, with no NUL in them`);
  }
  if (typeof c.stderr !== 'string' || !(c.exitCode === null || Number.isInteger(c.exitCode))) {
    throw new RecordingError(`${where}: needs a string stderr and an integer or null exitCode`);
  }
  if (c.failure !== undefined && typeof c.failure !== 'string') {
    throw new RecordingError(`${where}: failure must be a string`);
  }
  const command: RecordedCommand = {
    file: c.file,
    args: c.args,
    stdout: readInside(root, c.stdout),
    stderr: c.stderr,
    exitCode: c.exitCode as number | null,
  };
  if (c.failure !== undefined) command.failure = c.failure;
  return command;
}

function readInside(root: string, path: unknown): string {
  if (typeof path !== 'string') throw new RecordingError(`a recorded output path is not a string`);
  const full = resolve(root, path);
  const inside = relative(root, full);
  if (inside.startsWith('..') || inside.startsWith(sep)) {
    throw new RecordingError(`recorded output '${path}' lies outside the recording`);
  }
  try {
    return readFileSync(full, 'utf8');
  } catch (error) {
    throw new RecordingError(`cannot read ${full}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

export interface RecordingOptions {
  intervalMs: number;
  platform?: NodeJS.Platform;
  description?: string;
  now?: () => number;
}

/** Wraps a runner and writes what each command printed, per tick, into DIR (format above). */
export function createRecordingRunner(
  inner: CommandRunner,
  dir: string,
  options: RecordingOptions,
): RecordingRunner {
  const root = resolve(dir);
  const now = options.now ?? Date.now;
  let startedAt: number | null = null;
  let lastAt = -1;
  let tick = 1;
  let current: TickFile = { commands: [], powermetrics: [] };
  /** The tick's time is when its first output arrived (a replay needs it to increase strictly). */
  const stamp = (): void => {
    if (current.at !== undefined) return;
    const at = now();
    startedAt ??= at;
    current.at = lastAt = Math.max(at - startedAt, lastAt + 1);
  };
  let served = new Set<string>();
  let written = 0;
  // Writes are chained so files land in order and close() can wait for all of them.
  let chain: Promise<void> = mkdir(join(root, 'outputs'), { recursive: true })
    .then(() => mkdir(join(root, 'ticks'), { recursive: true }))
    .then(() => undefined);
  const enqueue = (write: () => Promise<void>): void => {
    chain = chain.then(write).catch(() => undefined);
  };
  const tickName = (n: number): string => String(n).padStart(6, '0');
  let iokit: IokitSnapshot | null = null;
  let notify: NotifySnapshot | null = null;
  const flush = (): void => {
    const hasIokit = iokit !== null && Object.keys(iokit).length > 0;
    const hasNotify = notify !== null && Object.keys(notify).length > 0;
    const hasHttp = (current.http ?? []).length > 0;
    if (
      current.commands.length === 0 &&
      current.powermetrics!.length === 0 &&
      !hasIokit &&
      !hasNotify &&
      !hasHttp
    ) {
      return;
    }
    stamp();
    const data: TickFile = { at: current.at, ...current };
    const n = tick;
    written = n;
    if (hasIokit) {
      const snapshot = JSON.stringify(iokit, null, 1) + '\n';
      data.iokit = `outputs/${tickName(n)}-iokit.json`;
      const target = join(root, data.iokit);
      enqueue(() => writeFile(target, snapshot));
    }
    iokit = null;
    if (hasNotify) data.notify = notify!;
    notify = null;
    enqueue(async () => {
      await writeFile(join(root, 'ticks', `${tickName(n)}.json`), JSON.stringify(data, null, 1) + '\n');
      const manifest: RecordingManifest = {
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        platform: options.platform ?? process.platform,
        intervalMs: options.intervalMs,
        ticks: written,
        ...(options.description ? { description: options.description } : {}),
      };
      await writeFile(join(root, 'recording.json'), JSON.stringify(manifest, null, 2) + '\n');
    });
    tick++;
    current = { commands: [], powermetrics: [] };
    served = new Set();
  };
  const control: RecordingControl = {
    nextTick: flush,
    recordFetch: (inner) => async (input, init) => {
      const response = await inner(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const body = await response.text();
      stamp();
      const path = `outputs/${tickName(tick)}-http-${(current.http ??= []).length + 1}.txt`;
      current.http.push({ url, status: response.status, body: path });
      enqueue(() => writeFile(join(root, path), body));
      return new Response(body, { status: response.status, headers: response.headers });
    },
    recordPowermetricsDocument: (document) => {
      stamp();
      const path = `outputs/${tickName(tick)}-powermetrics-${current.powermetrics!.length + 1}.plist`;
      current.powermetrics!.push(path);
      enqueue(() => writeFile(join(root, path), document));
    },
    iokitSnapshot: () => (iokit ??= {}),
    notifySnapshot: () => (notify ??= {}),
    close: async () => {
      flush();
      await chain;
    },
  };
  const runner = (async (file: string, args: readonly string[], runOptions?: { timeoutMs?: number }) => {
    const key = commandKey(file, args, false);
    if (served.has(key)) flush();
    served.add(key);
    stamp();
    const result = await inner(file, args, runOptions);
    const name = basename(file).replace(/[^A-Za-z0-9_-]/g, '_');
    const path = `outputs/${tickName(tick)}-${String(current.commands.length + 1).padStart(2, '0')}-${name}.txt`;
    const entry: RecordedCommand = {
      file,
      args: [...args],
      stdout: path,
      stderr: result.stderr,
      exitCode: result.exitCode,
    };
    if (result.failure !== undefined) entry.failure = result.failure;
    current.commands.push(entry);
    enqueue(() => writeFile(join(root, path), result.stdout));
    return result;
  }) as RecordingRunner;
  runner[RECORDING] = control;
  return runner;
}
