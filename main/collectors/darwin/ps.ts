/**
 * IdleWatt's per-tick call: `args` last (the command line, unlimited with -ww), so a service's
 * commandPattern can match `uvicorn`, `server.py` or `next dev`; `comm` before it for the name.
 * `pgid` is the process group, a keyword of Apple's ps(1) (its `-j` format is user, pid, ppid, pgid,
 * sess, …; keith.github.io/xcode-man-pages/ps.1.html): it finds a service's launchers. No session
 * id is read, so on macOS the launcher walk cannot tell a session leader (see service-matcher.ts).
 */
export const PS_ARGS = ['-axww', '-o', 'pid=,ppid=,pgid=,rss=,time=,comm=,args='] as const;

/** The call before it had a process group column; recordings made with it still replay. */
export const PS_ARGS_WITHOUT_PGID = ['-axww', '-o', 'pid=,ppid=,rss=,time=,comm=,args='] as const;

/**
 * macOS ps cuts a text column that is not the last one at its default width and pads it to that
 * width: `comm` at 16 bytes (apple-oss-distributions/adv_cmds `ps/keyword.c`, `ps/print.c`, as
 * reported in pyinfra-dev/pyinfra#1952 and sindresorhus/ps-list#49:
 * `/opt/homebrew/Ce /opt/homebrew/Cellar/…/gitstatusd-darwin-arm64 -G v1.5.1`).
 */
export const COMM_WIDTH = 16;

export interface PsProcess {
  pid: number;
  /** null when the output has no PPID column (e.g. `ps aux`). */
  ppid: number | null;
  /** Process group; null when the output has no PGID column (older recordings, pasted output). */
  pgid: number | null;
  rssBytes: number | null;
  cpuSeconds: number;
  /** The executable's base name. */
  name: string;
  /** The command line where ps printed it (`args`, `command`), else what `comm` printed (a path). */
  command: string;
}

/** `comm`: the last column (`comm=` alone, the `idlewatt parse ps` default); `comm-args`: PS_ARGS. */
export type PsLayout = 'comm' | 'comm-args';

export type PsOutcome = { ok: true; value: PsProcess[] } | { ok: false; error: string };

/** pid, ppid, rss, time, then comm (and args). */
const HEADERLESS = /^\s*(\d+)\s+(\d+)()\s+(\d+)\s+(\d[\d:.-]*:\S*)\s(.*)$/;
/** pid, ppid, pgid, rss, time, then comm (and args). */
const HEADERLESS_PGID = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s(.*)$/;

/**
 * Parses headerless `ps -axo pid=,ppid=,rss=,time=,comm=` (names may hold spaces) or, with
 * `comm-args`, IdleWatt's PS_ARGS; either with or without `pgid=` after `ppid=` (told apart by the
 * first line: the time column holds a colon, the process group does not); and headed output such as
 * `ps aux` that users paste, by its column names.
 */
export function parsePs(text: string, layout: PsLayout = 'comm', names?: CommandNames): PsOutcome {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, error: 'empty output' };
  if (/\bPID\b/.test(lines[0]!)) return parseHeaded(lines);
  const pattern = HEADERLESS.test(lines[0]!) ? HEADERLESS : HEADERLESS_PGID;
  const processes: PsProcess[] = [];
  for (const line of lines) {
    const match = pattern.exec(line);
    const cpuSeconds = match ? parseCpuTime(match[5]!) : null;
    if (!match || cpuSeconds === null) {
      return { ok: false, error: `unexpected line '${line.trim().slice(0, 60)}'` };
    }
    const describe = layout === 'comm-args' ? commAndArgs : commOnly;
    const { name, command } = names ? names.of(match[6]!, describe) : describe(match[6]!);
    processes.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      pgid: match[3] === '' ? null : Number(match[3]),
      rssBytes: Number(match[4]) * 1024,
      cpuSeconds,
      name,
      command,
    });
  }
  names?.endRun();
  return { ok: true, value: processes };
}

type NameAndCommand = { name: string; command: string };

/**
 * Each process's name and command line by the text ps printed for them, kept from one run to the
 * next: a process's text rarely changes, and deriving a cut name from its arguments is most of the
 * cost of a line. What a run did not print is forgotten after it.
 */
export class CommandNames {
  private previous = new Map<string, NameAndCommand>();
  private current = new Map<string, NameAndCommand>();

  of(text: string, describe: (text: string) => NameAndCommand): NameAndCommand {
    let known = this.current.get(text) ?? this.previous.get(text);
    if (known === undefined) known = describe(text);
    this.current.set(text, known);
    return known;
  }

