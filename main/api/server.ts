import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { HTTP_STREAM_PATH, type MonitorApi } from '../contract/index.js';
import type { PrometheusMetrics } from '../exporters/prometheus.js';
import { isAuthorized, sessionCookieHeader, tokensEqual } from './auth.js';
import { readJsonBody } from './body.js';
import {
  BASE_HEADERS,
  forbidden,
  HttpError,
  internalError,
  methodNotAllowed,
  notFound,
  sendError,
  sendJson,
  sendJsonText,
  unauthorized,
} from './errors.js';
import { allowedOrigins, hostName, isAllowedHost, isLoopbackAddress, isLoopbackHost } from './host-check.js';
import { readQuery } from './query.js';
import { buildApiRoutes, matchRoute, type ApiRoute } from './routes.js';
import { SseHub } from './sse.js';
import { serveStatic } from './static-files.js';
import { RecentSamples } from './summary.js';

export interface ApiServerOptions {
  /** The server-side MonitorApi (the core's). Its subscribe() feeds the event stream. */
  api: MonitorApi;
  /** Default: loopback only, 127.0.0.1 and ::1 where available. Anything else is logged as a warning. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** The built renderer (dist/renderer), served at `/`; null serves no UI. */
  staticDir: string | null;
  /** Serves `/metrics` when given. */
  metrics: PrometheusMetrics | null;
  log?: (line: string) => void;
  /** Extra names the Host header may carry (e.g. the machine's name with --host 0.0.0.0). */
  allowedHosts?: readonly string[];
  /** Event-stream heartbeat; default 15 s. */
  heartbeatMs?: number;
  /** Unsent bytes after which an event-stream client is dropped; default 1 MiB. */
  maxStreamBufferBytes?: number;
  now?: () => number;
  /** Open event-stream clients changed: a dashboard is watching while the count is above 0. */
  onStreamClients?: (count: number) => void;
}

export interface ApiServer {
  port: number;
  /** Base URLs, one per listening address. */
  urls: string[];
  /** Opens the dashboard: carries the token once, exchanged for a cookie and redirected to `/`. */
  dashboardUrl: string;
  /** Open event-stream clients and how many were dropped for reading too slowly. */
  streamStats(): { clients: number; dropped: number };
  close(): Promise<void>;
}

