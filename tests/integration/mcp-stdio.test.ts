// `idlewatt mcp` driven by the MCP SDK's own client over stdio, against a real monitor replaying the
// shipped recording: every read tool agrees with the HTTP API, bad arguments are tool errors, and the
// one tool that changes something touches only the models it names (on an Ollama stand-in).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { tempDir } from '../helpers.js';
import {
  CLI,
  eventually,
  RECORDING,
  startMonitor,
  writeSettings,
  type RunningMonitor,
} from './monitor-process.js';

interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: any;
}

async function connectMcp(t: TestContext, args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    stderr: 'pipe',
  });
  const client = new Client({ name: 'idlewatt-test', version: '1.0.0' });
  await client.connect(transport);
  t.after(() => client.close());
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

const text = (result: ToolResult): string => result.content.map((c) => c.text ?? '').join('\n');

/** An Ollama stand-in on a port the test owns: one model loaded; records every unload request. */
async function fakeOllama(t: TestContext): Promise<{ port: number; generated: unknown[] }> {
  const generated: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/ps') {
        res.end(JSON.stringify({ models: [{ name: 'qwen2.5:0.5b', model: 'qwen2.5:0.5b', size: 1e9 }] }));
      } else if (req.url === '/api/generate') {
        generated.push(JSON.parse(body));
        res.end(JSON.stringify({ done: true }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, generated };
}

async function replayingMonitor(
  t: TestContext,
  ollamaPort: number,
): Promise<{ monitor: RunningMonitor; dataDir: string }> {
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => {
    const ollama = s.services.find((service) => service.probe === 'ollama')!;
    ollama.ports = [ollamaPort];
  });
  const monitor = await startMonitor(dataDir, ['--replay', RECORDING, '--interval', '1']);
  t.after(() => monitor.stop());
  await eventually(
    async () => {
      const { status, body } = await monitor.api('/api/sample/latest');
      return status === 200 && body?.services?.length > 0 ? true : undefined;
    },
    20_000,
    'a replayed sample',
  );
  return { monitor, dataDir };
}