  endRun(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

function commOnly(rest: string): { name: string; command: string } {
  const command = rest.trim();
  return { name: baseName(command), command };
}

/**
 * `comm` is the first COMM_WIDTH characters (cut and padded), then one space, then `args`. A `comm`
 * shorter than that is whole and names the process; a cut one (all 16 characters used) does not, and
 * the command line's executable names it instead (`/opt/homebrew/Ce` → `ollama` from
 * `/opt/homebrew/bin/ollama serve`). An empty command line (a zombie, a kernel task) leaves `comm`.
 */
function commAndArgs(rest: string): { name: string; command: string } {
  const comm = rest.slice(0, COMM_WIDTH).trimEnd();
  const args = rest.slice(COMM_WIDTH).trim();
  if (args === '') return { name: baseName(comm), command: comm };
  const whole = comm.length < COMM_WIDTH;
  return { name: baseName(whole ? comm : executableOf(args)), command: args };
}

/** A column that should hold a count: its value, or null for anything else ('-', '1.2.3'). */
function wholeNumber(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : null;
}

const COMMAND_COLUMNS = new Set(['COMMAND', 'COMM', 'ARGS', 'CMD', 'UCOMM']);

function parseHeaded(lines: string[]): PsOutcome {
  const header = lines[0]!.trim().split(/\s+/);
  const commandIndex = header.findIndex((h) => COMMAND_COLUMNS.has(h));
  const index = (name: string): number => header.indexOf(name);
  if (index('PID') < 0 || commandIndex !== header.length - 1) {
    return { ok: false, error: 'headed ps output needs PID and a final COMMAND column' };
  }
  const processes: PsProcess[] = [];
  for (const line of lines.slice(1)) {
    const tokens = line.trim().split(/\s+/);
    // LSTART ("Mon Jan  1 12:00:00 2024") spans five tokens; fold it into one.
    const lstart = index('LSTART');
    if (lstart >= 0) tokens.splice(lstart, 5, tokens.slice(lstart, lstart + 5).join(' '));
    if (tokens.length < header.length)
      return { ok: false, error: `short line '${line.trim().slice(0, 60)}'` };
    const field = (name: string): string | undefined => (index(name) >= 0 ? tokens[index(name)] : undefined);
    const pid = Number(field('PID'));
    const time = field('TIME');
    const cpuSeconds = time === undefined ? null : parseCpuTime(time);
    if (!Number.isInteger(pid) || cpuSeconds === null) {
      return { ok: false, error: `unexpected line '${line.trim().slice(0, 60)}'` };
    }
    const ppid = field('PPID');
    const rssKb = wholeNumber(field('RSS'));
    const command = tokens.slice(commandIndex).join(' ');
    processes.push({
      pid,
      ppid: wholeNumber(ppid),
      pgid: wholeNumber(field('PGID')),
      rssBytes: rssKb === null ? null : rssKb * 1024,
      cpuSeconds,
      name: baseName(executableOf(command)),
      command,
    });
  }
  return { ok: true, value: processes };
}

/** ps cumulative CPU time: `[dd-][hh:]mm:ss[.cc]` (macOS prints minutes past 59, e.g. `123:45.67`). */
export function parseCpuTime(text: string): number | null {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) return null;
  const [, days, hours, minutes, seconds] = match;
  return Number(days ?? 0) * 86400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

const BUNDLE = /\.(app|appex|framework|xpc|bundle|plugin)$/;
const BUNDLE_INSIDE = /\.(app|appex|framework|xpc|bundle|plugin)\//;

/**
 * The executable of a command line whose path may hold spaces
 * (`/System/Library/CoreServices/Software Update.app/Contents/Resources/softwareupdated`,
 * `/Library/Application Support/X.app/…`): a following word continues the path when it leads into an
 * app, framework or other bundle; an argument (`-x`, `/other/path`, `560`) ends it. Elsewhere the
 * first word.
 */
export function executableOf(command: string): string {
  const words = command.split(' ');
  if (!words[0]!.startsWith('/')) return words[0]!;
  let end = 0;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('-') || word.startsWith('/')) break;
    const slash = word.indexOf('/');
    if (slash >= 0) {
      const component = [...words.slice(end + 1, i), word.slice(0, slash)].join(' ');
      if (!BUNDLE.test(component) && !BUNDLE_INSIDE.test(word.slice(slash))) break;
      end = i;
    }
  }
  const path = words.slice(0, end + 1).join(' ');
  // An app's executable is usually named like its bundle ("Microsoft Outlook.app/Contents/MacOS/
  // Microsoft Outlook"): when the words that follow spell that name, they are part of it.
  const bundle = /([^/]+)\.app\/Contents\/MacOS\/([^/]*)$/.exec(path);
  if (bundle && bundle[1]!.startsWith(`${bundle[2]} `)) {
    const rest = [bundle[2], ...words.slice(end + 1)].join(' ');
    if (rest === bundle[1] || rest.startsWith(`${bundle[1]} `)) {
      return `${path.slice(0, path.length - bundle[2]!.length)}${bundle[1]}`;
    }
  }
  return path;
}

function baseName(command: string): string {
  const slash = command.lastIndexOf('/');
  return slash >= 0 ? command.slice(slash + 1) : command;
}

/** `ps -M -p PIDS`: one line per thread, under a header. Lines without their pid belong to the pid above. */
export function parseThreadCounts(text: string, pids: ReadonlySet<number>): Map<number, number> {
  const counts = new Map<number, number>();
  let current: number | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || /\bPID\b/.test(line)) continue;
    const tokens = line.trim().split(/\s+/).slice(0, 2).map(Number);
    const pid = tokens.find((t) => pids.has(t));
    if (pid !== undefined) current = pid;
    if (current !== null) counts.set(current, (counts.get(current) ?? 0) + 1);
  }
  return counts;
}
