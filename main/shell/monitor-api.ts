import { MONITOR_API_METHODS, type MonitorApi } from '../contract/index.js';

/**
 * A plain object calling through to `api` (which may be a class instance whose methods live on its
 * prototype), so wrappers can replace single methods with a spread.
 */
export function delegateMonitorApi(api: MonitorApi): MonitorApi {
  const methods = Object.fromEntries(
    MONITOR_API_METHODS.map((method) => [
      method,
      (...args: unknown[]) => (api[method] as (...a: unknown[]) => unknown).apply(api, args),
    ]),
  ) as Omit<MonitorApi, 'subscribe'>;
  return { ...methods, subscribe: (subscriber) => api.subscribe(subscriber) };
}
