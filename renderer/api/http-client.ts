import type { BaselinePinRequest, BaselineState } from '../../main/contract/baseline.js';
import type { AlertEvent, SnoozeRequest, SnoozeState } from '../../main/contract/alerts.js';
import type {
  ConnectionState,
  MonitorApi,
  MonitorStatus,
  MonitorSubscriber,
  PowerPermission,
  SettingsUpdateResult,
  UnloadResult,
} from '../../main/contract/api.js';
import type {
  HistoryPoint,
  HistoryQuery,
  ServiceHistoryQuery,
  ServicePoint,
} from '../../main/contract/history.js';
import { ApiError, HTTP_ROUTES, HTTP_STREAM_PATH, readApiResponse } from '../../main/contract/http.js';
import type { CompareResult, Report, TimeRange } from '../../main/contract/report.js';
import type { CollectorHealth, Sample, ServiceSample } from '../../main/contract/sample.js';
import type { Settings } from '../../main/contract/settings.js';

/** The browser pieces the client needs; injectable so the client can be tested in node. */
export interface HttpTransport {
  fetch: typeof fetch;
  /** Opens the event stream and calls the handlers; returns a way to close it. */
  openStream(url: string, handlers: StreamHandlers): { close(): void };
}

export interface StreamHandlers {
  open(): void;
  error(): void;
  message(event: 'sample' | 'alert', data: string): void;
}

type Route = (typeof HTTP_ROUTES)[keyof typeof HTTP_ROUTES];
type Query = Record<string, string | number>;

export { ApiError };

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

const rangeParam = (range: TimeRange): string => `${Math.round(range.from)}..${Math.round(range.to)}`;

/**
 * MonitorApi over the loopback HTTP API + SSE (the headless monitor serves this page at /, so
 * requests are same-origin and authenticated by the HttpOnly cookie it set).
 */
export function createHttpClient(baseUrl: string, transport: HttpTransport): MonitorApi {
  const base = baseUrl.replace(/\/+$/, '');

  async function call<T>(route: Route, options: { path?: string; query?: Query; body?: unknown } = {}) {
    const url = base + withQuery(options.path ?? route.path, options.query);
    const init: RequestInit = {
      method: route.method,
      credentials: 'same-origin',
      headers:
        options.body === undefined
          ? { accept: 'application/json' }
          : {
              accept: 'application/json',
              'content-type': 'application/json',
            },
    };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    let response: Response;
    try {
      response = await transport.fetch(url, init);
    } catch (e) {
      throw new ApiError(`The IdleWatt monitor is unreachable (${(e as Error).message})`, null);
    }
    return readApiResponse<T>(response, route.path);
  }

  function subscribe(subscriber: MonitorSubscriber): () => void {
    let connected: boolean | null = null;
    const report = (state: ConnectionState) => {
      if (state.connected === connected) return;
      connected = state.connected;
      subscriber.onConnection?.(state);
    };
    const parse = <T>(kind: string, data: string): T | null => {
      try {
        return JSON.parse(data) as T;
      } catch {
        console.warn(`IdleWatt: ignored a ${kind} event that was not JSON`);
        return null;
      }
    };
    let stream: { close(): void };
    try {
      stream = transport.openStream(base + HTTP_STREAM_PATH, {
        open: () => report({ connected: true }),
        error: () =>
          report({ connected: false, detail: 'The live stream from the monitor was interrupted; retrying.' }),
        message: (event, data) => {
          if (event === 'sample') {
            const sample = parse<Sample>('sample', data);
            if (sample) {
              report({ connected: true });
              subscriber.onSample?.(sample);
            }
          } else {
            const alert = parse<AlertEvent>('alert', data);
            if (alert) subscriber.onAlert?.(alert);
          }
        },
      });
    } catch (e) {
      report({ connected: false, detail: (e as Error).message });
      return () => {};
    }
    return () => stream.close();
  }

  return {
    getStatus: () => call<MonitorStatus>(HTTP_ROUTES.getStatus),
    getLatest: () => call<Sample | null>(HTTP_ROUTES.getLatest),
    getHistory: (q: HistoryQuery) =>
      call<HistoryPoint[]>(HTTP_ROUTES.getHistory, { query: { from: q.from, to: q.to, points: q.points } }),
    getServiceHistory: (q: ServiceHistoryQuery) =>
      call<ServicePoint[]>(HTTP_ROUTES.getServiceHistory, {
        path: HTTP_ROUTES.getServiceHistory.path.replace(':id', encodeURIComponent(q.serviceId)),
        query: { from: q.from, to: q.to, points: q.points },
      }),
    getServices: () => call<ServiceSample[]>(HTTP_ROUTES.getServices),
    getCollectors: () => call<CollectorHealth[]>(HTTP_ROUTES.getCollectors),
    getAlerts: (q: { since?: number }) =>
      call<AlertEvent[]>(HTTP_ROUTES.getAlerts, q.since === undefined ? {} : { query: { since: q.since } }),
    snoozeAlerts: (request: SnoozeRequest) => call<SnoozeState>(HTTP_ROUTES.snoozeAlerts, { body: request }),
    getSettings: () => call<Settings>(HTTP_ROUTES.getSettings),
    updateSettings: async (settings: Settings): Promise<SettingsUpdateResult> => {
      try {
        const saved = await call<Settings>(HTTP_ROUTES.updateSettings, { body: settings });
        return { ok: true, settings: saved };
      } catch (e) {
        if (e instanceof ApiError && e.status === 400 && e.fields.length > 0) {
          return { ok: false, errors: e.fields };
        }
        throw e;
      }
    },
    getReport: (range: TimeRange) =>
      call<Report>(HTTP_ROUTES.getReport, {
        query: { from: Math.round(range.from), to: Math.round(range.to) },
      }),
    compare: (before: TimeRange, after: TimeRange) =>
      call<CompareResult>(HTTP_ROUTES.compare, {
        query: { before: rangeParam(before), after: rangeParam(after) },
      }),
    unloadOllama: () => call<UnloadResult>(HTTP_ROUTES.unloadOllama, { body: {} }),
    requestPowerPermission: () => call<PowerPermission>(HTTP_ROUTES.requestPowerPermission, { body: {} }),
    getBaseline: () => call<BaselineState>(HTTP_ROUTES.getBaseline),
    pinBaseline: (request: BaselinePinRequest) =>
      call<BaselineState>(HTTP_ROUTES.pinBaseline, { body: request }),
    subscribe,
  };
}

/** The client for the page's own origin, using the browser's fetch and EventSource. */
export function createBrowserHttpClient(origin: string): MonitorApi {
  return createHttpClient(origin, {
    fetch: (input, init) => fetch(input, init),
    openStream(url, handlers) {
      const source = new EventSource(url, { withCredentials: true });
      source.onopen = () => handlers.open();
      source.onerror = () => handlers.error();
      source.addEventListener('sample', (event) =>
        handlers.message('sample', String((event as MessageEvent).data)),
      );
      source.addEventListener('alert', (event) =>
        handlers.message('alert', String((event as MessageEvent).data)),
      );
      return { close: () => source.close() };
    },
  });
}
