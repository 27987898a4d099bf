/**
 * Security against the real `idlewatt monitor` process (dist/cli.cjs): Host guard, tokens, body
 * limits, path traversal, random queries, and no command line in anything it serves. Plus property
 * tests of both elevation builders and of the Prometheus labels. Narrower cases, in-process:
 * tests/unit/api/server.test.ts, host-check.test.ts, static-files.test.ts, auth.test.ts,
 * tests/unit/collectors/darwin/elevation.test.ts, tests/unit/collectors/linux/rapl-elevation.test.ts,
 * tests/unit/exporters/prometheus.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ALLOWED_SAMPLERS, buildElevationCommand } from '../../main/collectors/darwin/elevation.js';
import { ELEVATION_SCRIPT } from '../../main/collectors/darwin/elevation-script.js';
import { buildRaplLoopScript, elevatedCommand } from '../../main/collectors/linux/rapl-elevation.js';
import { createPrometheusMetrics } from '../../main/exporters/prometheus.js';
import { runs } from './fuzz-support.js';
import { request, rawRequest } from '../unit/api/http-client.js';
import {
  CLI,
  eventually,
  startMonitor,
  writeSettings,
  type RunningMonitor,
} from '../integration/monitor-process.js';
import { makeSampler, manualClock, proc, scripted, testSettings } from '../unit/sampler/scripted.js';

const CANARY = `HUNTER2-${randomBytes(6).toString('hex')}`;
const haveCli = existsSync(CLI) && existsSync(join(dirname(CLI), 'renderer', 'index.html'));
const linux = process.platform === 'linux';
const skipMonitor = !haveCli
  ? 'dist/cli.cjs or dist/renderer is missing: run `node build/build.mjs` first'
  : !linux
    ? 'the command-line canary is found through /proc (Linux only)'
    : false;
if (skipMonitor) console.log(`security tests against the monitor process skipped: ${skipMonitor}`);

interface MonitorFixture {
  monitor: RunningMonitor;
  dataDir: string;
}

/**
 * One monitor for the whole file (starting one costs about a second): a canary process whose command
 * line carries a secret is configured as a service, so it is sampled, stored, exported and served.
 */
let shared: Promise<MonitorFixture> | null = null;
const cleanup: (() => void | Promise<void>)[] = [];
function monitorFixture(): Promise<MonitorFixture> {
  shared ??= (async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'idlewatt-security-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    writeSettings(dataDir, (s) => {
      s.services = [
        ...s.services,
        { id: 'canary', name: 'Canary', ports: [], processNames: [], commandPattern: 'idlewatt-canary' },
      ];
    });
    const canary = spawn(
      process.execPath,
      ['-e', 'setInterval(() => {}, 1e6)', 'idlewatt-canary', `--api-key=${CANARY}`, `password=${CANARY}`],
      { stdio: 'ignore' },
    );
    cleanup.push(() => void canary.kill('SIGKILL'));
    const monitor = await startMonitor(dataDir, ['--interval', '1']);
    cleanup.unshift(async () => void (await monitor.stop()));
    return { monitor, dataDir };
  })();
  return shared;
}

after(async () => {
  for (const step of cleanup) await step();
});

const status = (raw: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1]);