test('idlewatt mcp answers every tool and resource from the running monitor, as its HTTP API does', async (t) => {
  const ollama = await fakeOllama(t);
  const { monitor, dataDir } = await replayingMonitor(t, ollama.port);
  const client = await connectMcp(t, ['--port', String(monitor.port), '--data-dir', dataDir]);

  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name).sort();
  assert.deepEqual(names, [
    'alerts',
    'compare',
    'culprit',
    'power_history',
    'power_now',
    'report',
    'services',
    'snooze_alerts',
    'unload_ollama_models',
  ]);
  for (const tool of tools) {
    assert.equal(tool.inputSchema.type, 'object', `${tool.name} has a JSON schema`);
    assert.ok(tool.description && tool.description.length > 40, `${tool.name} explains itself`);
  }
  const unloadTool = tools.find((tool) => tool.name === 'unload_ollama_models')!;
  assert.equal(unloadTool.annotations?.readOnlyHint, false, 'the tool that changes something says so');
  assert.deepEqual(unloadTool.inputSchema.required, ['models'], 'it needs the explicit model list');
  for (const tool of tools.filter((tool) => !['unload_ollama_models', 'snooze_alerts'].includes(tool.name))) {
    assert.equal(tool.annotations?.readOnlyHint, true, `${tool.name} is read-only`);
  }

  // power_now: the same figures as the API's latest sample of the same instant.
  const [power, latest] = await eventually(
    async () => {
      const answer = await call(client, 'power_now');
      const { body } = await monitor.api('/api/sample/latest');
      return answer.structuredContent?.at === body.at ? ([answer, body] as const) : undefined;
    },
    10_000,
    'power_now and the API on the same sample',
  );
  assert.ok(!power.isError, text(power));
  const packageFigure = power.structuredContent.power.find(
    (f: { figure: string }) => f.figure === 'packageWatts',
  );
  assert.equal(packageFigure.watts, latest.power.packageWatts);
  assert.deepEqual(
    { source: packageFigure.source, kind: packageFigure.kind },
    latest.sources['power.packageWatts'],
  );
  assert.deepEqual(power.structuredContent.thermal, latest.thermal);
  assert.match(text(power), /Package \(CPU\/SoC\): [\d.]+ W \(measured, powermetrics\)/);
  assert.match(text(power), /DRAM: unknown \(/, 'an unknown figure says why');

  // services: the API's services, with the day's idle waste per service.
  const services = await call(client, 'services');
  const apiServices = (await monitor.api('/api/services')).body as { id: string; status: string }[];
  assert.deepEqual(
    services.structuredContent.services.map((s: { id: string; status: string }) => [s.id, s.status]),
    apiServices.map((s) => [s.id, s.status]),
  );
  for (const s of apiServices) assert.match(text(services), new RegExp(`\\(${s.id}\\)`));

  // culprit: a running service with no requests, or a reason why there is none.
  const culprit = await call(client, 'culprit');
  assert.ok(!culprit.isError, text(culprit));
  const named = culprit.structuredContent.service;
  if (named) {
    assert.equal(named.status, 'running');
    assert.equal(named.active, false);
    assert.match(text(culprit), new RegExp(`Culprit now: ${named.name}`));
  } else {
    assert.match(text(culprit), /^No culprit: /);
  }

  // power_history: exactly the API's answer for the range the tool chose.
  const history = await call(client, 'power_history', { since: '5m', points: 30 });
  assert.ok(!history.isError, text(history));
  const { from, to, points } = history.structuredContent;
  assert.ok(points.length > 0 && points.length <= 30);
  const apiHistory = await monitor.api(`/api/history?from=${from}&to=${to}&points=30`);
  assert.deepEqual(points, apiHistory.body);

  // report and compare over fixed ranges agree with the API.
  const reportRange = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  const report = await call(client, 'report', reportRange);
  const apiReport = await monitor.api(`/api/report?from=${from}&to=${to}`);
  assert.deepEqual(report.structuredContent.report, apiReport.body);
  assert.match(text(report), /IdleWatt/);
  const middle = Math.round((from + to) / 2);
  const compared = await call(client, 'compare', {
    before: { from: String(from), to: String(middle) },
    after: { from: String(middle), to: String(to) },
  });
  const apiCompare = await monitor.api(`/api/compare?before=${from}..${middle}&after=${middle}..${to}`);
  assert.equal(compared.structuredContent.verdict, apiCompare.body.verdict);
  assert.match(
    text(compared),
    new RegExp(apiCompare.body.verdict.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );

  const alerts = await call(client, 'alerts', { since: '1h' });
  const apiAlerts = (await monitor.api('/api/alerts?since=1h')).body as { id: string }[];
  const toolIds = alerts.structuredContent.alerts.map((a: { id: string }) => a.id);
  assert.deepEqual(
    toolIds.filter((id: string) => apiAlerts.some((a) => a.id === id)),
    toolIds,
    'every alert the tool lists is one the API lists',
  );

  const snoozed = await call(client, 'snooze_alerts', { rule: 'idle-power', until: { minutes: 30 } });
  assert.ok(!snoozed.isError, text(snoozed));
  assert.ok(snoozed.structuredContent.snoozedUntil['idle-power'] > latest.at - 60_000);
  const settings = (await monitor.api('/api/settings')).body as { services: { id: string }[] };
  const serviceId = settings.services[0]!.id;
  const serviceSnoozed = await call(client, 'snooze_alerts', {
    rule: 'all',
    until: { minutes: 60 },
    service: serviceId,
  });
  assert.ok(!serviceSnoozed.isError, text(serviceSnoozed));
  assert.ok(serviceSnoozed.structuredContent.snoozedServices[serviceId] > latest.at);
  assert.match(text(serviceSnoozed), new RegExp(`${serviceId}'s alerts snoozed until`));

  // Resources: the latest sample and today's report.
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri).sort(), [
    'idlewatt://report/today',
    'idlewatt://sample/latest',
  ]);
  const sampleResource = await client.readResource({ uri: 'idlewatt://sample/latest' });
  assert.equal(JSON.parse((sampleResource.contents[0] as { text: string }).text).platform, 'darwin');
  const todayResource = await client.readResource({ uri: 'idlewatt://report/today' });
  assert.deepEqual(
    todayResource.contents.map((c) => c.mimeType),
    ['text/markdown', 'application/json'],
  );
});

