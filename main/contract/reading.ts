/** Why a figure is missing. `permission`: exists but unreadable; `unsupported`: not on this platform or hardware. */
export type AbsentReason =
  'not-present' | 'permission' | 'unsupported' | 'disabled' | 'no-data' | 'warming-up';

/**
 * The result of reading one source. A collector never throws: absence and failure are values, so
 * one missing source can never stop a tick, and the UI can say why a figure is unknown instead of
 * showing 0.
 */
export type Reading<T> =
  | { status: 'ok'; value: T; at: number }
  | { status: 'absent'; reason: AbsentReason; detail?: string }
  | { status: 'error'; message: string };

export const ok = <T>(value: T, at: number): Reading<T> => ({ status: 'ok', value, at });
export const absent = <T = never>(reason: AbsentReason, detail?: string): Reading<T> =>
  detail === undefined ? { status: 'absent', reason } : { status: 'absent', reason, detail };
export const failed = <T = never>(message: string): Reading<T> => ({ status: 'error', message });

export function valueOf<T>(reading: Reading<T> | undefined): T | undefined {
  return reading?.status === 'ok' ? reading.value : undefined;
}