test(
  'the monitor refuses Host headers that are not its loopback name and port',
  { skip: skipMonitor },
  async () => {
    const { monitor } = await monitorFixture();
    const { port, token } = monitor;
    const auth = { Authorization: `Bearer ${token}` };
    const hostile = [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `localhost.evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `[::1]:${port === 65535 ? 1 : port + 1}`,
      `0.0.0.0:${port}`,
      `user@127.0.0.1:${port}`,
      `127.0.0.1:${port} evil`,
      `127.0.0.1:${port}, evil.example`,
    ];
    for (const path of ['/api/status', '/metrics', '/', '/api/stream']) {
      for (const host of hostile) {
        const res = await request(port, path, { headers: { ...auth, Host: host } });
        assert.ok([400, 403].includes(res.status), `${path} with Host '${host}' answered ${res.status}`);
        assert.doesNotMatch(
          res.text,
          /"version"|unamentis_server|<html/i,
          `${path} leaked data for '${host}'`,
        );
      }
    }
    // Raw requests: an HTTP client would fill in a missing or empty Host itself.
    for (const hostLine of ['', 'Host: \r\n', 'Host: 127.0.0.1\r\n']) {
      const raw = await rawRequest(
        port,
        `GET /api/status HTTP/1.0\r\n${hostLine}Authorization: Bearer ${token}\r\n\r\n`,
      );
      assert.ok([400, 403].includes(status(raw)), `'${hostLine.trim()}' answered ${status(raw)}`);
    }
    assert.equal(
      (await request(port, '/api/status', { headers: auth })).status,
      200,
      'the right Host passes',
    );
  },
);

test('the monitor refuses missing, wrong and look-alike tokens', { skip: skipMonitor }, async () => {
  const { monitor } = await monitorFixture();
  const { port, token } = monitor;
  const attempts: Record<string, string>[] = [
    {},
    { Authorization: 'Bearer' },
    { Authorization: 'Bearer ' },
    { Authorization: `Bearer ${token.slice(0, -1)}` },
    { Authorization: `Bearer ${token}x` },
    { Authorization: `Bearer ${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}` },
    { Authorization: `Basic ${Buffer.from(`idlewatt:${token}`).toString('base64')}` },
    { Authorization: `Token ${token}` },
    { Authorization: `Bearer ${token} ${token}` },
    { Cookie: `idlewatt_session_${port + 1}=${token}` },
    { Cookie: `idlewatt_session_${port}=${token}` },
  ];
  for (const headers of attempts) {
    for (const path of ['/api/status', '/api/settings', '/api/stream']) {
      const res = await request(port, path, { headers });
      assert.equal(res.status, 401, `${path} with ${JSON.stringify(headers)} answered ${res.status}`);
      assert.equal(res.json().error, 'unauthorized');
    }
  }
  const inQuery = await request(port, `/api/status?token=${token}`);
  assert.ok([400, 401].includes(inQuery.status), 'a token in the API query string is not a credential');
  const badDashboard = await request(port, `/?token=${token.slice(1)}`);
  assert.equal(badDashboard.status, 401);
  assert.equal(badDashboard.headers['set-cookie'], undefined, 'no cookie for a wrong token');
});

test(
  'the monitor refuses oversized bodies, declared or streamed, and keeps serving',
  { skip: skipMonitor },
  async () => {
    const { monitor } = await monitorFixture();
    const { port, token } = monitor;
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
    const declared = await request(port, '/api/settings', { method: 'PUT', headers: auth, body: big });
    assert.equal(declared.status, 413);
    const chunks = [
      `PUT /api/alerts/snooze HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n`,
    ];
    chunks.push('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
    for (let i = 0; i < 20; i++) chunks.push(`2000\r\n${'y'.repeat(0x2000)}\r\n`);
    chunks.push('0\r\n\r\n');
    const streamed = await rawRequest(port, chunks.join(''));
    assert.ok([405, 413].includes(status(streamed)), `streamed: ${status(streamed)}`);
    const post = await rawRequest(
      port,
      chunks.join('').replace('PUT /api/alerts/snooze', 'POST /api/alerts/snooze'),
    );
    assert.equal(status(post), 413);
    assert.equal((await monitor.api('/api/status')).status, 200, 'still serving');
  },
);

test(
  'the monitor serves nothing outside its dashboard, in any spelling of ..',
  { skip: skipMonitor },
  async () => {
    const { monitor, dataDir } = await monitorFixture();
    const { port, token } = monitor;
    const tokenFile = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    const targets = ['etc/passwd', 'proc/self/environ', `${dataDir.slice(1)}/api-token`];
    const spellings = (p: string) => [
      `/../../../../../../${p}`,
      `/${'%2e%2e/'.repeat(8)}${p}`,
      `/${'%2E%2E%2F'.repeat(8)}${p}`,
      `/${'..%2f'.repeat(8)}${p}`,
      `/${'..%5c'.repeat(8)}${p}`,
      `/${'%252e%252e%252f'.repeat(8)}${p}`,
      `/${'.%2e/'.repeat(8)}${p}`,
      `/${'....//'.repeat(8)}${p}`,
      `/${'%c0%ae%c0%ae/'.repeat(8)}${p}`,
      `/${'..\\'.repeat(8)}${p}`,
      `/assets/${'../'.repeat(9)}${p}`,
      `//${p}`,
      `/${p}%00.html`,
    ];
    for (const target of targets) {
      for (const path of spellings(target)) {
        const raw = await rawRequest(
          port,
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: idlewatt_session_${port}=x\r\nConnection: close\r\n\r\n`,
        );
        assert.ok([400, 403, 404].includes(status(raw)), `${path} answered ${status(raw)}`);
        assert.doesNotMatch(raw, /root:.*:0:0:|PATH=|HOME=/, `${path} leaked a system file`);
        assert.ok(!raw.includes(tokenFile) && !raw.includes(token), `${path} leaked the token`);
      }
    }
  },
);

test(
  'random query strings on every endpoint are answered 2xx or a labelled 4xx, never a 500',
  { skip: skipMonitor },
  async () => {
    const { monitor } = await monitorFixture();
    await eventually(
      async () => ((await monitor.api('/api/sample/latest')).body ? true : undefined),
      10_000,
      'a sample',
    );
    const paths = [
      '/api/system/power/history',
      '/api/history',
      '/api/services/ollama/history',
      '/api/services/%2e%2e/history',
      '/api/alerts',
      '/api/report',
      '/api/compare',
      '/api/status',
      '/api/system/metrics',
    ];
    const values = fc.oneof(
      fc.constantFrom(
        '24h',
        '0',
        '-1',
        '1e309',
        '2025-01-15T09:00:00Z',
        '1..2',
        '10000',
        '99999999999999999',
      ),
      fc.string({ maxLength: 30 }),
    );
    const queries = fc.array(
      fc.tuple(fc.constantFrom('from', 'to', 'points', 'limit', 'since', 'before', 'after', 'x'), values),
      { maxLength: 4 },
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), queries, async (path, pairs) => {
        const search = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const res = await monitor.api(`${path}${search ? `?${search}` : ''}`);
        seen.add(res.status);
        assert.ok(res.status < 500, `${path}?${search} answered ${res.status}: ${JSON.stringify(res.body)}`);
        if (res.status >= 400) {
          assert.equal(typeof res.body.error, 'string');
          assert.ok(String(res.body.detail).trim() !== '');
        }
      }),
      { numRuns: runs(150) },
    );
    assert.ok(seen.has(200) && seen.has(400), `statuses seen: ${[...seen].join(', ')}`);
  },
);

test(
  'a secret on a sampled process command line appears nowhere: /metrics, the API, the stored history',
  { skip: skipMonitor },
  async () => {
    const { monitor } = await monitorFixture();
    const services = await eventually(
      async () => {
        const res = await monitor.api('/api/services');
        const canary = (res.body as { id: string; status: string; cpuPercent: number | null }[]).find(
          (s) => s.id === 'canary',
        );
        return canary?.status === 'running' && canary.cpuPercent !== null ? res.body : undefined;
      },
      15_000,
      'the canary service running with a CPU figure',
    );
    assert.ok(JSON.stringify(services).includes('"canary"'));
    const metrics = await fetch(`${monitor.base}/metrics`).then((r) => r.text());
    assert.match(metrics, /service="canary"/, 'the canary is exported, by id');
    for (const [what, text] of [
      ['/metrics', metrics],
      ['/api/sample/latest', JSON.stringify((await monitor.api('/api/sample/latest')).body)],
      ['/api/system/processes', JSON.stringify((await monitor.api('/api/system/processes')).body)],
      ['/api/system/metrics', JSON.stringify((await monitor.api('/api/system/metrics')).body)],
      ['/api/report', JSON.stringify((await monitor.api('/api/report?since=1h')).body)],
    ] as const) {
      assert.ok(!text.includes(CANARY), `${what} carries the secret from a command line`);
      assert.ok(!text.includes('--api-key'), `${what} carries command-line arguments`);
    }
    const { dataDir } = await monitorFixture();
    await eventually(
      async () => (storedFiles(join(dataDir, 'history', 'raw')).length > 0 ? true : undefined),
      10_000,
      'history on disk',
    );
    for (const file of storedFiles(join(dataDir, 'history'))) {
      assert.ok(!readFileSync(file, 'utf8').includes(CANARY), `${file} stores the secret`);
    }
  },
);

function storedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('Prometheus labels never carry command lines, whatever the processes are called', async (t) => {
  const metrics = createPrometheusMetrics();
  t.after(() => metrics.close());
  const secret = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((s) => `SECRET${s}`);
  await fc.assert(
    fc.asyncProperty(secret, fc.string({ maxLength: 20 }), async (canary, junk) => {
      const clock = manualClock();
      const settings = testSettings((s) => {
        s.services.push({
          id: 'cmd',
          name: 'By command',
          ports: [],
          processNames: [],
          commandPattern: 'serve',
        });
      });
      const c = scripted('procs', (i) => ({
        processes: [
          proc(100, i, { command: `/bin/api --token=${canary} ${junk}` }),
          proc(200, i, { name: 'worker', command: `worker --password ${canary}` }),
          proc(300, i * 2, { name: `x${canary.slice(0, 6)}`, command: `serve ${canary} "${junk}"` }),
          proc(400, i * 3, { name: 'top', command: `/usr/bin/top ${canary}` }),
        ],
        sockets: { listening: [{ port: 8000, pid: 100 }], connections: [] },
      }));
      const sampler = makeSampler([c], clock, settings);
      await sampler.tick();
      clock.advance(5000);
      const sample = await sampler.tick();
      assert.ok(!JSON.stringify(sample).includes(canary), 'command lines never enter a sample');
      metrics.update(sample);
      const text = await metrics.render();
      assert.ok(!text.includes(canary), 'nor the exposition');
      for (const [, name, value] of text.matchAll(/[{,]([a-z_]+)="([^"]*)"/g)) {
        if (name === 'service') assert.match(value!, /^[a-z0-9][a-z0-9-]*$/, 'service labels are ids');
      }
    }),
    { numRuns: runs(60) },
  );
});

// ── elevation builders ────────────────────────────────────────────────────

const METACHARS = [...'\'"`$;&|<>(){}[]*?!~#\\\n\t =%^,:@'];
const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...METACHARS, 'a', 'b', '/', '.', '-', '_', '0'), maxLength: 30 }),
  fc.constantFrom('$(id)', '`id`', "'; rm -rf ~ #", '..', '../..', '/etc/sudoers', 'a\nb', '\0'),
);

/** Splits a command made only of POSIX single-quoted words; null if anything else appears. */
function singleQuotedWords(command: string): string[] | null {
  const words: string[] = [];
  let rest = command;
  while (rest.length > 0) {
    const match = /^'((?:[^']|'\\'')*)'(?: |$)/.exec(rest);
    if (!match) return null;
    words.push(match[1]!.replace(/'\\''/g, "'"));
    rest = rest.slice(match[0].length);
  }
  return words;
}

const PLAIN = /^[A-Za-z0-9/._,-]+$/;

test('the powermetrics elevation command: hostile input is refused, accepted input is plain and quoted', () => {
  fc.assert(
    fc.property(
      fc.record({
        appPid: fc.oneof(fc.integer({ min: -10, max: 100_000_000 }), fc.double()),
        appUid: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double()),
        parent: fc.oneof(
          fc.constant('/var/run'),
          hostile,
          hostile.map((h) => `/tmp/${h}`),
        ),
        runName: fc.oneof(fc.constant('idlewatt-pm-Ab12Cd34Ef56Gh78'), hostile),
        intervalMs: fc.oneof(fc.integer({ min: -1000, max: 1_000_000 }), fc.double()),
        samplers: fc.array(fc.oneof(fc.constantFrom(...ALLOWED_SAMPLERS), hostile), { maxLength: 4 }),
        processDetail: fc.boolean(),
        powermetricsPath: fc.option(fc.oneof(fc.constant('/usr/bin/powermetrics'), hostile)),
      }),
      ({ parent, runName, powermetricsPath, ...rest }) => {
        const request = {
          ...rest,
          runDir: `${parent}/${runName}`,
          ...(powermetricsPath === null ? {} : { powermetricsPath }),
        };
        const built = buildElevationCommand(request);
        if (!built.ok) {
          assert.ok(built.error.trim() !== '' && !built.error.includes('\n'), JSON.stringify(built.error));
          return;
        }
        const words = singleQuotedWords(built.command);
        assert.ok(words, 'only single-quoted words');
        assert.deepEqual(words.slice(0, 4), ['/bin/sh', '-c', ELEVATION_SCRIPT, 'idlewatt-powermetrics']);
        assert.deepEqual(words.slice(4), built.args);
        for (const arg of built.args) assert.match(arg, PLAIN, 'no metacharacter in an accepted value');
        assert.match(basename(request.runDir), /^idlewatt-pm-[A-Za-z0-9]{16}$/);
        assert.ok(!request.runDir.split('/').includes('..'));
        assert.ok(Number.isSafeInteger(request.appPid) && request.appPid >= 2);
        assert.ok(Number.isSafeInteger(request.appUid) && request.appUid >= 0);
      },
    ),
    { numRuns: runs(2000) },
  );
});

test('the RAPL root loop script: hostile input is refused; accepted input changes only the quoted values', () => {
  const dir = '/run';
  const name = 'idlewatt-rapl-Ab12Cd34Ef56Gh78';
  const reference = buildRaplLoopScript({
    appPid: 4242,
    appUid: 1000,
    intervalSeconds: 2,
    runDir: `${dir}/${name}`,
  });
  assert.ok(reference.ok, reference.ok ? '' : reference.error);
  const quotes = (s: string) => s.split("'").length;
  fc.assert(
    fc.property(
      fc.record({
        appPid: fc.oneof(fc.integer({ min: -10, max: 5_000_000 }), fc.double()),
        intervalSeconds: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()),
        runName: fc.oneof(fc.constant(name), hostile),
        sysRoot: fc.option(
          fc.oneof(
            fc.constant('/sys'),
            hostile,
            hostile.map((h) => `/${h}`),
          ),
        ),
        procRoot: fc.option(fc.oneof(fc.constant('/proc'), hostile)),
      }),
      ({ runName, sysRoot, procRoot, ...rest }) => {
        const options = {
          ...rest,
          appUid: 1000,
          runDir: `${dir}/${runName}`,
          ...(sysRoot === null ? {} : { sysRoot }),
          ...(procRoot === null ? {} : { procRoot }),
        };
        const built = buildRaplLoopScript(options);
        if (!built.ok) {
          assert.ok(built.error.trim() !== '', 'a reason');
          return;
        }
        for (const path of [options.runDir, options.sysRoot ?? '/sys', options.procRoot ?? '/proc']) {
          assert.match(path, /^\/[A-Za-z0-9._/-]*$/, `accepted path '${path}'`);
          assert.ok(!path.split('/').includes('..'));
        }
        assert.equal(quotes(built.value), quotes(reference.value), 'no quote added or removed');
        assert.ok(built.value.includes(`run_dir='${options.runDir}'`));
        const command = elevatedCommand(built.value);
        assert.match(command, /^echo [A-Za-z0-9+/=]+ \| base64 -d \| \/bin\/sh$/);
        assert.equal(Buffer.from(command.split(' ')[1]!, 'base64').toString('utf8'), built.value);
      },
    ),
    { numRuns: runs(1500) },
  );
});
