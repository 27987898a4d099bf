import {
  describeFieldErrors,
  SETTINGS_FILE_FIELD,
  HTTP_ROUTES,
  isServiceId,
  MAX_HISTORY_POINTS,
  MONITOR_API_METHODS,
  SERVICE_ID_RULE,
  validateBaselinePin,
  validateSettings,
  validateSnoozeRequest,
  validateUnloadRequest,
  type FieldError,
  type MonitorApi,
  type HistoryPoint,
  type MonitorApiMethod,
  type Sample,
  type TimeRange,
} from '../contract/index.js';
import { badRequest, HttpError, notFound } from './errors.js';
import { checkOrder, parseInteger, parseRange, parseSince, parseTime, required } from './query.js';
import {
  buildSystemSummary,
  idleView,
  powerView,
  processesView,
  thermalView,
  type RecentSamples,
} from './summary.js';

export interface RouteContext {
  params: Record<string, string>;
  /** Already checked against the route's allowed parameter names. */
  query: Map<string, string>;
  /** With `optional`, an empty body reads as undefined instead of a 400. */
  readJson(options?: { optional?: boolean }): Promise<unknown>;
}

export interface RouteResult {
  status?: number;
  /** Either a value to serialise or already-serialised JSON (cached answers). */
  body?: unknown;
  json?: string;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query: readonly string[];
  handle(ctx: RouteContext): Promise<RouteResult>;
}

export interface RouteDeps {
  api: MonitorApi;
  recent: RecentSamples;
  /** Wall clock, used only before the first sample (afterwards "now" is the latest sample's time). */
  now: () => number;
}

/** The UnaMentis plan's `/api/system/power/history` answers its newest 100 points unless asked otherwise. */
const DEFAULT_HISTORY_LIMIT = 100;
const DEFAULT_REPORT_SINCE = '24h';

function noSample(): HttpError {
  return new HttpError(
    503,
    'no-sample',
    'no sample yet: the first one arrives within one sampling interval',
    undefined,
    {
      'Retry-After': '5',
    },
  );
}

function optionalTime(query: Map<string, string>, name: string): number | undefined {
  const value = query.get(name);
  return value === undefined ? undefined : parseTime(name, value);
}

function rangeQuery(
  query: Map<string, string>,
  now: number,
  defaultSpanMs: number,
): TimeRange & { points: number } {
  const to = optionalTime(query, 'to') ?? now;
  const from = optionalTime(query, 'from') ?? to - defaultSpanMs;
  const points = query.has('points')
    ? parseInteger('points', query.get('points')!, 1, MAX_HISTORY_POINTS)
    : 300;
  checkOrder('from/to', { from, to });
  return { from, to, points };
}

