import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../../main/contract/alerts.js';
import type { ServiceSample } from '../../../main/contract/sample.js';
import { CpuTrails, TRAIL_MS } from '../../../renderer/model/cpu-trail.js';
import { whyFlagged } from '../../../renderer/model/why-flagged.js';
import { makeAlert, makeSample, makeService } from '../../sample-factory.js';

const NOW = 1_700_000_000_000;

test('a CPU trail is seeded from history, extended by samples and keeps 15 minutes', () => {
  const trails = new CpuTrails();
  trails.add(makeSample({ at: NOW, services: [makeService('a', { cpuPercent: 30 })] }));
  trails.seed('a', [
    { at: NOW - TRAIL_MS - 1000, cpuPercent: 99, rssBytes: 1, estimatedWatts: 1 },
    { at: NOW - 60_000, cpuPercent: 10, rssBytes: 1, estimatedWatts: 1 },
    { at: NOW, cpuPercent: 55, rssBytes: 1, estimatedWatts: 1 },
  ]);
  assert.deepEqual(trails.values('a', NOW), [10, 30], 'seeded points older than the live ones only');
  trails.add(makeSample({ at: NOW + 5000, services: [makeService('a', { cpuPercent: null })] }));
  assert.deepEqual(trails.values('a', NOW + 5000), [10, 30, null], 'unknown CPU stays a hole');
  assert.equal(trails.mean('a', NOW + 5000), 20);
  assert.deepEqual(trails.values('a', NOW + TRAIL_MS + 1000), [null]);
  assert.equal(trails.mean('nobody', NOW), null);
});

test('why flagged: numbers for the culprit of an open alert or a recommendation, nothing otherwise', () => {
  const service: ServiceSample = {
    ...makeService('ollama', { cpuPercent: 4 }),
    lastActiveAt: NOW - 2 * 3600_000,
    estimatedWatts: 4.1,
    models: { count: 1, bytes: 9.1e9, unloadsAt: null, keptLoaded: true },
  };
  const alert: AlertEvent = makeAlert({ serviceId: 'ollama' });
  const input = { openAlerts: [alert], recommendations: [], meanCpuPercent: 40, now: NOW };
  assert.equal(
    whyFlagged(service, input),
    '40 % CPU over 15 min, no requests for 2 h, 1 model loaded, \u2248 4.1 W',
  );
  assert.equal(whyFlagged(service, { ...input, openAlerts: [] }), null);
  const recommended = whyFlagged(
    { ...service, lastActiveAt: null, estimatedWatts: null, models: null },
    {
      ...input,
      openAlerts: [],
      meanCpuPercent: null,
      recommendations: [{ serviceId: 'ollama', text: '', wattHours: null, action: null }],
    },
  );
  assert.equal(recommended, '4.0 % CPU, no requests seen', 'unknown figures are left out, never 0');
});
