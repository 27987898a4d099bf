// Alerts open when the monitor last stopped, on the real `idlewatt monitor --replay`: the one whose
// condition has ended clears through the normal rules, the one that still holds stays open without a
// second 'fired' event or notification, and the Alerts badge counts only the one still open.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertEvent } from '../../main/contract/alerts.js';
import { encodeAlert } from '../../main/store/alert-codec.js';
import { openAlertsByService } from '../../renderer/model/services-model.js';
import { tempDir } from '../helpers.js';
import { eventually, RECORDING, startMonitor, writeSettings } from './monitor-process.js';

function openAlert(serviceId: string, at: number): AlertEvent {
  return {
    id: `idle-service-cpu:${serviceId}:${at}:fired`,
    at,
    rule: 'idle-service-cpu',
    kind: 'fired',
    severity: 'warning',
    serviceId,
    value: 60,
    unit: '%',
    threshold: 40,
    durationSeconds: 2,
    title: `${serviceId}: idle CPU above 40.0 %`,
    message: `${serviceId} at 60.0 % CPU while idle for 2 s`,
  };
}

test('alerts open before a restart are cleared or kept by the fresh samples, never fired again', async (t) => {
  const dataDir = tempDir(t);
  writeSettings(dataDir, (s) => {
    // In the recording vibevoice burns about 90 % CPU with no requests; piper about 1 %.
    s.alerts.idleServiceCpu = { enabled: true, warning: 40, critical: 99, windowSeconds: 2 };
    s.alerts.idlePower.enabled = false;
    s.alerts.memoryGrowth.enabled = false;
    s.alerts.thermalPressure.enabled = false;
  });
  const stoppedAt = Date.now() - 60_000;
  const seeded = [openAlert('piper', stoppedAt), openAlert('vibevoice', stoppedAt)];
  const alertsDir = join(dataDir, 'history', 'alerts');
  mkdirSync(alertsDir, { recursive: true });
  writeFileSync(
    join(alertsDir, `${new Date(stoppedAt).toISOString().slice(0, 10)}.jsonl`),
    seeded.map((e) => encodeAlert(e) + '\n').join(''),
  );
  const badge = (alerts: AlertEvent[]) => [...openAlertsByService(alerts).keys()].sort();
  assert.deepEqual(badge(seeded), ['piper', 'vibevoice'], 'both stored alerts are open at start');

  const monitor = await startMonitor(dataDir, ['--replay', RECORDING, '--interval', '1']);
  t.after(() => monitor.stop());

  const cleared = await eventually(
    async () => {
      const { body } = await monitor.api('/api/alerts');
      return Array.isArray(body) &&
        body.some((e: AlertEvent) => e.serviceId === 'piper' && e.kind === 'cleared')
        ? (body as AlertEvent[])
        : undefined;
    },
    30_000,
    "piper's stored alert to clear",
  );
  assert.ok(
    cleared.find((e) => e.id === seeded[0]!.id),
    'the stored events are still listed',
  );
  const piperCleared = cleared.find((e) => e.serviceId === 'piper' && e.kind === 'cleared')!;
  assert.ok(piperCleared.at > stoppedAt);
  await monitor.waitForLine(/alert cleared .*idle-service-cpu/, 5_000);

  // The window (2 s) has passed twice over since the fresh samples began: a vibevoice alert not
  // taken up would have fired by now.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const { body: alerts } = (await monitor.api('/api/alerts')) as { body: AlertEvent[] };
  const vibe = alerts.filter((e) => e.serviceId === 'vibevoice');
  assert.deepEqual(
    vibe.map((e) => e.kind),
    ['fired'],
    `only the stored 'fired' for vibevoice: ${JSON.stringify(vibe.map((e) => [e.kind, e.at]))}`,
  );
  assert.equal(vibe[0]!.id, seeded[1]!.id);
  assert.deepEqual(badge(alerts), ['vibevoice'], 'the Alerts badge counts the one still open');
  assert.ok(
    !monitor.lines.some((l) => /alert fired/.test(l)),
    `no notification fired again:\n${monitor.lines.join('\n')}`,
  );
  assert.equal(await monitor.stop(), 0);
});