/** One handler per MonitorApi method; `satisfies` makes a method missing from the table a type error. */
function monitorHandlers(deps: RouteDeps) {
  const { api, recent } = deps;
  const now = () => recent.latest?.at ?? deps.now();
  const handlers = {
    getStatus: { query: [], handle: async () => ({ body: await api.getStatus() }) },
    getLatest: { query: [], handle: async () => ({ body: await api.getLatest() }) },
    getHistory: {
      query: ['from', 'to', 'points'],
      handle: async ({ query }) => ({ body: await api.getHistory(rangeQuery(query, now(), 3_600_000)) }),
    },
    getServiceHistory: {
      query: ['from', 'to', 'points'],
      handle: async ({ params, query }) => {
        const serviceId = params.id ?? '';
        if (!isServiceId(serviceId)) {
          throw badRequest(`'${serviceId.slice(0, 40)}' is not a service id`, [
            { field: 'id', reason: SERVICE_ID_RULE },
          ]);
        }
        const settings = await api.getSettings();
        if (!settings.services.some((s) => s.id === serviceId)) throw notFound(`no service '${serviceId}'`);
        return { body: await api.getServiceHistory({ serviceId, ...rangeQuery(query, now(), 3_600_000) }) };
      },
    },
    getServices: { query: [], handle: async () => ({ body: await api.getServices() }) },
    getCollectors: { query: [], handle: async () => ({ body: await api.getCollectors() }) },
    getAlerts: {
      query: ['since'],
      handle: async ({ query }) => {
        const since = query.get('since');
        return {
          body: await api.getAlerts(since === undefined ? {} : { since: parseSince('since', since, now()) }),
        };
      },
    },
    snoozeAlerts: {
      query: [],
      handle: async ({ readJson }) => {
        const checked = validateSnoozeRequest(await readJson());
        if (!checked.ok) throw badRequest(describeFields(checked.errors), checked.errors);
        const serviceId = checked.value.serviceId;
        if (serviceId !== undefined && !(await api.getSettings()).services.some((s) => s.id === serviceId)) {
          // The id is well formed but names no monitored service: a bad request, not a silent no-op.
          throw badRequest(`serviceId: no monitored service '${serviceId}'`, [
            { field: 'serviceId', reason: `no monitored service '${serviceId}'` },
          ]);
        }
        return { body: await api.snoozeAlerts(checked.value) };
      },
    },
    getSettings: { query: [], handle: async () => ({ body: await api.getSettings() }) },
    updateSettings: {
      query: [],
      handle: async ({ readJson }) => {
        const checked = validateSettings(await readJson());
        if (!checked.ok) throw badRequest(describeFields(checked.errors), checked.errors);
        const result = await api.updateSettings(checked.value);
        if (!result.ok) {
          // Valid settings that could not be written are the server's problem, not the request's.
          const unsaved = result.errors.find((e) => e.field === SETTINGS_FILE_FIELD);
          if (unsaved) {
            const full = /ENOSPC|EDQUOT/.test(unsaved.reason);
            throw new HttpError(full ? 507 : 500, 'settings-not-saved', `the settings ${unsaved.reason}`);
          }
          throw badRequest(describeFields(result.errors), result.errors);
        }
        return { body: result.settings };
      },
    },
    getReport: {
      query: ['since', 'from', 'to'],
      handle: async ({ query }) => {
        if (query.has('since') && query.has('from')) {
          throw badRequest("use either 'since' or 'from'/'to', not both", [
            { field: 'since', reason: 'cannot be combined with from' },
          ]);
        }
        const to = optionalTime(query, 'to') ?? now();
        const from = query.has('from')
          ? parseTime('from', query.get('from')!)
          : parseSince('since', query.get('since') ?? DEFAULT_REPORT_SINCE, to);
        checkOrder('from/to', { from, to });
        return { body: await api.getReport({ from, to }) };
      },
    },
    compare: {
      query: ['before', 'after'],
      handle: async ({ query }) => {
        const before = parseRange('before', required(query, 'before'));
        const after = parseRange('after', required(query, 'after'));
        return { body: await api.compare(before, after) };
      },
    },
    unloadOllama: {
      query: [],
      handle: async ({ readJson }) => {
        const checked = validateUnloadRequest(await readJson({ optional: true }));
        if (!checked.ok) throw badRequest(describeFields(checked.errors), checked.errors);
        return { body: await api.unloadOllama(checked.value) };
      },
    },
    requestPowerPermission: { query: [], handle: async () => ({ body: await api.requestPowerPermission() }) },
    getBaseline: { query: [], handle: async () => ({ body: await api.getBaseline() }) },
    pinBaseline: {
      query: [],
      handle: async ({ readJson }) => {
        const body = await readJson();
        const checked = validateBaselinePin(body);
        if (!checked.ok) throw badRequest(describeFields(checked.errors), checked.errors);
        try {
          return { body: await api.pinBaseline(checked.value) };
        } catch (error) {
          throw new HttpError(409, 'no-power-reading', (error as Error).message);
        }
      },
    },
  } satisfies Record<MonitorApiMethod, Pick<ApiRoute, 'query' | 'handle'>>;
  return handlers;
}

function describeFields(errors: readonly FieldError[]): string {
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return `invalid body: ${describeFieldErrors(errors.slice(0, 3))}${more}`;
}

