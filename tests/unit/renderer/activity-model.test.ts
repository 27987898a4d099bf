import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceSample } from '../../../main/contract/sample.js';
import { activityFacts } from '../../../renderer/model/activity-model.js';
import { headerModel } from '../../../renderer/model/header-model.js';
import { formatAgo } from '../../../renderer/format.js';
import { makeActivity, makeSample, makeService } from '../../sample-factory.js';

const NOW = 1_800_000_000_000;

function service(extra: Partial<ServiceSample> = {}): ServiceSample {
  return makeService('nextjs', {
    name: 'Next.js',
    pids: [10, 11],
    ports: [3000],
    cpuPercent: 3,
    rssBytes: 320e6,
    threads: 24,
    openFiles: 61,
    connections: 1,
    lastActiveAt: NOW - 32_000,
    estimatedWatts: 0.4,
    ...extra,
  });
}

const text = (facts: ReturnType<typeof activityFacts>) => facts.map((f) => `${f.label}: ${f.value}`);

test('the expanded row names internal pollers and their cadence, user and internal requests apart', () => {
  const facts = activityFacts(
    service({
      activity: makeActivity({
        connectionsOpened: { user: 0, internal: 1 },
        activeConnections: 1,
        bytesIn: 1234,
        bytesOut: 56_000,
        requestCount5m: { user: 3, internal: 150 },
        lastUserRequestAt: NOW - 32_000,
        lastInternalRequestAt: NOW - 1000,
        internalClients: [
          { id: 'console', name: 'Management Console', requests5m: 150, everySeconds: 2 },
          { id: 'idlewatt', name: 'IdleWatt', requests5m: 1, everySeconds: null },
        ],
      }),
    }),
    NOW,
  );
  assert.deepEqual(text(facts), [
    'Requests, 5 min: \u2248 3 from users \u00b7 150 internal',
    'Internal: Management Console polls Next.js every \u2248 2 s (150 in 5 min): Next.js 3.0 % CPU',
    'Internal: IdleWatt sent Next.js 1 request in 5 min: Next.js 3.0 % CPU',
    'Last request: user now \u00b7 internal now',
    'Connections: 1 open \u00b7 1 new since the last sample',
    'Traffic: in 1.2 kB \u00b7 out 56 kB since the last sample',
    'Threads: 24',
    'Open files: 61',
  ]);
  assert.match(facts[0]!.title!, /estimate/);
});

test('unknown figures read unknown, never 0; Ollama shows its inference lower bound', () => {
  const facts = activityFacts(
    service({
      openFiles: null,
      threads: null,
      activity: makeActivity({ bytesIn: null, bytesOut: null, inferenceCount5m: 4 }),
    }),
    NOW,
  );
  assert.deepEqual(text(facts).slice(2), [
    'Connections: 0 open \u00b7 0 new since the last sample',
    'Traffic: unknown',
    'Inferences, 5 min: \u2265 4',
    'Open files: unknown',
  ]);
  assert.equal(text(facts)[1], 'Last request: user never \u00b7 internal never');
  assert.deepEqual(text(activityFacts(service(), NOW)).slice(0, 1), ['Requests: unknown']);
});

test('the header and the rows agree on the last request: the same words for the same time', () => {
  for (const agoMs of [32_000, 5 * 60_000 + 1000]) {
    const at = NOW - agoMs;
    const sample = makeSample({
      at: NOW,
      idle: { stackIdle: false, lastActivityAt: at },
      services: [service({ lastActiveAt: at })],
    });
    const row = formatAgo(sample.services[0]!.lastActiveAt, NOW);
    assert.equal(headerModel(sample, NOW).idle, `Stack active \u00b7 last request ${row}`);
  }
  assert.equal(formatAgo(NOW - 32_000, NOW), 'now', 'the row’s word for 32 s ago');
});
