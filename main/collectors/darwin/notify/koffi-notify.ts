import { errorText, type Fn, type KoffiLoader, loadKoffi } from '../koffi-load.js';
import type { NotifyOpenResult, NotifyStateRead } from './ports.js';

/**
 * libSystem's notify(3) calls through koffi, the way angristan/MacThrottle
 * (`Services/ThermalPressureReader.swift`) reads the thermal pressure key without root: register a
 * check token once, then `notify_get_state` per read, `notify_cancel` at the end. koffi is required
 * only when a Mac opens the port.
 */
const LIB_SYSTEM = '/usr/lib/libSystem.B.dylib';

/** C prototypes from <notify.h>, in koffi's syntax (status codes are uint32_t; tokens are int). */
export const NOTIFY_PROTOTYPES = {
  notify_register_check: 'uint32_t notify_register_check(const char *name, _Out_ int *out_token)',
  notify_get_state: 'uint32_t notify_get_state(int token, _Out_ uint64_t *state64)',
  notify_cancel: 'uint32_t notify_cancel(int token)',
} as const;

const NOTIFY_STATUS_OK = 0;

/** Opens notify(3). Never throws: on Linux or without koffi's darwin package the result says why. */
export function openKoffiNotify(
  platform: NodeJS.Platform = process.platform,
  load: KoffiLoader = loadKoffi,
): NotifyOpenResult {
  if (platform !== 'darwin') {
    return { ok: false, reason: 'unsupported', detail: 'notify(3) thermal pressure exists only on macOS' };
  }
  let fns: Record<keyof typeof NOTIFY_PROTOTYPES, Fn>;
  try {
    const lib = load().load(LIB_SYSTEM);
    fns = {
      notify_register_check: lib.func(NOTIFY_PROTOTYPES.notify_register_check) as Fn,
      notify_get_state: lib.func(NOTIFY_PROTOTYPES.notify_get_state) as Fn,
      notify_cancel: lib.func(NOTIFY_PROTOTYPES.notify_cancel) as Fn,
    };
  } catch (error) {
    return { ok: false, reason: 'unsupported', detail: `notify(3) could not be loaded: ${errorText(error)}` };
  }
  const tokens = new Map<string, number>();
  const call = (name: keyof typeof NOTIFY_PROTOTYPES, ...args: unknown[]): number | string => {
    try {
      return Number(fns[name](...args));
    } catch (error) {
      return errorText(error);
    }
  };
  return {
    ok: true,
    port: {
      getState(name): NotifyStateRead {
        let token = tokens.get(name);
        if (token === undefined) {
          const out = [0];
          const status = call('notify_register_check', name, out);
          if (status !== NOTIFY_STATUS_OK)
            return { ok: false, error: `notify_register_check: ${statusText(status)}` };
          token = out[0]!;
          tokens.set(name, token);
        }
        const state: unknown[] = [0];
        const status = call('notify_get_state', token, state);
        if (status !== NOTIFY_STATUS_OK)
          return { ok: false, error: `notify_get_state: ${statusText(status)}` };
        return stateValue(state[0]);
      },
      close() {
        for (const token of tokens.values()) call('notify_cancel', token);
        tokens.clear();
      },
    },
  };
}

const statusText = (status: number | string): string =>
  typeof status === 'number' ? `status ${status}` : status;

/** koffi hands a uint64_t back as a number, or a BigInt past 2^53. */
export function stateValue(raw: unknown): NotifyStateRead {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return { ok: true, state: raw };
  if (typeof raw === 'bigint' && raw >= 0n && raw <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: true, state: Number(raw) };
  }
  return { ok: false, error: `notify state ${String(raw)} is not a small unsigned integer` };
}