/** The latest-sample views agents ask for; the summary is serialised once per sample. */
function agentRoutes(deps: RouteDeps): ApiRoute[] {
  const { api, recent } = deps;
  let cached: { sample: Sample; json: string } | null = null;
  const latestOr503 = (): Sample => recent.latest ?? fail(noSample());
  const view = (build: (sample: Sample) => unknown) => async (): Promise<RouteResult> => ({
    body: build(latestOr503()),
  });
  return [
    {
      method: 'GET',
      path: '/api/system/metrics',
      query: [],
      handle: async () => {
        const latest = latestOr503();
        if (cached?.sample !== latest) {
          const status = await api.getStatus();
          cached = {
            sample: latest,
            json: JSON.stringify(buildSystemSummary(recent.all, status.historyLength)),
          };
        }
        return { json: cached.json };
      },
    },
    {
      method: 'GET',
      path: '/api/system/power/history',
      query: ['limit', 'from', 'to', 'points'],
      handle: async ({ query }) => {
        const history = await powerHistory(deps, query);
        return { body: { history, count: history.length } };
      },
    },
    { method: 'GET', path: '/api/system/power', query: [], handle: view(powerView) },
    { method: 'GET', path: '/api/system/thermal', query: [], handle: view(thermalView) },
    { method: 'GET', path: '/api/system/processes', query: [], handle: view(processesView) },
    { method: 'GET', path: '/api/idle', query: [], handle: view(idleView) },
  ];
}

/**
 * The newest `limit` points (default 100, the plan's shape), or a from/to/points range like `/api/history`.
 * Limited points are raw samples where the history still has them: one interval each.
 */
async function powerHistory(deps: RouteDeps, query: Map<string, string>): Promise<HistoryPoint[]> {
  const { api, recent } = deps;
  const now = recent.latest?.at ?? deps.now();
  const ranged = query.has('from') || query.has('to') || query.has('points');
  if (ranged) {
    if (query.has('limit')) {
      throw badRequest("use either 'limit' or 'from'/'to'/'points', not both", [
        { field: 'limit', reason: 'cannot be combined with from/to/points' },
      ]);
    }
    return api.getHistory(rangeQuery(query, now, 3_600_000));
  }
  const limit = query.has('limit')
    ? parseInteger('limit', query.get('limit')!, 1, MAX_HISTORY_POINTS)
    : DEFAULT_HISTORY_LIMIT;
  const intervalMs = recent.latest?.intervalMs || (await api.getSettings()).sampling.intervalSeconds * 1000;
  // One interval of slack so the newest N raw points all fall inside the range.
  const points = await api.getHistory({ from: now - (limit + 1) * intervalMs, to: now, points: limit });
  return points.slice(-limit);
}

function fail(error: HttpError): never {
  throw error;
}

export function buildApiRoutes(deps: RouteDeps): ApiRoute[] {
  const handlers = monitorHandlers(deps);
  const derived: ApiRoute[] = MONITOR_API_METHODS.map((method) => ({
    method: HTTP_ROUTES[method].method,
    path: HTTP_ROUTES[method].path,
    query: handlers[method].query,
    handle: handlers[method].handle as ApiRoute['handle'],
  }));
  return [...derived, ...agentRoutes(deps)];
}

export interface RouteMatch {
  route: ApiRoute;
  params: Record<string, string>;
}

/** Finds the route for a path; `allowed` lists the methods of that path when the method is wrong. */
export function matchRoute(
  routes: readonly ApiRoute[],
  method: string,
  pathname: string,
): { match: RouteMatch | null; allowed: string[] } {
  const segments = pathname.split('/');
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path.split('/'), segments);
    if (params === null) continue;
    if (route.method === method) return { match: { route, params }, allowed: [] };
    allowed.push(route.method);
  }
  return { match: null, allowed };
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      if (s === '') return null;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
      } catch {
        return null;
      }
    } else if (p !== s) {
      return null;
    }
  }
  return params;
}
