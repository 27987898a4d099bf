import type { MonitorApiMethod } from './api.js';
import type { FieldError } from './settings.js';

/**
 * How each MonitorApi method maps onto the loopback HTTP API (headless monitor and the app).
 * The server routes and the renderer's HTTP client are both derived from this table.
 * Query values are strings; times are epoch milliseconds.
 */
export const HTTP_ROUTES = {
  getStatus: { method: 'GET', path: '/api/status' },
  getLatest: { method: 'GET', path: '/api/sample/latest' },
  /** ?from=&to=&points= ; `/api/system/power/history` wraps the same points as `{history, count}`. */
  getHistory: { method: 'GET', path: '/api/history' },
  /** ?from=&to=&points= ; the service id is the path segment. */
  getServiceHistory: { method: 'GET', path: '/api/services/:id/history' },
  getServices: { method: 'GET', path: '/api/services' },
  getCollectors: { method: 'GET', path: '/api/collectors' },
  /** ?since= */
  getAlerts: { method: 'GET', path: '/api/alerts' },
  /** body: SnoozeRequest */
  snoozeAlerts: { method: 'POST', path: '/api/alerts/snooze' },
  getSettings: { method: 'GET', path: '/api/settings' },
  /** body: Settings; 400 with {error, detail, fields: FieldError[]} when invalid */
  updateSettings: { method: 'PUT', path: '/api/settings' },
  /** ?from=&to= or ?since=24h */
  getReport: { method: 'GET', path: '/api/report' },
  /** ?before=FROM..TO&after=FROM..TO (epoch ms or ISO) */
  compare: { method: 'GET', path: '/api/compare' },
  unloadOllama: { method: 'POST', path: '/api/services/ollama/unload' },
  requestPowerPermission: { method: 'POST', path: '/api/power/permission' },
  getBaseline: { method: 'GET', path: '/api/baseline' },
  /** body: {} to pin the last minute, {"clear": true} to remove the pin */
  pinBaseline: { method: 'POST', path: '/api/baseline/pin' },
} as const satisfies Record<MonitorApiMethod, { method: 'GET' | 'POST' | 'PUT'; path: string }>;

/** Server-sent events: `event: sample` / `event: alert` with JSON data; `: heartbeat` comments. */
export const HTTP_STREAM_PATH = '/api/stream';

/** Every API error body. */
export interface HttpErrorBody {
  error: string;
  detail: string;
  fields?: { field: string; reason: string }[];
}

/** An API error whose message is for people; `fields` is set on a 400 that names fields. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ApiError for a non-2xx answer, from its {error, detail, fields} body when it has one. */
export function apiErrorFromBody(status: number, body: unknown): ApiError {
  if (isObject(body) && typeof body.error === 'string') {
    const b = body as Partial<HttpErrorBody>;
    const fields = Array.isArray(b.fields)
      ? b.fields.filter(
          (f): f is FieldError => isObject(f) && typeof f.field === 'string' && typeof f.reason === 'string',
        )
      : [];
    const detail = typeof b.detail === 'string' && b.detail ? `: ${b.detail}` : '';
    return new ApiError(`${b.error}${detail}`, status, fields);
  }
  return new ApiError(`The monitor answered HTTP ${status}`, status);
}

/** The JSON body of an API answer: an ApiError for a non-2xx status, or for a 2xx that is not JSON. */
export async function readApiResponse<T>(response: Response, path: string): Promise<T> {
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      if (response.ok) throw new ApiError(`${path} answered with invalid JSON`, response.status);
    }
  }
  if (!response.ok) throw apiErrorFromBody(response.status, body);
  return body as T;
}
