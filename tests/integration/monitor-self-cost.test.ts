// The real `idlewatt monitor` reports its own cost: /api/status and /metrics carry figures measured
// from the running process, checked against what the kernel says about that process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from '../helpers.js';
import { eventually, RECORDING, startMonitor } from './monitor-process.js';

/** The process's resident memory as /proc reports it; null where there is no /proc (macOS). */
function procRssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

test("/api/status and /metrics show IdleWatt's own measured CPU and memory", async (t) => {
  const monitor = await startMonitor(tempDir(t), ['--replay', RECORDING, '--interval', '1']);
  t.after(() => monitor.stop());
  const self = await eventually(
    async () => {
      const status = (await monitor.api('/api/status')).body;
      return typeof status?.self?.cpuPercent === 'number' ? status.self : undefined;
    },
    30_000,
    'a measured self cost in /api/status',
  );
  assert.ok(self.cpuPercent >= 0 && self.cpuPercent < 400, `cpuPercent ${self.cpuPercent}`);
  assert.ok(Number.isInteger(self.rssBytes) && self.rssBytes > 10_000_000, `rssBytes ${self.rssBytes}`);
  const kernelRss = procRssBytes(monitor.child.pid!);
  if (kernelRss === null) {
    t.diagnostic('no /proc here: the RSS is not cross-checked against the kernel');
  } else {
    // Both read the same process a moment apart: allocation in between moves it a little.
    assert.ok(
      Math.abs(kernelRss - self.rssBytes) < 0.5 * kernelRss,
      `monitor says ${self.rssBytes} B, /proc says ${kernelRss} B`,
    );
  }

  const metrics = await monitor.api('/metrics');
  assert.equal(metrics.status, 200);
  const text = String(metrics.body);
  const value = (name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    assert.ok(match, `${name} is exported`);
    return Number(match[1]);
  };
  assert.ok(value('unamentis_server_self_cpu_percent') >= 0);
  assert.ok(value('unamentis_server_self_memory_bytes') > 10_000_000);
  // Stopped before the data folder is removed: a monitor still writing its history races the removal.
  assert.equal(await monitor.stop(), 0);
});
