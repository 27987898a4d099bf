/**
 * The small interface between the notify(3) thermal collector and the machine: libSystem through
 * koffi on a Mac, a recording anywhere, a fake in tests. Calls are synchronous and never throw.
 */
export type NotifyStateRead = { ok: true; state: number } | { ok: false; error: string };

export interface NotifyPort {
  /** The 64-bit state last posted under `name` (notify_register_check once, then notify_get_state). */
  getState(name: string): NotifyStateRead;
  /** notify_cancel for every registered name. */
  close(): void;
}

export type NotifyOpenResult =
  { ok: true; port: NotifyPort } | { ok: false; reason: 'unsupported' | 'no-data'; detail: string };

export type NotifyOpener = () => NotifyOpenResult;
