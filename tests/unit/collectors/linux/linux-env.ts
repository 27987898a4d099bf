import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Reading } from '../../../../main/contract/index.js';
import type {
  CollectorEnv,
  CollectRequest,
  CommandResult,
  CommandRunner,
  Observation,
} from '../../../../main/collectors/types.js';
import { FIXTURES, REPO_ROOT, tempDir } from '../../../helpers.js';

export const NODE_EXPORTER_SYS = join(FIXTURES, 'sysfs', 'node_exporter', 'sys');
export const PROCFS_SYS = join(FIXTURES, 'sysfs', 'procfs', 'sys');
export const PROCFS_PROC = join(FIXTURES, 'procfs', 'procfs', 'proc');

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let at = start;
  return { now: () => at, advance: (ms) => void (at += ms) };
}

export const noCommands: CommandRunner = async () => ({
  stdout: '',
  stderr: '',
  exitCode: null,
  failure: 'not-found',
});

/** Answers each command from a table keyed by `file args…`; anything else is not installed. */
export function scriptedRunner(answers: Record<string, Partial<CommandResult>>): CommandRunner & {
  calls: string[];
} {
  const calls: string[] = [];
  const runner = async (file: string, args: readonly string[]) => {
    const key = [file, ...args].join(' ');
    calls.push(key);
    const answer = answers[key] ?? answers[file];
    if (!answer) return { stdout: '', stderr: '', exitCode: null, failure: 'not-found' };
    return { stdout: '', stderr: '', exitCode: 0, ...answer };
  };
  return Object.assign(runner, { calls });
}

export function linuxEnv(overrides: Partial<CollectorEnv> = {}): CollectorEnv {
  return {
    sysRoot: '/nonexistent-sys',
    procRoot: '/nonexistent-proc',
    exec: noCommands,
    now: () => 1_700_000_000_000,
    fetch: (async () => {
      throw new Error('no network in collector tests');
    }) as typeof fetch,
    ...overrides,
  };
}

export function request(overrides: Partial<CollectRequest> = {}): CollectRequest {
  return { slow: false, watchPids: new Set(), servicePorts: new Set(), ...overrides };
}

/** Writes files (and `->target` symlinks) under root: `{ 'class/x/name': 'package-0\n' }`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), full);
    else writeFileSync(full, content);
  }
}

export function expectOk(reading: Reading<Observation>): Observation {
  if (reading.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(reading)}`);
  return reading.value;
}

/**
 * Runs an ESM snippet as an unprivileged user (nobody) when the tests run as root, so that a
 * mode-000 file really is unreadable; prints what the snippet writes to stdout. `REPO` in the
 * snippet is the repository root.
 */
export function runUnprivileged(
  t: { after(fn: () => void): void },
  snippet: string,
): { ok: true; stdout: string } | { ok: false; reason: string } {
  const dir = tempDir(t, 'idlewatt-unpriv-');
  chmodSync(dir, 0o755);
  const file = join(dir, 'snippet.mjs');
  writeFileSync(file, `const REPO = ${JSON.stringify(REPO_ROOT)};\n${snippet}`);
  chmodSync(file, 0o644);
  const asRoot = process.getuid?.() === 0;
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  if (result.status !== 0) return { ok: false, reason: `snippet failed: ${result.stderr || result.error}` };
  return { ok: true, stdout: result.stdout };
}
