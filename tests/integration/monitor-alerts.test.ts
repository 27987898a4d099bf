// The alert path end to end: the headless monitor with a 5 s window and a lowered threshold, a local
// service burning CPU with no requests → an "idle service CPU" alert naming it, on stdout, in the
// API's alert list, and POSTed to a webhook receiver started here.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { tempDir } from '../helpers.js';
import { eventually, startMonitor, writeSettings } from './monitor-process.js';
import { freePort, startBurner } from './burner.js';

const linuxOnly = process.platform === 'linux' ? false : 'reads this machine’s /proc (Linux only)';

test(
  'an idle service burning CPU raises an alert within the window plus one tick, to stdout, the API and a webhook',
  { skip: linuxOnly },
  async (t) => {
    const received: unknown[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    hook.listen(0, '127.0.0.1');
    await once(hook, 'listening');
    t.after(() => hook.close());

    const port = await freePort();
    const burner = await startBurner(port, 0.4);
    t.after(() => burner.kill());
    const dataDir = tempDir(t);
    const intervalSeconds = 1;
    writeSettings(dataDir, (s) => {
      s.services = [{ id: 'burner', name: 'CPU burner', ports: [port], processNames: [] }];
      s.alerts.idleServiceCpu = { enabled: true, warning: 10, critical: 90, windowSeconds: 5 };
      s.alerts.webhookUrl = `http://127.0.0.1:${(hook.address() as { port: number }).port}/hook`;
    });
    const monitor = await startMonitor(dataDir, ['--interval', String(intervalSeconds)]);
    t.after(() => monitor.stop());

    const line = await monitor.waitForLine(/alert fired .*idle-service-cpu/, 30_000);
    assert.match(line, /burner/);
    const { body: alerts } = await monitor.api('/api/alerts');
    const event = (alerts as any[]).find((e) => e.rule === 'idle-service-cpu' && e.kind === 'fired');
    assert.ok(event, 'the alert is in the API list');
    assert.equal(event.serviceId, 'burner');
    assert.equal(event.severity, 'warning');
    assert.ok(
      event.durationSeconds >= 5 && event.durationSeconds <= 5 + intervalSeconds + 0.5,
      `fired after ${event.durationSeconds} s of breach`,
    );
    assert.match(event.message, /burner|CPU burner/);
    const posted = await eventually(
      async () => received.find((e: any) => e.id === event.id),
      10_000,
      'the webhook POST',
    );
    assert.equal((posted as any).rule, 'idle-service-cpu');
    assert.equal(await monitor.stop(), 0, 'SIGTERM stops it cleanly');
    assert.ok(monitor.lines.some((l) => /stopping/.test(l)));
  },
);
