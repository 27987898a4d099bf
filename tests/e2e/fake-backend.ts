// A stand-in for the headless monitor in browser tests: serves dist/renderer at / and implements
// the HTTP routes of main/contract/http.ts (+ SSE) over synthetic data, with the monitor's cookie
// exchange (`/?token=…`) so the renderer's HTTP client is exercised the way the real one is.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { AlertEvent, SnoozeRequest, SnoozeState } from '../../main/contract/alerts.js';
import type { MonitorStatus, PowerPermission } from '../../main/contract/api.js';
import { HTTP_ROUTES, HTTP_STREAM_PATH } from '../../main/contract/http.js';
import { defaultSettings, validateSettings, type Settings } from '../../main/contract/settings.js';
import { REPO_ROOT } from '../helpers.js';
import {
  syntheticAlerts,
  syntheticCompare,
  syntheticHistory,
  syntheticReport,
  syntheticSample,
  syntheticServiceConfigs,
  syntheticServiceHistory,
  type SyntheticOptions,
} from './synthetic-data.js';

export type Scenario = 'live' | 'first-run' | 'permission-needed' | 'no-services';

/** What a browser test needs from a backend: the URL to open first (it may carry ?token=) and a stop. */
export interface Backend {
  url: string;
  origin: string;
  close(): Promise<void>;
  /** Lets a backend that holds its samples back (a first run under test) start sending them. */
  releaseSamples?(): void;
}

/** Starts a backend for a scenario, or returns null when this backend cannot produce it. */
export type StartBackend = (scenario: Scenario) => Promise<Backend | null>;

