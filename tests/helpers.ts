import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../main/cli/io.js';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES = join(REPO_ROOT, 'tests', 'fixtures');

/** A temp directory removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'idlewatt-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A CLI io that records what a command printed. */
export function recordingIo(stdin = ''): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    readStdin: async () => stdin,
    isTTY: false,
  };
}
