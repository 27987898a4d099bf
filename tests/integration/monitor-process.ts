import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, type Settings } from '../../main/contract/index.js';
import { FIXTURES, REPO_ROOT } from '../helpers.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli.cjs');
/** The shipped macOS recording (see tests/fixtures/README.md). */
export const RECORDING = join(FIXTURES, 'replay', 'darwin-m4max-stack');
/** The demo recording: requests, then a long idle stretch with a culprit (build/demo-recording.mjs). */
export const DEMO_RECORDING = join(FIXTURES, 'replay', 'darwin-m4max-demo');

export interface RunningMonitor {
  child: ChildProcess;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  base: string;
  dashboardUrl: string;
  token: string;
  port: number;
  lines: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** GET/POST an API path with the bearer token; returns status and parsed JSON. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  stop(): Promise<number | null>;
}

/** Writes a full, valid settings file into the data dir (the monitor reads it at start). */
export function writeSettings(dataDir: string, mutate: (s: Settings) => void): void {
  const settings = defaultSettings();
  mutate(settings);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Starts the built `idlewatt monitor` on a free port and waits for its dashboard URL. */
export async function startMonitor(dataDir: string, extraArgs: string[] = []): Promise<RunningMonitor> {
  const child = spawn(
    process.execPath,
    [CLI, 'monitor', '--port', '0', '--data-dir', dataDir, '--quiet', ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const waitForLine = (pattern: RegExp, timeoutMs = 15_000): Promise<string> => {
    const seen = lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.join('\n')}`));
      }, timeoutMs);
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
      void exited.then((code) => {
        if (waiters.includes(waiter)) {
          clearTimeout(timer);
          reject(
            new Error(`monitor exited (${code}) before printing ${pattern}; output:\n${lines.join('\n')}`),
          );
        }
      });
    });
  };

  const dashboardLine = await waitForLine(/^Dashboard: /);
  const dashboardUrl = dashboardLine.replace(/^Dashboard: /, '').trim();
  const url = new URL(dashboardUrl);
  const token = url.searchParams.get('token')!;
  const base = url.origin;
  return {
    child,
    base,
    dashboardUrl,
    token,
    port: Number(url.port),
    lines,
    waitForLine,
    async api(path, init = {}) {
      const response = await fetch(base + path, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON (e.g. /metrics)
      }
      return { status: response.status, body };
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `probe` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
