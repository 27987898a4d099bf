import type { MonitorApi } from '../contract/index.js';
import type { PrometheusMetrics } from '../exporters/prometheus.js';
import { connectionLimits } from './connection-limits.js';
import { hostName, isLoopbackHost } from './host-check.js';
import { listenOn, type Listening } from './listen.js';
import { createRequestHandler } from './request-handler.js';
import { buildApiRoutes } from './routes.js';
import { SseHub } from './sse.js';
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
  /** Open connections per listening address; default from the open-file limit (connection-limits.ts). */
  maxConnections?: number;
  /** A connection that has not sent its request headers by then is closed; default 10 s. */
  headersTimeoutMs?: number;
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

  let port = options.port;
  const handler = createRequestHandler({
    routes,
    hub,
    recent,
    token: options.token,
    port: () => port,
    extraHosts,
    // Listening on every interface: the address a request came in on is one of this machine's.
    acceptLocalAddress: options.host === '0.0.0.0' || options.host === '::',
    metrics: options.metrics,
    staticDir: options.staticDir,
    log,
  });
  const hosts = options.host !== undefined ? [options.host] : ['127.0.0.1', '::1'];
  let listening: Listening;
  try {
    const limits = connectionLimits({
      maxConnections: options.maxConnections,
      headersTimeoutMs: options.headersTimeoutMs,
    });
    listening = await listenOn(hosts, port, handler, (picked) => (port = picked), limits);
  } catch (error) {
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
    port,
    urls: listening.urls,
    dashboardUrl: `http://${dashboardHost}:${port}/?token=${encodeURIComponent(options.token)}`,
    streamStats: () => ({ clients: hub.clientCount, dropped: hub.droppedCount }),
    close() {
      closing ??= (async () => {
        unsubscribe();
        hub.close();
        await listening.close();
      })();
      return closing;
    },
  };
}
