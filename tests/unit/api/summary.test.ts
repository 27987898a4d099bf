import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSnoozeRequest } from '../../../main/contract/requests.js';
import { averageServices, buildSystemSummary, RecentSamples } from '../../../main/api/summary.js';
import { makeSample, SAMPLE_AT } from './fake-monitor-api.js';
import { makeActivity } from '../../sample-factory.js';

test('RecentSamples keeps one minute by sample time and ignores stale samples', () => {
  const recent = new RecentSamples();
  for (let i = 0; i <= 20; i++) recent.push(makeSample({ at: SAMPLE_AT + i * 5000 }));
  assert.equal(recent.latest?.at, SAMPLE_AT + 100_000);
  assert.equal(recent.all.length, 13, '60 s at 5 s, both ends included');
  assert.equal(recent.all[0]!.at, SAMPLE_AT + 40_000);
  recent.push(makeSample({ at: SAMPLE_AT }));
  assert.equal(recent.latest?.at, SAMPLE_AT + 100_000);
  assert.equal(recent.all.length, 13);
});

test('RecentSamples follows the clock back when the sampler marks the sample as a gap', () => {
  const recent = new RecentSamples();
  for (let i = 0; i <= 4; i++) recent.push(makeSample({ at: SAMPLE_AT + i * 5000 }));
  const back = makeSample({ at: SAMPLE_AT - 3_600_000, gap: true });
  recent.push(back);
  assert.equal(recent.latest, back, 'the window restarts at the earlier time instead of freezing');
  assert.deepEqual(recent.all, [back]);
  recent.push(makeSample({ at: back.at, gap: true }));
  assert.equal(recent.latest, back, 'the same time twice is still a duplicate');
  recent.push(makeSample({ at: back.at + 5000 }));
  assert.equal(recent.all.length, 2);
});

test('service averages skip unknown figures and follow the latest service list', () => {
  const a = makeSample({ at: SAMPLE_AT });
  const b = makeSample({ at: SAMPLE_AT + 5000 });
  const c = makeSample({ at: SAMPLE_AT + 10_000 });
  a.services[1]!.cpuPercent = 40;
  b.services[1]!.cpuPercent = null;
  c.services[1]!.cpuPercent = 60;
  c.services[1]!.rssBytes = 3_100_000_000;
  const averages = averageServices([a, b, c]);
  const vibevoice = averages.find((s) => s.id === 'vibevoice')!;
  assert.equal(vibevoice.cpuPercent, 50);
  assert.equal(vibevoice.rssBytes, (2_100_000_000 * 2 + 3_100_000_000) / 3);
  assert.equal(vibevoice.samples, 3);
  assert.equal(averages.find((s) => s.id === 'piper')!.estimatedWatts, null);
  assert.equal(buildSystemSummary([], 0), null);
  const summary = buildSystemSummary([a, b, c], 99)!;
  assert.equal(summary.historyLength, 99);
  assert.equal(summary.idle.idleDurationSeconds, 610);
});

test('snooze requests are validated field by field', () => {
  assert.deepEqual(validateSnoozeRequest({ rule: 'all', until: 'tomorrow' }), {
    ok: true,
    value: { rule: 'all', until: 'tomorrow' },
  });
  assert.deepEqual(validateSnoozeRequest({ rule: 'thermal-pressure', until: { minutes: 15 } }), {
    ok: true,
    value: { rule: 'thermal-pressure', until: { minutes: 15 } },
  });
  const fields = (input: unknown) => {
    const result = validateSnoozeRequest(input);
    return result.ok ? [] : result.errors.map((e) => e.field);
  };
  assert.deepEqual(fields(null), ['(root)']);
  assert.deepEqual(fields([]), ['(root)']);
  assert.deepEqual(fields({ rule: 'x', until: 'later' }), ['rule', 'until']);
  assert.deepEqual(fields({ rule: 'all', until: { minutes: 0 } }), ['until.minutes']);
  assert.deepEqual(fields({ rule: 'all', until: { minutes: 1e9 } }), ['until.minutes']);
  assert.deepEqual(fields({ rule: 'all', until: 'tomorrow', extra: 1 }), ['extra']);
});

test('each service average carries the latest sample’s activity, and null where none was measured', () => {
  const a = makeSample({ at: SAMPLE_AT });
  const b = makeSample({ at: SAMPLE_AT + 5000 });
  const activity = makeActivity({
    requestCount5m: { user: 3, internal: 150 },
    lastInternalRequestAt: SAMPLE_AT + 5000,
    internalClients: [{ id: 'management', name: 'Management Console', requests5m: 150, everySeconds: 2 }],
  });
  a.services[0]!.activity = { ...activity, requestCount5m: { user: 9, internal: 9 } };
  b.services[0]!.activity = activity;
  const averages = averageServices([a, b]);
  assert.deepEqual(averages.find((s) => s.id === b.services[0]!.id)!.activity, activity);
  assert.equal(averages.find((s) => s.id === b.services[1]!.id)!.activity, null);
});
