import { MONITOR_API_METHODS, type MonitorApi } from '../../main/contract/api.js';
import { createBrowserHttpClient } from './http-client.js';

export type ApiKind = 'ipc' | 'http' | 'none';

export interface SelectedApi {
  kind: ApiKind;
  api: MonitorApi;
  /** Where the HTTP client talks to (null for IPC). */
  origin: string | null;
}

/** True when `candidate` carries every MonitorApi method (what the Electron preload exposes). */
export function isMonitorApi(candidate: unknown): candidate is MonitorApi {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const record = candidate as Record<string, unknown>;
  return [...MONITOR_API_METHODS, 'subscribe'].every((name) => typeof record[name] === 'function');
}

/** A MonitorApi whose every call fails with one reason: used when the page has no backend at all. */
export function unavailableApi(reason: string): MonitorApi {
  const fail = () => Promise.reject(new Error(reason));
  const methods = Object.fromEntries(MONITOR_API_METHODS.map((m) => [m, fail])) as unknown as Omit<
    MonitorApi,
    'subscribe'
  >;
  return {
    ...methods,
    subscribe(subscriber) {
      subscriber.onConnection?.({ connected: false, detail: reason });
      return () => {};
    },
  };
}

/**
 * Picks the transport: the preload's `window.idlewatt` inside Electron, otherwise HTTP + SSE to the
 * monitor that served this page.
 */
export function selectApi(win: {
  idlewatt?: unknown;
  location: { protocol: string; origin: string };
}): SelectedApi {
  if (isMonitorApi(win.idlewatt)) return { kind: 'ipc', api: win.idlewatt, origin: null };
  if (win.location.protocol === 'http:' || win.location.protocol === 'https:') {
    return { kind: 'http', api: createBrowserHttpClient(win.location.origin), origin: win.location.origin };
  }
  return {
    kind: 'none',
    api: unavailableApi(
      'This page was opened without a monitor. Start `idlewatt monitor` and open the address it prints.',
    ),
    origin: null,
  };
}
