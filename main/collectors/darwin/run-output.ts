import { absent, failed, type Reading } from '../../contract/index.js';
import type { CommandResult } from '../types.js';

/** A command that could not give output, as a reading: missing tool → absent, anything else → error. */
export function unusable<T>(tool: string, result: CommandResult): Reading<T> | null {
  if (result.failure === 'not-found') return absent('not-present', `${tool} not found`);
  if (result.failure === 'permission') return absent('permission', `${tool} not permitted`);
  if (result.failure !== undefined) return failed(`${tool}: ${result.failure}`);
  if (result.exitCode !== 0 && result.stdout.trim() === '') {
    return failed(`${tool} exited ${result.exitCode}: ${result.stderr.trim().split('\n')[0] ?? ''}`);
  }
  return null;
}
