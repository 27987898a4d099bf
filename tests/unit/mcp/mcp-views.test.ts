import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Report } from '../../../main/contract/index.js';
import {
  describeCulprit,
  describePowerNow,
  describeService,
  findCulprit,
  powerFigures,
  serviceViews,
} from '../../../main/mcp/views.js';
import { makeSample, makeService } from '../store/sample-factory.js';
import { makeActivity } from '../../sample-factory.js';

function reportWith(
  services: { serviceId: string; idleWattHours: number }[],
  recommendation?: string,
): Report {
  return {
    range: { from: 0, to: 1 },
    sampleCount: 10,
    coveredSeconds: 600,
    idleSeconds: 600,
    systemIdleWattHours: 1,
    systemActiveWattHours: 0,
    peakSystemWatts: 9,
    meanSystemWatts: 6,
    powerSource: 'battery',
    meanPackageWatts: null,
    packageName: 'package',
    thermalSeconds: { nominal: 600, fair: 0, serious: 0, critical: 0 },
    services: services.map((s) => ({
      ...s,
      name: s.serviceId,
      activeWattHours: 0,
      meanCpuPercent: null,
      meanRssBytes: null,
      idleSeconds: 600,
    })),
    alerts: [],
    recommendations: recommendation
      ? [{ serviceId: services[0]!.serviceId, text: recommendation, wattHours: 1, action: null }]
      : [],
    recommendationsNote: 'Nothing to act on: no service wasted measurable energy while idle.',
  };
}

test('the culprit is the idle running service with the largest estimated draw, with its recommendation', () => {
  const sample = makeSample({
    at: 10_000_000,
    services: [
      makeService('ollama', { active: true, estimatedWatts: 6 }),
      makeService('vibevoice', { estimatedWatts: 2.5, cpuPercent: 40, lastActiveAt: 10_000_000 - 7_200_000 }),
      makeService('nextjs', { estimatedWatts: 0.4 }),
      makeService('piper', { status: 'stopped', estimatedWatts: null }),
    ],
  });
  const culprit = findCulprit(
    sample,
    reportWith([{ serviceId: 'vibevoice', idleWattHours: 9 }], 'Unload it.'),
  );
  assert.equal(culprit.service?.id, 'vibevoice', 'a service serving requests is not the culprit');
  assert.equal(culprit.recommendation, 'Unload it.');
  assert.match(
    describeCulprit(culprit),
    /VibeVoice.*≈ 2\.5 W now \(estimate\), 40 % CPU, ≈ 9\.0 Wh while idle.*last request 2 h ago/,
  );
  assert.match(describeCulprit(culprit), /Recommendation: Unload it\./);
});

test('without live estimates the idle watt-hours decide, and with nothing known there is no culprit', () => {
  const sample = makeSample({
    services: [
      makeService('nextjs', { estimatedWatts: null }),
      makeService('piper', { estimatedWatts: null }),
    ],
  });
  const byEnergy = findCulprit(
    sample,
    reportWith([
      { serviceId: 'nextjs', idleWattHours: 0.5 },
      { serviceId: 'piper', idleWattHours: 3 },
    ]),
  );
  assert.equal(byEnergy.service?.id, 'piper');
  const unknown = findCulprit(sample, null);
  assert.equal(unknown.service, null);
  assert.match(describeCulprit(unknown), /^No culprit: no estimate yet\./);
});

test('power figures carry their source and kind, and an unknown figure its reason, never 0', () => {
  const sample = makeSample({ power: { dramWatts: null, packageWatts: 3.2 } });
  sample.sources['power.packageWatts'] = { source: 'powermetrics', kind: 'measured' };
  sample.absent['power.dramWatts'] = 'no DRAM rail on this machine';
  const figures = powerFigures(sample);
  const dram = figures.find((f) => f.figure === 'dramWatts')!;
  assert.deepEqual([dram.watts, dram.unknownBecause], [null, 'no DRAM rail on this machine']);
  const text = describePowerNow(sample);
  assert.match(text, /Package \(CPU\/SoC\): 3\.2 W \(measured, powermetrics\)/);
  assert.match(text, /DRAM: unknown \(no DRAM rail on this machine\)/);
});

test('a culprit polled by another monitored service says who polls it and how often; its requests are estimates', () => {
  const activity = makeActivity({
    requestCount5m: { user: 0, internal: 150 },
    internalClients: [{ id: 'management', name: 'Management Console', requests5m: 150, everySeconds: 2 }],
  });
  const sample = makeSample({
    at: 10_000_000,
    services: [makeService('nextjs', { name: 'Next.js', estimatedWatts: 0.4, cpuPercent: 3, activity })],
  });
  const text = describeCulprit(findCulprit(sample, null));
  assert.match(
    text,
    /Next\.js.*3\.0 % CPU.*Management Console polls Next\.js every ≈ 2 s \(150 in 5 min\), internal traffic that keeps it busy/,
  );
  const [view] = serviceViews(sample.services, null);
  assert.match(
    describeService(view!, sample.at),
    /requests in 5 min ≈ 0 from users, 150 internal \(estimate\) · Management Console polls Next\.js every ≈ 2 s/,
  );
  const quiet = serviceViews([makeService('nextjs')], null)[0]!;
  assert.deepEqual([quiet.requestCount5m, quiet.polledBy], [null, []], 'no traffic reading: unknown');
  assert.doesNotMatch(describeService(quiet, sample.at), /requests in 5 min/);
});
