// The first screen: `idlewatt monitor --replay` on the demo recording shows the point at once — the
// stack goes idle, the culprit's idle energy, a recommendation naming it and an alert, all inside the
// recording's first pass, which the monitor reads as fast as it can before playing on in real time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AlertEvent, Report, Sample } from '../../main/contract/index.js';
import { tempDir } from '../helpers.js';
import { DEMO_RECORDING, eventually, startMonitor } from './monitor-process.js';

const manifest = JSON.parse(readFileSync(join(DEMO_RECORDING, 'recording.json'), 'utf8')) as {
  intervalMs: number;
  ticks: number;
};
const PASS_MS = manifest.intervalMs * manifest.ticks;

test('monitor --replay of the demo: idle, the culprit, its idle energy, a recommendation and an alert in the first pass', async (t) => {
  const launchedAt = Date.now();
  const monitor = await startMonitor(tempDir(t), ['--replay', DEMO_RECORDING]);
  t.after(() => monitor.stop());

  const last = await eventually(
    async () => {
      const { status, body } = await monitor.api('/api/sample/latest');
      return status === 200 && (body as Sample).idle.stackIdle ? (body as Sample) : undefined;
    },
    120_000,
    'the replayed stack to go idle',
  );
  const vibevoice = last.services.find((s) => s.id === 'vibevoice')!;
  assert.ok(vibevoice.cpuPercent! > 30, `VibeVoice keeps burning CPU: ${vibevoice.cpuPercent}`);
  const ollama = last.services.find((s) => s.id === 'ollama')!;
  assert.deepEqual(ollama.models, { count: 1, bytes: 5137025024, unloadsAt: null, keptLoaded: true });
  // The requests came from a client outside the stack: a user's, so they ended the quiet spell.
  for (const service of [ollama, vibevoice]) assert.notEqual(service.lastActiveAt, null, service.id);
  assert.ok(last.idle.lastActivityAt! <= last.at - 5 * 60_000, 'idle five minutes after the last request');

  const report = await eventually(
    async () => {
      const { body } = await monitor.api('/api/report?since=1h');
      const r = body as Report;
      return r.recommendations?.some((x) => x.serviceId === 'vibevoice') ? r : undefined;
    },
    120_000,
    'a recommendation about VibeVoice',
  );
  const samples = report.sampleCount;
  assert.ok(samples <= manifest.ticks + 5, `all within the first pass: ${samples} samples`);
  const culprit = report.services.find((s) => s.serviceId === 'vibevoice')!;
  assert.ok(culprit.idleWattHours! > 0, `VibeVoice's idle energy: ${culprit.idleWattHours}`);
  const [top] = [...report.services].sort((a, b) => (b.idleWattHours ?? 0) - (a.idleWattHours ?? 0));
  assert.equal(top!.serviceId, 'vibevoice', 'the culprit uses the most idle energy');
  const advice = report.recommendations.find((r) => r.serviceId === 'vibevoice')!;
  assert.match(advice.text, /^VibeVoice TTS used \d+(\.\d)? % CPU on average/);
  assert.ok(
    report.recommendations.some((r) => r.serviceId === 'ollama' && r.action === 'unload-ollama'),
    'Ollama kept its model loaded with no requests',
  );

  const { body: alerts } = await monitor.api('/api/alerts');
  const fired = (alerts as AlertEvent[]).find((a) => a.kind === 'fired' && a.serviceId === 'vibevoice');
  assert.ok(fired, `an alert about VibeVoice: ${JSON.stringify(alerts)}`);
  assert.equal(fired.rule, 'idle-service-cpu');

  // Every figure above lies on the recording's timeline, inside its first pass (placed to end now).
  const { body: power } = await monitor.api('/api/system/power/history?limit=1000');
  const first = Math.min(...(power as { history: { at: number }[] }).history.map((p) => p.at));
  assert.ok(fired.at - first < PASS_MS, 'the alert fires within the first pass');
  assert.ok(last.idle.stackIdleSinceAt! - first < PASS_MS);
  const placed = first - (launchedAt - PASS_MS);
  assert.ok(placed >= 0 && placed < 60_000, `the first pass ends when the monitor started (+${placed} ms)`);
  assert.equal(await monitor.stop(), 0);
});