const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_STREAM_BUFFER = 1024 * 1024;

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function listenError(error: unknown, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new Error(`port ${port} on ${host} is already in use (try --port 0 or another port)`);
  if (code === 'EACCES') return new Error(`no permission to listen on ${host}:${port}`);
  return new Error(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
}

/**
 * Starts the loopback HTTP API: the MonitorApi routes, agent summaries, the event stream,
 * `/metrics` and the renderer. Resolves once listening; rejects with a sentence when it cannot.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? (() => {});
  const recent = new RecentSamples();
  const routes = buildApiRoutes({ api: options.api, recent, now: options.now ?? Date.now });
  const hub = new SseHub({
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxBufferedBytes: options.maxStreamBufferBytes ?? DEFAULT_MAX_STREAM_BUFFER,
    log,
    onClientCount: options.onStreamClients,
  });
  const extraHosts = [...(options.allowedHosts ?? [])];
  if (options.host !== undefined && !isLoopbackHost(options.host)) {
    if (options.host !== '0.0.0.0' && options.host !== '::') extraHosts.push(options.host);
    log(
      `warning: the API listens on ${options.host}, reachable from other machines; every request still needs the token`,
    );
  }

  const state = { port: options.port };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res).catch((error: unknown) => {
      const httpError = error instanceof HttpError ? error : internalError(error);
      if (httpError.status === 500)
        log(`api: ${req.method} ${req.url?.split('?')[0]} failed: ${httpError.detail}`);
      sendError(res, httpError);
    });
  };

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const port = state.port;
    if (!isAllowedHost(req.headers.host, port, extraHosts)) {
      throw forbidden(
        `Host '${(req.headers.host ?? '').slice(0, 100)}' is not allowed (DNS-rebinding guard); use http://127.0.0.1:${port}/`,
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins(port, extraHosts).has(origin)) {
      throw forbidden(`cross-origin requests are not allowed (Origin '${origin.slice(0, 100)}')`);
    }
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) throw new HttpError(400, 'bad-request', 'the request target must be a path');
    const url = new URL(raw, 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (path === '/metrics') return serveMetrics(req, res, method, url);
    if (path === HTTP_STREAM_PATH) return serveStream(req, res, method, url);
    if (path === '/api' || path.startsWith('/api/')) return serveApi(req, res, method, url);
    return serveDashboard(req, res, method, url);
  }

  function requireAuth(req: IncomingMessage): void {
    if (!isAuthorized(req, options.token, state.port)) {
      throw unauthorized('send Authorization: Bearer <token> (the token is in <data-dir>/api-token)');
    }
  }

  async function serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    // The token first: without it nothing, not even which routes exist, is revealed.
    requireAuth(req);
    const { match, allowed } = matchRoute(routes, method, url.pathname);
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
    requireAuth(req);
    readQuery(url.searchParams, []);
    const latest = recent.latest;
    hub.add(res, latest ? [{ event: 'sample', data: latest }] : []);
  }

  async function serveMetrics(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    if (!options.metrics) throw notFound('the Prometheus exporter is off');
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, ['GET', 'HEAD']);
    // Readable without the token from this machine only (Prometheus on loopback); remote scrapers need it.
    if (!isLoopbackAddress(req.socket.remoteAddress)) requireAuth(req);
    readQuery(url.searchParams, []);
    const text = await options.metrics.render();
    const body = Buffer.from(text, 'utf8');
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': options.metrics.contentType,
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  async function serveDashboard(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(method, ['GET', 'HEAD']);
    const given = url.searchParams.get('token');
    if (url.pathname === '/' && given !== null) {
      if (!tokensEqual(given, options.token))
        throw unauthorized('the token in the dashboard URL is not valid');
      res.writeHead(302, {
        ...BASE_HEADERS,
        Location: '/',
        'Set-Cookie': sessionCookieHeader(state.port, options.token),
        'Cache-Control': 'no-store',
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    if (!options.staticDir) throw notFound('no dashboard is served (built renderer missing)');
    await serveStatic(options.staticDir, url.pathname, method, res);
  }

  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const makeServer = () => {
    const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, handler);
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') {
        socket.destroy();
        return;
      }
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({ error: 'bad-request', detail: 'malformed HTTP request' });
      socket.end(
        `HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    servers.push(server);
    return server;
  };

  const hosts = options.host !== undefined ? [options.host] : ['127.0.0.1', '::1'];
  const urls: string[] = [];
  try {
    for (const [index, host] of hosts.entries()) {
      try {
        state.port = await listen(makeServer(), state.port, host);
        urls.push(`http://${urlHost(host)}:${state.port}/`);
      } catch (error) {
        servers.pop();
        const code = (error as NodeJS.ErrnoException).code;
        // ::1 is optional: IPv6 may be disabled on this machine.
        if (index > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
        throw listenError(error, host, state.port);
      }
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    hub.close();
    throw error;
  }

  const unsubscribe = options.api.subscribe({
    onSample: (sample) => {
      recent.push(sample);
      hub.broadcast('sample', sample);
    },
    onAlert: (event) => hub.broadcast('alert', event),
  });
  try {
    const latest = await options.api.getLatest();
    // A sample streamed meanwhile is newer than this read.
    if (latest && recent.latest === null) recent.push(latest);
  } catch (error) {
    log(`api: could not read the latest sample at start: ${(error as Error).message}`);
  }

  const dashboardHost = hosts[0] === '0.0.0.0' || hosts[0] === '::' ? '127.0.0.1' : hostName(hosts[0]!);
  let closing: Promise<void> | null = null;
  return {
    port: state.port,
    urls,
    dashboardUrl: `http://${dashboardHost}:${state.port}/?token=${encodeURIComponent(options.token)}`,
    streamStats: () => ({ clients: hub.clientCount, dropped: hub.droppedCount }),
    close() {
      closing ??= (async () => {
        unsubscribe();
        hub.close();
        await Promise.all(servers.map(closeServer));
        for (const socket of sockets) socket.destroy();
      })();
      return closing;
    },
  };
}
