// End-to-end replay: the shipped macOS recording drives the sampler, alerts, API and
// exporters of `idlewatt monitor --replay`, as if on that Mac, on any machine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../helpers.js';
import { eventually, RECORDING, startMonitor } from './monitor-process.js';

test('monitor --replay serves the recorded Mac through the API and /metrics', async (t) => {
  const monitor = await startMonitor(tempDir(t), ['--replay', RECORDING, '--interval', '1']);
  t.after(() => monitor.stop());
  assert.ok(monitor.lines.some((l) => /replaying/.test(l)));

  const sample = await eventually(
    async () => {
      const { status, body } = await monitor.api('/api/sample/latest');
      return status === 200 && body?.power?.packageWatts !== null && body?.services ? body : undefined;
    },
    20_000,
    'a replayed sample with power',
  );
  assert.equal(sample.platform, 'darwin');
  assert.ok(
    !sample.collectors.some((c: { id: string }) => c.id === 'ollama'),
    'the Ollama HTTP probe would read this machine, not the recorded Mac',
  );
  assert.equal(sample.power.packageWatts, 3.248, 'the M4 Max plist package watts');
  assert.equal(sample.power.cpuWatts, 2.978);
  assert.deepEqual(sample.sources['power.packageWatts'], { source: 'powermetrics', kind: 'measured' });
  assert.equal(sample.power.systemWatts, 9.12, 'PowerTelemetryData.SystemLoad, never the SoC figure');
  assert.deepEqual(sample.sources['power.systemWatts'], { source: 'ioreg-telemetry', kind: 'measured' });
  assert.equal(sample.attribution.basis, 'system');
  assert.equal(sample.thermal.pressure, 'nominal');
  // SMC readings recorded with the commands: no password needed for these on the Mac.
  assert.equal(sample.thermal.fanRpm.length, 2);
  assert.deepEqual(sample.sources['thermal.fanRpm'], { source: 'smc', kind: 'measured' });
  assert.deepEqual(sample.sources['thermal.cpuTempCelsius'], { source: 'smc', kind: 'measured' });
  assert.ok(sample.thermal.cpuTempCelsius > 40 && sample.thermal.cpuTempCelsius < 60);
  assert.equal(sample.thermal.osLevel, 'nominal');
  assert.deepEqual(
    sample.sources['thermal.pressure'],
    { source: 'notify', kind: 'measured' },
    'the OS level from the notify key, without root, ahead of powermetrics',
  );
  const pmset = sample.collectors.find((c: { id: string }) => c.id === 'darwin-pmset-therm');
  assert.equal(pmset.status, 'absent', "Apple silicon's pmset records nothing: no reading, not nominal");
  const running = sample.services.filter((s: { status: string }) => s.status === 'running');
  assert.ok(running.length >= 4, `replayed services running: ${running.map((s: { id: string }) => s.id)}`);
  const estimated = running.filter((s: { estimatedWatts: number | null }) => s.estimatedWatts !== null);
  const sum = estimated.reduce((w: number, s: { estimatedWatts: number }) => w + s.estimatedWatts, 0);
  assert.ok(sum <= sample.power.systemWatts + 1e-9, 'estimates never exceed the measured total');

  await eventually(
    async () => {
      const { body } = await monitor.api('/api/services');
      return (body as { lastActiveAt: number | null }[]).some((s) => s.lastActiveAt !== null)
        ? true
        : undefined;
    },
    20_000,
    'a request seen in the recorded connections',
  );

  const metrics = await fetch(`${monitor.base}/metrics`).then((r) => r.text());
  assert.match(metrics, /^unamentis_server_power_package_watts(\{[^}]*\})? 3\.248$/m);
  assert.match(metrics, /^unamentis_server_service_cpu_percent\{[^}]*service="vibevoice"/m);

  const report = await monitor.api('/api/report?since=1h');
  assert.equal(report.status, 200);
  assert.ok(Array.isArray(report.body.services));
  assert.equal(await monitor.stop(), 0);
});

test('monitor --replay of a folder that is not a recording fails with one line', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { CLI } = await import('./monitor-process.js');
  const dir = tempDir(t);
  const run = spawnSync(
    process.execPath,
    [CLI, 'monitor', '--replay', dir, '--data-dir', tempDir(t), '--port', '0'],
    {
      encoding: 'utf8',
      timeout: 15_000,
    },
  );
  assert.equal(run.status, 1);
  assert.match(run.stderr, /cannot replay/);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
});
