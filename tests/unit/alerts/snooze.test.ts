import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applySnooze,
  clearSnooze,
  isSnoozed,
  nextLocalMidnight,
  pruneExpired,
} from '../../../main/alerts/snooze.js';
import { ALERT_RULE_IDS, type SnoozeRequest } from '../../../main/contract/alerts.js';
import { HOUR, MINUTE } from './sample-factory.js';

const NOW = Date.UTC(2025, 4, 1, 21, 30);

test('a snooze for minutes sets the end time and records a snoozed event', () => {
  const result = applySnooze({ snoozedUntil: {} }, { rule: 'idle-power', until: { minutes: 60 } }, NOW);
  assert.ok(result.ok);
  assert.deepEqual(result.state, { snoozedUntil: { 'idle-power': NOW + HOUR } });
  assert.deepEqual(result.events, [
    {
      id: `idle-power:system:${NOW}:snoozed`,
      at: NOW,
      rule: 'idle-power',
      kind: 'snoozed',
      severity: null,
      serviceId: null,
      value: null,
      unit: null,
      threshold: null,
      durationSeconds: 3600,
      title: 'Idle power alerts snoozed',
      message: 'Idle power alerts snoozed for 60 min',
    },
  ]);
  assert.ok(isSnoozed(result.state, 'idle-power', NOW + HOUR - 1));
  assert.ok(!isSnoozed(result.state, 'idle-power', NOW + HOUR));
  assert.ok(!isSnoozed(result.state, 'memory-growth', NOW));
});

test("snoozing 'all' covers every rule with one event each", () => {
  const result = applySnooze({ snoozedUntil: {} }, { rule: 'all', until: { minutes: 5 } }, NOW);
  assert.ok(result.ok);
  assert.deepEqual(
    result.events.map((e) => e.rule),
    [...ALERT_RULE_IDS],
  );
  assert.equal(new Set(result.events.map((e) => e.id)).size, ALERT_RULE_IDS.length);
  assert.equal(result.events[0]!.message, 'All alerts snoozed for 5 min');
  for (const rule of ALERT_RULE_IDS) assert.ok(isSnoozed(result.state, rule, NOW + 4 * MINUTE));
});

test("'tomorrow' snoozes until the next local midnight for the given UTC offset", () => {
  // 21:30 UTC is 23:30 in UTC+2: midnight there is 22:00 UTC.
  const east = applySnooze({ snoozedUntil: {} }, { rule: 'thermal-pressure', until: 'tomorrow' }, NOW, {
    utcOffsetMinutes: 120,
  });
  assert.ok(east.ok);
  assert.equal(east.state.snoozedUntil['thermal-pressure'], Date.UTC(2025, 4, 1, 22, 0));
  assert.equal(east.events[0]!.message, 'Thermal pressure alerts snoozed until midnight (30 min)');
  // 21:30 UTC is 16:30 in UTC-5: midnight there is 05:00 UTC the next day.
  assert.equal(nextLocalMidnight(NOW, -300), Date.UTC(2025, 4, 2, 5, 0));
  // Exactly at midnight: the next one, a day later.
  assert.equal(nextLocalMidnight(Date.UTC(2025, 4, 2), 0), Date.UTC(2025, 4, 3));
});

test('without an offset, midnight follows the local time zone of the event time', () => {
  const midnight = nextLocalMidnight(NOW);
  const local = new Date(midnight);
  assert.deepEqual([local.getHours(), local.getMinutes(), local.getSeconds()], [0, 0, 0]);
  assert.ok(midnight > NOW && midnight <= NOW + 25 * HOUR);
});

test('invalid snooze requests are labelled errors, never exceptions', () => {
  const bad: unknown[] = [
    null,
    { rule: 'bogus', until: { minutes: 5 } },
    { rule: 'idle-power', until: { minutes: 0 } },
    { rule: 'idle-power', until: { minutes: -5 } },
    { rule: 'idle-power', until: { minutes: Number.NaN } },
    { rule: 'idle-power', until: { minutes: 1e9 } },
    { rule: 'idle-power', until: 'someday' },
    { rule: 'idle-power' },
  ];
  for (const request of bad) {
    const result = applySnooze({ snoozedUntil: {} }, request as SnoozeRequest, NOW);
    assert.equal(result.ok, false, JSON.stringify(request));
    if (!result.ok) assert.match(result.error, /^snooze(\.rule|\.until)?: /);
  }
  const offset = applySnooze({ snoozedUntil: {} }, { rule: 'all', until: 'tomorrow' }, NOW, {
    utcOffsetMinutes: 5000,
  });
  assert.equal(offset.ok, false);
});

