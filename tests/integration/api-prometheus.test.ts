import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { startApiServer } from '../../main/api/server.js';
import { createPrometheusMetrics } from '../../main/exporters/prometheus.js';
import { tempDir } from '../helpers.js';
import { FakeMonitorApi, makeSample } from '../unit/api/fake-monitor-api.js';
import { promtool, PROMETHEUS, PROMTOOL, skipUnless } from '../unit/exporters/promtool.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startMonitorApi(t: { after(fn: () => Promise<void>): void }) {
  const api = new FakeMonitorApi();
  const metrics = createPrometheusMetrics();
  api.subscribe({ onSample: (sample) => metrics.update(sample) });
  api.push(makeSample({ at: Date.now() }));
  const server = await startApiServer({
    api,
    port: 0,
    token: 'integration-token-0123456789abcdefghijkl',
    staticDir: null,
    metrics,
  });
  t.after(async () => {
    await server.close();
    await metrics.close();
  });
  return { api, server };
}

test(
  '/metrics served over HTTP passes promtool check metrics',
  skipUnless(PROMTOOL, 'promtool'),
  async (t) => {
    const { server } = await startMonitorApi(t);
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /unamentis_server_service_cpu_percent\{service="vibevoice"\} 45/);
    const check = promtool(['check', 'metrics'], text);
    assert.equal(check.status, 0, check.output);
  },
);

test(
  'a real Prometheus server scrapes /metrics without a token and answers queries',
  skipUnless(PROMETHEUS, 'prometheus'),
  async (t) => {
    const { api, server } = await startMonitorApi(t);
    const dir = tempDir(t, 'idlewatt-prometheus-');
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: idlewatt',
        '    scrape_interval: 1s',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${server.port}']`,
        '',
      ].join('\n'),
    );
    const webPort = await freePort();
    const prometheus = spawn(
      PROMETHEUS!,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    prometheus.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<void>((resolve) => prometheus.once('exit', () => resolve()));
    t.after(async () => {
      if (prometheus.exitCode === null) prometheus.kill('SIGTERM');
      const killTimer = setTimeout(() => prometheus.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killTimer);
    });

    // Keep the sample fresh so the series stays current while Prometheus scrapes.
    const ticker = setInterval(() => api.push(makeSample({ at: Date.now() })), 500);
    t.after(() => clearInterval(ticker));

    const query = `http://127.0.0.1:${webPort}/api/v1/query?query=${encodeURIComponent('unamentis_server_service_cpu_percent')}`;
    const deadline = Date.now() + 45_000;
    let last = '';
    let found: { metric: Record<string, string>; value: [number, string] }[] = [];
    while (Date.now() < deadline && prometheus.exitCode === null) {
      try {
        const res = await fetch(query);
        last = await res.text();
        const body = JSON.parse(last) as { status: string; data?: { result: typeof found } };
        found = body.data?.result ?? [];
        if (found.length > 0) break;
      } catch (error) {
        last = String(error);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(
      found.length > 0,
      `no series after waiting; last answer: ${last.slice(0, 300)}; prometheus: ${stderr.slice(-500)}`,
    );
    const vibevoice = found.find((r) => r.metric.service === 'vibevoice');
    assert.ok(vibevoice, JSON.stringify(found));
    assert.equal(vibevoice.metric.job, 'idlewatt');
    assert.equal(Number(vibevoice.value[1]), 45);

    const targets = (await (await fetch(`http://127.0.0.1:${webPort}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string }[] };
    };
    assert.equal(targets.data.activeTargets[0]?.health, 'up', targets.data.activeTargets[0]?.lastError);
  },
);
