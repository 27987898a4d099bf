import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../../main/api/server.js';
import { createPrometheusMetrics } from '../../../main/exporters/prometheus.js';
import { tempDir } from '../../helpers.js';
import { FakeMonitorApi } from './fake-monitor-api.js';

export const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
export const SECRET = 'TOP-SECRET-OUTSIDE-THE-DASHBOARD';

export interface Harness {
  server: ApiServer;
  api: FakeMonitorApi;
  port: number;
  auth: Record<string, string>;
  logs: string[];
  staticDir: string;
}

/** A dashboard folder with a secret file beside it and a symlink pointing at that secret. */
export function makeStaticDir(t: { after(fn: () => void): void }): string {
  const base = tempDir(t, 'idlewatt-api-');
  const dir = join(base, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>IdleWatt</title><script src="app.js"></script>',
  );
  writeFileSync(join(dir, 'app.js'), 'console.log("idlewatt");');
  writeFileSync(join(dir, 'styles.css'), 'body{font:13px system-ui}');
  writeFileSync(join(dir, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(dir, 'leak.txt'));
  return dir;
}

export async function startHarness(
  t: { after(fn: () => void | Promise<void>): void },
  overrides: Partial<ApiServerOptions> & { api?: FakeMonitorApi } = {},
): Promise<Harness> {
  const api = overrides.api ?? new FakeMonitorApi();
  const logs: string[] = [];
  const staticDir = makeStaticDir(t);
  const metrics = createPrometheusMetrics();
  const server = await startApiServer({
    api,
    port: 0,
    token: TOKEN,
    staticDir,
    metrics,
    log: (line) => logs.push(line),
    ...overrides,
  });
  if (api.latest) metrics.update(api.latest);
  t.after(async () => {
    await server.close();
    await metrics.close();
  });
  return { server, api, port: server.port, auth: { Authorization: `Bearer ${TOKEN}` }, logs, staticDir };
}