test('idlewatt mcp: bad arguments are tool errors and the server keeps answering', async (t) => {
  const ollama = await fakeOllama(t);
  const { monitor, dataDir } = await replayingMonitor(t, ollama.port);
  const client = await connectMcp(t, ['--port', String(monitor.port), '--data-dir', dataDir]);

  const tooMany = await call(client, 'power_history', { points: 0 });
  assert.equal(tooMany.isError, true);
  assert.match(text(tooMany), /points/);
  const badRange = await call(client, 'report', { from: 'yesterday-ish' });
  assert.equal(badRange.isError, true);
  assert.match(text(badRange), /from.*time/i, 'the API names the bad parameter');
  const both = await call(client, 'report', { since: '1h', from: '2026-01-01T00:00:00Z' });
  assert.equal(both.isError, true);
  const notAList = await call(client, 'unload_ollama_models', { models: 'qwen2.5:0.5b' });
  assert.equal(notAList.isError, true);
  const injected = await call(client, 'unload_ollama_models', { models: ['../../etc/passwd;rm'] });
  assert.equal(injected.isError, true);
  const unknownRule = await call(client, 'snooze_alerts', { rule: 'everything', until: 'tomorrow' });
  assert.equal(unknownRule.isError, true);
  const badService = await call(client, 'snooze_alerts', {
    rule: 'all',
    until: 'tomorrow',
    service: 'Not An Id',
  });
  assert.equal(badService.isError, true);
  const unknownService = await call(client, 'snooze_alerts', {
    rule: 'all',
    until: 'tomorrow',
    service: 'nosuch',
  });
  assert.equal(unknownService.isError, true);
  assert.match(text(unknownService), /no monitored service 'nosuch'/);
  assert.equal(ollama.generated.length, 0, 'no bad call reached Ollama');

  // Only named, loaded models are unloaded.
  const missing = await call(client, 'unload_ollama_models', { models: ['llama3:70b'] });
  assert.ok(!missing.isError, text(missing));
  assert.match(text(missing), /Not loaded: llama3:70b \(loaded: qwen2\.5:0\.5b\)/);
  assert.equal(ollama.generated.length, 0);
  const unloaded = await call(client, 'unload_ollama_models', { models: ['qwen2.5:0.5b'] });
  assert.ok(!unloaded.isError, text(unloaded));
  assert.deepEqual(unloaded.structuredContent.unloaded, ['qwen2.5:0.5b']);
  assert.deepEqual(ollama.generated, [{ model: 'qwen2.5:0.5b', keep_alive: 0 }]);

  const still = await call(client, 'power_now');
  assert.ok(!still.isError, 'the server still answers after bad calls');
});

test('idlewatt mcp without a running monitor says so in the tool result and how to start one', async (t) => {
  const neverStarted = await connectMcp(t, ['--port', '9', '--data-dir', tempDir(t)]);
  const answer = await call(neverStarted, 'culprit');
  assert.equal(answer.isError, true);
  assert.match(text(answer), /No IdleWatt monitor has run with the data directory/);
  assert.match(text(answer), /npx idlewatt monitor/);

  // A data directory whose monitor has stopped: a token, nobody listening on the port.
  const ollama = await fakeOllama(t);
  const { monitor, dataDir } = await replayingMonitor(t, ollama.port);
  const port = monitor.port;
  await monitor.stop();
  const stopped = await connectMcp(t, ['--port', String(port), '--data-dir', dataDir]);
  const refused = await call(stopped, 'power_now');
  assert.equal(refused.isError, true);
  assert.match(
    text(refused),
    new RegExp(`No IdleWatt monitor is answering at http://127\\.0\\.0\\.1:${port}`),
  );
  assert.match(text(refused), /npx idlewatt monitor/);
});
