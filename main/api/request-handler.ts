import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HTTP_STREAM_PATH } from '../contract/index.js';
import type { PrometheusMetrics } from '../exporters/prometheus.js';
import { sessionCookieHeader, tokensEqual } from './auth.js';
import { readJsonBody } from './body.js';
import {
  BASE_HEADERS,
  HttpError,
  internalError,
  methodNotAllowed,
  notFound,
  sendError,
  sendJson,
  sendJsonText,
  unauthorized,
} from './errors.js';
import { checkRequest, requireAuth } from './guards.js';
import { isLoopbackAddress } from './host-check.js';
import { readQuery } from './query.js';
import { matchRoute, type ApiRoute } from './routes.js';
import type { SseHub } from './sse.js';
import { serveStatic } from './static-files.js';
import type { RecentSamples } from './summary.js';

export interface RequestHandlerOptions {
  routes: readonly ApiRoute[];
  hub: SseHub;
  recent: RecentSamples;
  token: string;
  /** The port listened on (known only once listening). */
  port: () => number;
  extraHosts: readonly string[];
  /** With --host 0.0.0.0 or ::, a Host naming the address the request came in on is allowed. */
  acceptLocalAddress?: boolean;
  metrics: PrometheusMetrics | null;
  staticDir: string | null;
  log: (line: string) => void;
}

/**
 * Answers one request after the guards: `/metrics`, the event stream, the `/api` routes or the
 * dashboard. Every failure becomes a JSON error; unexpected ones are logged.
 */
export function createRequestHandler(o: RequestHandlerOptions): RequestListener {
  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hosts = o.acceptLocalAddress
      ? [...o.extraHosts, plainAddress(req.socket.localAddress)]
      : o.extraHosts;
    const url = checkRequest(req, o.port(), hosts);
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/metrics') return serveMetrics(req, res, method, url);
    if (path === HTTP_STREAM_PATH) return serveStream(req, res, method, url);
    if (path === '/api' || path.startsWith('/api/')) return serveApi(req, res, method, url);
    return serveDashboard(res, method, url);
  }

  async function serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    // The token first: without it nothing, not even which routes exist, is revealed.
    requireAuth(req, o.token, o.port());
    const { match, allowed } = matchRoute(o.routes, method, url.pathname);
    if (!match) {
      if (allowed.length > 0) throw methodNotAllowed(method, allowed);
      throw notFound(`no endpoint ${url.pathname}; see the README's "HTTP API for agents"`);
    }
    const route: ApiRoute = match.route;
    const query = readQuery(url.searchParams, route.query);
    const result = await route.handle({
      params: match.params,
      query,
      readJson: (options) => readJsonBody(req, options),
    });
    req.resume();
    if (result.json !== undefined) sendJsonText(res, result.status ?? 200, result.json);
    else sendJson(res, result.status ?? 200, result.body);
  }

  async function serveStream(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
    requireAuth(req, o.token, o.port());
    readQuery(url.searchParams, []);
    const latest = o.recent.latest;
    o.hub.add(res, latest ? [{ event: 'sample', data: latest }] : []);
  }

  async function serveMetrics(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    if (!o.metrics) throw notFound('the Prometheus exporter is off');
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, ['GET', 'HEAD']);
    // Readable without the token from this machine only (Prometheus on loopback); remote scrapers need it.
    if (!isLoopbackAddress(req.socket.remoteAddress)) requireAuth(req, o.token, o.port());
    readQuery(url.searchParams, []);
    const text = await o.metrics.render();
    const body = Buffer.from(text, 'utf8');
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': o.metrics.contentType,
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  async function serveDashboard(res: ServerResponse, method: string, url: URL): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, ['GET', 'HEAD']);
    const given = url.searchParams.get('token');
    if (url.pathname === '/' && given !== null) {
      if (!tokensEqual(given, o.token)) throw unauthorized('the token in the dashboard URL is not valid');
      res.writeHead(302, {
        ...BASE_HEADERS,
        Location: '/',
        'Set-Cookie': sessionCookieHeader(o.port(), o.token),
        'Cache-Control': 'no-store',
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    if (!o.staticDir) throw notFound('no dashboard is served (built renderer missing)');
    await serveStatic(o.staticDir, url.pathname, method, res);
  }

  return (req, res) => {
    req.socket.setTimeout(0); // the silent-connection timer (listen.ts); keep-alive has its own
    handleRequest(req, res).catch((error: unknown) => {
      const httpError = error instanceof HttpError ? error : internalError(error);
      if (httpError.status === 500)
        o.log(`api: ${req.method} ${req.url?.split('?')[0]} failed: ${httpError.detail}`);
      sendError(res, httpError);
    });
  };
}

/** `::ffff:192.168.1.5` → `192.168.1.5`; an empty string when unknown. */
function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
