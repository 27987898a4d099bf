import { execa } from 'execa';
import type { CommandResult, CommandRunner } from './types.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** The real command runner: no shell, a timeout, bounded output, never rejects. */
export const runCommand: CommandRunner = async (file, args, options) => {
  try {
    const result = await execa(file, [...args], {
      reject: false,
      timeout: options?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBuffer: MAX_OUTPUT_BYTES,
      stdin: 'ignore',
      encoding: 'utf8',
      env: { LC_ALL: 'C' },
    });
    const out: CommandResult = {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? null,
    };
    if (result.timedOut) out.failure = 'timeout';
    else if (result.failed && result.exitCode === undefined) out.failure = failureOf(result);
    return out;
  } catch (error) {
    return { stdout: '', stderr: '', exitCode: null, failure: (error as Error).message };
  }
};

function failureOf(result: { code?: string; message?: string }): string {
  if (result.code === 'ENOENT') return 'not-found';
  if (result.code === 'EACCES') return 'permission';
  return result.message ?? 'failed';
}