test('snoozes can be ended early and expired ones are pruned', () => {
  const state = { snoozedUntil: { 'idle-power': NOW + HOUR, all: NOW - 1 } };
  assert.deepEqual(pruneExpired(state, NOW), { snoozedUntil: { 'idle-power': NOW + HOUR } });
  assert.deepEqual(clearSnooze(state, 'idle-power'), { snoozedUntil: { all: NOW - 1 } });
  const renewed = applySnooze(state, { rule: 'memory-growth', until: { minutes: 1 } }, NOW);
  assert.ok(renewed.ok);
  assert.deepEqual(Object.keys(renewed.state.snoozedUntil).sort(), ['idle-power', 'memory-growth']);
});

test("a service's snooze silences only that service's per-service alerts, with one event per such rule", () => {
  const result = applySnooze(
    { snoozedUntil: { 'idle-power': NOW + HOUR } },
    { rule: 'all', until: { minutes: 30 }, serviceId: 'ollama' },
    NOW,
  );
  assert.ok(result.ok);
  assert.deepEqual(result.state, {
    snoozedUntil: { 'idle-power': NOW + HOUR },
    snoozedServices: { ollama: NOW + 30 * MINUTE },
  });
  assert.deepEqual(
    result.events.map((e) => [e.id, e.rule, e.kind, e.serviceId, e.message]),
    [
      [
        `idle-service-cpu:service:ollama:${NOW}:snoozed`,
        'idle-service-cpu',
        'snoozed',
        'ollama',
        'Idle service CPU alerts for ollama snoozed for 30 min',
      ],
      [
        `memory-growth:service:ollama:${NOW}:snoozed`,
        'memory-growth',
        'snoozed',
        'ollama',
        'Memory growth alerts for ollama snoozed for 30 min',
      ],
    ],
  );
  const later = NOW + 30 * MINUTE - 1;
  assert.ok(isSnoozed(result.state, 'idle-service-cpu', later, 'ollama'));
  assert.ok(isSnoozed(result.state, 'memory-growth', later, 'ollama'));
  assert.ok(!isSnoozed(result.state, 'idle-service-cpu', later, 'nextjs'), 'another service');
  assert.ok(!isSnoozed(result.state, 'idle-service-cpu', later), 'no service named');
  assert.ok(!isSnoozed(result.state, 'thermal-pressure', later, 'ollama'), 'a whole-machine rule');
  assert.ok(!isSnoozed(result.state, 'idle-service-cpu', NOW + 30 * MINUTE, 'ollama'), 'expired');
});

test('per-service snoozes expire and are pruned like the others; states without them still work', () => {
  const state = {
    snoozedUntil: { all: NOW - 1 },
    snoozedServices: { ollama: NOW + HOUR, nextjs: NOW - 1 },
  };
  assert.deepEqual(pruneExpired(state, NOW), { snoozedUntil: {}, snoozedServices: { ollama: NOW + HOUR } });
  assert.deepEqual(pruneExpired(state, NOW + HOUR), { snoozedUntil: {} });
  assert.deepEqual(clearSnooze(state, 'all'), { snoozedUntil: {}, snoozedServices: state.snoozedServices });
  const old = { snoozedUntil: { 'memory-growth': NOW + HOUR } };
  assert.ok(isSnoozed(old, 'memory-growth', NOW, 'ollama'));
  assert.ok(!isSnoozed(old, 'idle-service-cpu', NOW, 'ollama'));
  const added = applySnooze(old, { rule: 'all', until: 'tomorrow', serviceId: 'ollama' }, NOW, {
    utcOffsetMinutes: 0,
  });
  assert.ok(added.ok);
  assert.deepEqual(added.state.snoozedServices, { ollama: nextLocalMidnight(NOW, 0) });
  const renewed = applySnooze(added.state, { rule: 'idle-power', until: { minutes: 1 } }, NOW);
  assert.ok(renewed.ok);
  assert.deepEqual(
    renewed.state.snoozedServices,
    { ollama: nextLocalMidnight(NOW, 0) },
    'kept by a rule snooze',
  );
});
