// Load benchmark for the loopback API: 200 concurrent clients for 10 s against /api/system/metrics,
// while a simulated sampler ticks. Prints one JSON object: latency percentiles, throughput, errors and
// how late the sampler's ticks fired.
// Each client polls at --rate requests/s (default 10, 2000 req/s in all): agents poll, they do not
// flood. --rate 0 sends as fast as possible, which measures throughput; its latency is then queueing
// (Little's law: 200 clients / N req/s).
// The load generator runs in a child process so it never shares the server's event loop; a warm-up run
// (connections opened, code JIT-compiled) precedes the measured one.
// --baseline serves the same JSON from a bare node:http server (no routing, auth or checks), to tell the
// server's own cost from the load generator's and the machine's.
// Usage: node --import tsx bench/api.bench.ts [--connections 200] [--duration 10] [--rate 10] [--warmup 3] [--baseline]
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startApiServer } from '../main/api/server.js';
import { createPrometheusMetrics } from '../main/exporters/prometheus.js';
import { FakeMonitorApi, makeSample } from '../tests/unit/api/fake-monitor-api.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    baseline: { type: 'boolean', default: false },
    'tick-ms': { type: 'string', default: '1000' },
    path: { type: 'string', default: '/api/system/metrics' },
    'client-url': { type: 'string' },
    token: { type: 'string' },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const rate = Number(values.rate);
const tickMs = Number(values['tick-ms']);

async function runClient(url: string, token: string): Promise<void> {
  const host = new URL(url).host;
  const options = {
    url,
    connections,
    headers: { authorization: `Bearer ${token}`, host },
    ...(rate > 0 ? { connectionRate: rate } : {}),
  };
  const warmup = Number(values.warmup);
  if (warmup > 0) await autocannon({ ...options, duration: warmup });
  const result = await autocannon({ ...options, duration });
  process.send!({
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  });
}

type ClientResult = {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
};

/** A bare server answering every request with the summary-sized JSON of the latest sample. */
async function startBaseline(api: FakeMonitorApi): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    const body = Buffer.from(JSON.stringify(api.latest));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function runServer(): Promise<void> {
  const token = 'bench-token-0123456789abcdefghijklmnopqrstuvw';
  const api = new FakeMonitorApi(makeSample({ at: Date.now() }));
  const metrics = createPrometheusMetrics();
  const server = values.baseline
    ? await startBaseline(api)
    : await startApiServer({ api, port: 0, token, staticDir: null, metrics });

  // The sampler's clock: each tick pushes a sample (as the core does) and records how late it fired.
  const lateness: number[] = [];
  let expected = Date.now() + tickMs;
  const ticker = setInterval(() => {
    const now = Date.now();
    lateness.push(now - expected);
    expected += tickMs;
    const sample = makeSample({ at: now });
    metrics.update(sample);
    api.push(sample);
  }, tickMs);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const args = process.argv.slice(2).filter((a) => !a.startsWith('--client-url') && !a.startsWith('--token'));
  const child = fork(process.argv[1]!, [
    ...args,
    `--client-url=http://127.0.0.1:${server.port}${values.path}`,
    `--token=${token}`,
  ]);
  const client = await new Promise<ClientResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as ClientResult));
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
  });
  child.kill();

  clearInterval(ticker);
  loopDelay.disable();
  await server.close();
  await metrics.close();

  const sorted = [...lateness].sort((a, b) => a - b);
  const percentile = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
  console.log(
    JSON.stringify(
      {
        endpoint: values.baseline ? 'baseline: bare node:http, same JSON' : values.path,
        connections,
        durationSeconds: duration,
        ratePerConnection: rate > 0 ? rate : 'unlimited',
        node: process.version,
        cpus: (await import('node:os')).cpus().length,
        loadAverage: (await import('node:os')).loadavg().map((l) => Math.round(l * 100) / 100),
        ...client,
        samplerTicks: {
          count: lateness.length,
          intervalMs: tickMs,
          lateMsP50: percentile(50),
          lateMsP99: percentile(99),
          lateMsMax: sorted.at(-1) ?? null,
        },
        eventLoopDelayMsP99: Math.round(loopDelay.percentile(99) / 1e4) / 100,
        target: {
          p99LatencyMs: 20,
          met: client.latencyMs.p99 < 20 && client.non2xx === 0 && client.errors === 0,
        },
      },
      null,
      2,
    ),
  );
}

if (values['client-url'] && values.token) await runClient(values['client-url'], values.token);
else await runServer();
