import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { otlpMetricsUrl, startOtlpExport } from '../../../main/exporters/otlp.js';
import { makeSample } from '../api/fake-monitor-api.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

async function receiver(t: {
  after(fn: () => Promise<void>): void;
}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, received };
}

/** Settles with 'done', or 'timeout' after `ms` (a liveness bound, not a speed target). */
function settlesWithin(work: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  return Promise.race([
    work.then(() => 'done' as const),
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref()),
  ]);
}

test('the endpoint URL follows OTEL_EXPORTER_OTLP_ENDPOINT rules', () => {
  assert.equal(otlpMetricsUrl('http://127.0.0.1:4318'), 'http://127.0.0.1:4318/v1/metrics');
  assert.equal(otlpMetricsUrl('http://127.0.0.1:4318/'), 'http://127.0.0.1:4318/v1/metrics');
  assert.equal(otlpMetricsUrl('https://otel.example/custom/path'), 'https://otel.example/custom/path');
  assert.throws(() => otlpMetricsUrl('not a url'), /OTLP endpoint 'not a url' is not a URL/);
  assert.throws(() => otlpMetricsUrl('ftp://x'), /must use http/);
});

test('a local OTLP/HTTP receiver gets the metrics with their OpenTelemetry names (JSON)', async (t) => {
  const { port, received } = await receiver(t);
  const otlp = startOtlpExport({
    endpoint: `http://127.0.0.1:${port}`,
    intervalSeconds: 3600,
    headers: { 'x-tenant': 'lab' },
  });
  t.after(() => otlp.close());
  otlp.update(makeSample());
  await otlp.flush();
  assert.equal(received.length, 1);
  const { path, headers, body } = received[0]!;
  assert.equal(path, '/v1/metrics');
  assert.match(String(headers['content-type']), /application\/json/);
  assert.equal(headers['x-tenant'], 'lab');
  const resource = body.resourceMetrics[0];
  const serviceName = resource.resource.attributes.find((a: any) => a.key === 'service.name');
  assert.equal(serviceName.value.stringValue, 'idlewatt');
  const metrics = resource.scopeMetrics.flatMap((s: any) => s.metrics);
  const names = metrics.map((m: any) => m.name);
  // The eight names of the UnaMentis monitoring plan's OpenTelemetry table, verbatim.
  for (const name of [
    'unamentis.server.power.cpu_watts',
    'unamentis.server.power.gpu_watts',
    'unamentis.server.power.package_watts',
    'unamentis.server.thermal.temperature',
    'unamentis.server.thermal.pressure',
    'unamentis.server.service.cpu_percent',
    'unamentis.server.service.memory_mb',
    'unamentis.server.idle.duration_seconds',
    'unamentis.server.energy.system_joules',
    'unamentis.server.collector.success',
    'unamentis.server.collector.duration_seconds',
  ]) {
    assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
  }
  const serviceValue = (metricName: string, service: string) =>
    metrics
      .find((m: any) => m.name === metricName)
      .gauge.dataPoints.find((p: any) =>
        p.attributes.some((a: any) => a.key === 'service' && a.value.stringValue === service),
      ).asDouble;
  const cpu = metrics.find((m: any) => m.name === 'unamentis.server.service.cpu_percent');
  assert.equal(cpu.unit, '%');
  assert.equal(serviceValue('unamentis.server.service.cpu_percent', 'vibevoice'), 45);
  const memory = metrics.find((m: any) => m.name === 'unamentis.server.service.memory_mb');
  assert.equal(memory.unit, 'MiBy');
  assert.ok(
    Math.abs(serviceValue('unamentis.server.service.memory_mb', 'ollama') - 245_000_000 / 1048576) < 1e-9,
  );
  const pressure = metrics.find((m: any) => m.name === 'unamentis.server.thermal.pressure');
  assert.equal(pressure.gauge.dataPoints[0].asDouble, 1, 'fair is 1 on the 0–3 scale');
  const energy = metrics.find((m: any) => m.name === 'unamentis.server.energy.system_joules');
  assert.equal(energy.unit, 'J');
  assert.equal(energy.sum.isMonotonic, true);
});

test('a dead endpoint never blocks: updates return at once, flush and close settle', async (t) => {
  // A port that accepts connections and never answers, and one where nothing listens.
  const sockets = new Set<Socket>();
  const blackhole = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  const silentPort = (blackhole.address() as { port: number }).port;
  t.after(() => {
    for (const s of sockets) s.destroy();
    blackhole.close();
  });
  const closed = createTcpServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  for (const port of [silentPort, closedPort]) {
    const logs: string[] = [];
    const otlp = startOtlpExport({
      endpoint: `http://127.0.0.1:${port}/v1/metrics`,
      intervalSeconds: 1,
      timeoutMs: 300,
      log: (l) => logs.push(l),
    });
    const sample = makeSample();
    for (let i = 0; i < 50; i++) {
      const result: unknown = otlp.update({ ...sample, at: sample.at + i * 5000 });
      assert.equal(result, undefined, 'update is synchronous');
    }
    assert.equal(await settlesWithin(otlp.flush(), 5000), 'done', `flush against port ${port}`);
    assert.equal(await settlesWithin(otlp.close(), 5000), 'done', `close against port ${port}`);
    assert.ok(
      logs.some((l) => l.includes(`OTLP export to http://127.0.0.1:${port}/v1/metrics failed`)),
      logs.join('\n'),
    );
    assert.ok(logs.length <= 2, 'a failing endpoint is reported once, not on every export');
  }
});