export interface FakeBackend extends Backend {
  /** Sends an alert over the stream (and stores it). */
  pushAlert(event: AlertEvent): void;
  /** Requests received, for assertions ("METHOD /path"). */
  requests: string[];
  settings(): Settings;
  /** The notices the next status answer carries. */
  notices: string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
const COOKIE = 'idlewatt_token';
const CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'";

export interface FakeBackendOptions {
  scenario?: Scenario;
  /** How often the stream pushes a sample. */
  tickMs?: number;
  staticDir?: string;
  /** Clock for the data (tests pin it for stable screenshots). */
  now?: () => number;
  /** Send no sample until `releaseSamples()`: the empty states stay on screen however slow the page is. */
  holdSamples?: boolean;
}

function parseRange(text: string | null): { from: number; to: number } | null {
  const match = text ? /^(\d+)\.\.(\d+)$/.exec(text) : null;
  if (!match) return null;
  const from = Number(match[1]);
  const to = Number(match[2]);
  return to > from ? { from, to } : null;
}

function numberParam(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : NaN;
}

export async function startFakeBackend(options: FakeBackendOptions = {}): Promise<FakeBackend> {
  const scenario = options.scenario ?? 'live';
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 1000;
  const staticDir = options.staticDir ?? join(REPO_ROOT, 'dist', 'renderer');
  const token = randomBytes(16).toString('hex');
  const startedAt = now();
  const firstRun = scenario === 'first-run';
  const data: SyntheticOptions = {
    dataStart: firstRun ? Number.POSITIVE_INFINITY : startedAt - 8 * 24 * 3600_000,
    withPower: scenario !== 'permission-needed',
    failingCollector:
      scenario === 'permission-needed'
        ? {
            id: 'nvidia-smi',
            status: 'error',
            reason: 'nvidia-smi exited with code 9: NVIDIA driver not loaded',
            durationMs: 31,
          }
        : null,
    services: scenario !== 'no-services',
  };
  let settings: Settings = {
    ...defaultSettings(),
    services: scenario === 'no-services' ? [] : syntheticServiceConfigs(),
  };
  let alerts: AlertEvent[] = firstRun || scenario === 'no-services' ? [] : syntheticAlerts(startedAt);
  let permission: PowerPermission =
    scenario === 'permission-needed'
      ? {
          state: 'needed',
          message: 'Power readings need an administrator password once per run.',
          canRequest: true,
        }
      : { state: 'not-needed', message: 'Power readings are available.', canRequest: false };
  const snooze: SnoozeState = { snoozedUntil: {} };
  const streams = new Set<ServerResponse>();
  const requests: string[] = [];
  let samplesSent = 0;

  const latest = () => (firstRun && samplesSent === 0 ? null : syntheticSample(now(), 5000, data));

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
  };
  const fail = (res: ServerResponse, status: number, error: string, detail: string, fields?: unknown) =>
    send(res, status, fields ? { error, detail, fields } : { error, detail });

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) throw new Error('body over 64 KB');
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? JSON.parse(text) : {};
  }

  function authorised(req: IncomingMessage): boolean {
    const cookies = req.headers.cookie ?? '';
    return (
      cookies.split(/;\s*/).includes(`${COOKIE}=${token}`) || req.headers.authorization === `Bearer ${token}`
    );
  }

  async function serveStatic(res: ServerResponse, pathname: string) {
    const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(
      /^([/\\])+/,
      '',
    );
    const file = join(staticDir, relative);
    if (!file.startsWith(staticDir + sep)) return fail(res, 404, 'not found', pathname);
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      fail(res, 404, 'not found', pathname);
    }
  }

  function openStream(res: ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
  }

  const broadcast = (event: string, body: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(body)}\n\n`;
    for (const res of streams) res.write(frame);
  };
  let held = options.holdSamples ?? false;
  const ticker = setInterval(() => {
    if (streams.size === 0 || held) return;
    samplesSent += 1;
    broadcast('sample', syntheticSample(now(), tickMs, data));
  }, tickMs);
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(': heartbeat\n\n');
  }, 15_000);

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const route = `${req.method} ${url.pathname}`;
    const is = (r: { method: string; path: string }) => route === `${r.method} ${r.path}`;
    if (url.pathname === HTTP_STREAM_PATH && req.method === 'GET') return openStream(res);
    if (is(HTTP_ROUTES.getStatus)) {
      const status: MonitorStatus = {
        version: '0.1.0-fake',
        platform: 'linux',
        startedAt,
        mode: 'headless',
        historyLength: firstRun ? samplesSent : 17_280,
        dataDir: '/home/dev/.local/share/idlewatt',
        permission,
        notices: [...backend.notices],
        self: latest()?.self ?? null,
      };
      return send(res, 200, status);
    }
    if (is(HTTP_ROUTES.getLatest)) return send(res, 200, latest());
    if (is(HTTP_ROUTES.getHistory)) {
      const from = numberParam(url, 'from');
      const to = numberParam(url, 'to');
      const points = numberParam(url, 'points') ?? 500;
      if (
        from === null ||
        to === null ||
        Number.isNaN(from) ||
        Number.isNaN(to) ||
        Number.isNaN(points) ||
        to <= from
      ) {
        return fail(res, 400, 'bad query', 'from and to must be epoch milliseconds with from < to');
      }
      return send(
        res,
        200,
        firstRun ? [] : syntheticHistory({ from, to, points: Math.min(points, 5000) }, data, now()),
      );
    }
    const serviceHistory = /^\/api\/services\/([^/]+)\/history$/.exec(url.pathname);
    if (req.method === 'GET' && serviceHistory) {
      const from = numberParam(url, 'from') ?? now() - 900_000;
      const to = numberParam(url, 'to') ?? now();
      const points = numberParam(url, 'points') ?? 90;
      const id = decodeURIComponent(serviceHistory[1]!);
      if (!settings.services.some((s) => s.id === id)) return fail(res, 404, 'unknown service', id);
      return send(res, 200, firstRun ? [] : syntheticServiceHistory(id, { from, to, points }, data, now()));
    }
    if (is(HTTP_ROUTES.getServices)) return send(res, 200, latest()?.services ?? []);
    if (is(HTTP_ROUTES.getCollectors)) return send(res, 200, latest()?.collectors ?? []);
    if (is(HTTP_ROUTES.getAlerts)) {
      const since = numberParam(url, 'since') ?? 0;
      return send(
        res,
        200,
        alerts.filter((a) => a.at >= since),
      );
    }
    if (is(HTTP_ROUTES.snoozeAlerts)) {
      const body = (await readJson(req)) as Partial<SnoozeRequest>;
      const until =
        body.until === 'tomorrow'
          ? new Date(new Date(now()).setHours(24, 0, 0, 0)).getTime()
          : typeof body.until?.minutes === 'number' && body.until.minutes > 0
            ? now() + body.until.minutes * 60_000
            : null;
      if (!body.rule || until === null) return fail(res, 400, 'bad snooze request', 'needs rule and until');
      if (body.serviceId !== undefined) {
        if (!settings.services.some((s) => s.id === body.serviceId)) {
          return fail(res, 400, 'bad snooze request', `serviceId: no monitored service '${body.serviceId}'`);
        }
        snooze.snoozedServices = { ...snooze.snoozedServices, [body.serviceId]: until };
        return send(res, 200, snooze);
      }
      snooze.snoozedUntil[body.rule] = until;
      return send(res, 200, snooze);
    }
    if (is(HTTP_ROUTES.getSettings)) return send(res, 200, settings);
    if (is(HTTP_ROUTES.updateSettings)) {
      const checked = validateSettings(await readJson(req));
      if (!checked.ok)
        return fail(
          res,
          400,
          'invalid settings',
          checked.errors.map((e) => `${e.field} ${e.reason}`).join('; '),
          checked.errors,
        );
      settings = checked.value;
      return send(res, 200, settings);
    }
    if (is(HTTP_ROUTES.getReport)) {
      const from = numberParam(url, 'from');
      const to = numberParam(url, 'to');
      if (from === null || to === null || Number.isNaN(from) || Number.isNaN(to) || to <= from) {
        return fail(res, 400, 'bad query', 'from and to must be epoch milliseconds with from < to');
      }
      return send(res, 200, syntheticReport({ from, to: Math.min(to, now()) }, data, alerts));
    }
    if (is(HTTP_ROUTES.compare)) {
      const before = parseRange(url.searchParams.get('before'));
      const after = parseRange(url.searchParams.get('after'));
      if (!before || !after)
        return fail(res, 400, 'bad query', 'before and after must be FROM..TO in epoch ms');
      return send(res, 200, syntheticCompare(before, after, data));
    }
    if (is(HTTP_ROUTES.unloadOllama)) {
      return send(res, 200, {
        ok: true,
        unloaded: ['llama3.1:8b', 'qwen2.5:14b'],
        message: 'Asked Ollama to unload llama3.1:8b and qwen2.5:14b.',
      });
    }
    if (is(HTTP_ROUTES.getBaseline) || is(HTTP_ROUTES.pinBaseline)) {
      const latest = data.withPower ? syntheticSample(now(), 5000, data) : null;
      if (!latest || latest.power.systemWatts === null) {
        return send(res, 200, {
          current: null,
          aboveWatts: null,
          entries: [],
          note: 'No idle baseline: there is no power reading to learn it from.',
        });
      }
      const base = Math.round((latest.power.systemWatts - 1.8) * 10) / 10;
      return send(res, 200, {
        current: {
          source: 'rapl',
          powerState: 'battery',
          systemWatts: base,
          packageWatts: null,
          kind: is(HTTP_ROUTES.pinBaseline) ? 'pinned' : 'learned',
          minutes: 3000,
          at: now(),
        },
        aboveWatts: latest.power.systemWatts - base,
        entries: [],
        note: `Idle baseline ${base} W, learned from 2 d of idle time, on battery, rapl.`,
      });
    }
    if (is(HTTP_ROUTES.requestPowerPermission)) {
      permission = { state: 'granted', message: 'Power readings enabled.', canRequest: false };
      data.withPower = true;
      return send(res, 200, permission);
    }
    return fail(res, 404, 'not found', route);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/' && url.searchParams.get('token') !== null) {
      if (url.searchParams.get('token') !== token) return fail(res, 401, 'unauthorised', 'wrong token');
      res.writeHead(302, {
        location: '/',
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return res.end();
    }
    if (url.pathname.startsWith('/api/')) {
      if (!authorised(req))
        return fail(res, 401, 'unauthorised', 'open the dashboard URL with its token first');
      handleApi(req, res, url).catch((e: Error) => fail(res, 400, 'bad request', e.message));
      return;
    }
    if (req.method !== 'GET') return fail(res, 405, 'method not allowed', req.method ?? '');
    void serveStatic(res, url.pathname);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const backend: FakeBackend = {
    url: `${origin}/?token=${token}`,
    origin,
    requests,
    notices: [],
    settings: () => settings,
    releaseSamples() {
      held = false;
    },
    pushAlert(event) {
      alerts = [...alerts, event];
      broadcast('alert', event);
    },
    async close() {
      clearInterval(ticker);
      clearInterval(heartbeat);
      for (const res of streams) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return backend;
}
