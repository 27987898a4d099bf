import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readApiResponse } from '../contract/index.js';
import { TOKEN_FILE_NAME } from '../api/auth.js';
import { readSettingsFile, SETTINGS_FILE_NAME } from '../settings/index.js';

/** Where the running monitor (headless or the app) answers, and the token it expects. */
export interface MonitorEndpoint {
  baseUrl: string;
  dataDir: string;
  /** Null when the data directory has no token yet: no monitor has ever started with it. */
  token: string | null;
}

/**
 * The loopback address of the monitor that uses `dataDir`: `--port` when given, else the port in
 * that directory's settings (the one the monitor listens on by default). Only 127.0.0.1 is ever
 * contacted, so the MCP server reaches exactly what a local HTTP client could.
 */
export async function resolveEndpoint(dataDir: string, port: number | null): Promise<MonitorEndpoint> {
  const chosenPort = port ?? readSettingsFile(join(dataDir, SETTINGS_FILE_NAME)).settings.api.port;
  return {
    baseUrl: `http://127.0.0.1:${chosenPort}`,
    dataDir,
    token: await readToken(join(dataDir, TOKEN_FILE_NAME)),
  };
}

async function readToken(path: string): Promise<string | null> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    return token === '' ? null : token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the API token ${path}: ${(error as Error).message}`);
  }
}

/** No monitor answers (or none was ever started with this data directory): say how to start one. */
export class MonitorUnavailable extends Error {
  constructor(reason: string) {
    super(
      `${reason} Start one with \`npx idlewatt monitor\` (or open the IdleWatt app) and ask again; ` +
        'pass --port / --data-dir to `idlewatt mcp` if the monitor uses others.',
    );
    this.name = 'MonitorUnavailable';
  }
}

export type Query = Record<string, string | number | undefined>;

export interface MonitorHttp {
  readonly endpoint: MonitorEndpoint;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

const REQUEST_TIMEOUT_MS = 15_000;

export function createMonitorHttp(endpoint: MonitorEndpoint, fetchImpl: typeof fetch = fetch): MonitorHttp {
  async function send<T>(method: 'GET' | 'POST', path: string, query: Query, body?: unknown): Promise<T> {
    if (endpoint.token === null) {
      throw new MonitorUnavailable(
        `No IdleWatt monitor has run with the data directory ${endpoint.dataDir} (it has no ${TOKEN_FILE_NAME}).`,
      );
    }
    const url = new URL(path, endpoint.baseUrl);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${endpoint.token}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new MonitorUnavailable(`No IdleWatt monitor is answering at ${endpoint.baseUrl} (${cause}).`);
    }
    if (response.status === 401) {
      await response.body?.cancel();
      throw new MonitorUnavailable(
        `The monitor at ${endpoint.baseUrl} refused the token in ${join(endpoint.dataDir, TOKEN_FILE_NAME)}; ` +
          'it was probably started with another --data-dir.',
      );
    }
    return readApiResponse<T>(response, path);
  }
  return {
    endpoint,
    get: (path, query = {}) => send('GET', path, query),
    post: (path, body) => send('POST', path, {}, body),
  };
}
