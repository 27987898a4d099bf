import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../../main/contract/alerts.js';
import type { ServiceSample } from '../../../main/contract/sample.js';
import {
  mergeAlerts,
  nextSort,
  openAlertsByService,
  sortServices,
  splitByStatus,
} from '../../../renderer/model/services-model.js';
import { serviceStatusLabel } from '../../../renderer/model/service-status.js';
import { makeService } from '../../sample-factory.js';

const svc = (id: string, over: Partial<ServiceSample> = {}): ServiceSample =>
  makeService(id, {
    name: id,
    pids: [1],
    ports: [],
    rssBytes: 1,
    threads: 1,
    openFiles: null,
    connections: null,
    estimatedWatts: 1,
    ...over,
  });

test('sorting puts missing values last in both directions and breaks ties by name', () => {
  const list = [
    svc('b', { estimatedWatts: 2 }),
    svc('a', { estimatedWatts: null }),
    svc('c', { estimatedWatts: 2 }),
    svc('d', { estimatedWatts: 5 }),
  ];
  assert.deepEqual(
    sortServices(list, { key: 'watts', descending: true }).map((s) => s.id),
    ['d', 'b', 'c', 'a'],
  );
  assert.deepEqual(
    sortServices(list, { key: 'watts', descending: false }).map((s) => s.id),
    ['b', 'c', 'd', 'a'],
  );
  assert.deepEqual(
    sortServices(list, { key: 'idleToday', descending: true }, { idleWattHoursToday: { c: 9, a: 1 } }).map(
      (s) => s.id,
    ),
    ['c', 'a', 'b', 'd'],
  );
  assert.deepEqual(
    list.map((s) => s.id),
    ['b', 'a', 'c', 'd'],
    'the input is not mutated',
  );
});

test('clicking a column flips it; a new column starts descending except names', () => {
  assert.deepEqual(nextSort({ key: 'cpu', descending: true }, 'cpu'), { key: 'cpu', descending: false });
  assert.deepEqual(nextSort({ key: 'cpu', descending: true }, 'memory'), { key: 'memory', descending: true });
  assert.deepEqual(nextSort({ key: 'cpu', descending: true }, 'name'), { key: 'name', descending: false });
});

test('stopped services are split from running ones', () => {
  const { running, stopped } = splitByStatus([svc('a'), svc('b', { status: 'stopped' })]);
  assert.deepEqual([running.map((s) => s.id), stopped.map((s) => s.id)], [['a'], ['b']]);
});

const alert = (
  id: string,
  at: number,
  kind: AlertEvent['kind'],
  serviceId: string | null,
  rule: AlertEvent['rule'] = 'idle-service-cpu',
): AlertEvent => ({
  id,
  at,
  rule,
  kind,
  severity: kind === 'cleared' ? null : 'warning',
  serviceId,
  value: 1,
  unit: '%',
  threshold: 1,
  durationSeconds: 1,
  title: id,
  message: id,
});

test('a cleared event closes the alert its rule opened for that service', () => {
  const open = openAlertsByService([
    alert('1', 1, 'fired', 'vibevoice'),
    alert('2', 2, 'fired', 'nextjs', 'memory-growth'),
    alert('3', 3, 'cleared', 'nextjs', 'memory-growth'),
    alert('4', 4, 'escalated', 'vibevoice'),
    alert('5', 5, 'fired', null, 'idle-power'),
  ]);
  assert.deepEqual([...open.keys()], ['vibevoice']);
  assert.deepEqual(
    open.get('vibevoice')!.map((a) => a.id),
    ['4'],
  );
});

test('a whole-machine alert is one alert whichever culprit its events name', () => {
  const open = openAlertsByService([
    alert('1', 1, 'fired', 'vibevoice', 'idle-power'),
    alert('2', 2, 'cleared', 'ollama', 'idle-power'),
    alert('3', 3, 'fired', 'nextjs', 'thermal-pressure'),
    alert('4', 4, 'escalated', 'piper', 'thermal-pressure'),
  ]);
  assert.deepEqual(
    [...open.entries()].map(([id, alerts]) => [id, alerts.map((a) => a.id)]),
    [['piper', ['4']]],
  );
});

test('alerts merge by id, newest first, bounded', () => {
  const merged = mergeAlerts(
    [alert('1', 1, 'fired', 'a'), alert('2', 5, 'fired', 'a')],
    [alert('1', 1, 'fired', 'a'), alert('3', 3, 'fired', 'a')],
    2,
  );
  assert.deepEqual(
    merged.map((a) => a.id),
    ['2', '3'],
  );
});

test("the Status column uses the plan's words: Active, Loaded, Idle (no models), Stopped", () => {
  const now = 10_000_000;
  const idleAfter = 5 * 60_000;
  const label = (over: Partial<ServiceSample>) => serviceStatusLabel(svc('x', over), now, idleAfter);
  const noModels = { count: 0, bytes: 0, unloadsAt: null, keptLoaded: false };
  assert.equal(label({ status: 'stopped' }), 'Stopped');
  assert.equal(label({ active: true }), 'Active');
  assert.equal(label({ lastActiveAt: now - 60_000, models: noModels }), 'Active', 'a recent request');
  assert.equal(
    label({
      lastActiveAt: now - 2 * 3600_000,
      models: { count: 2, bytes: 9.1e9, unloadsAt: now + 180_000, keptLoaded: false },
    }),
    'Loaded',
  );
  assert.equal(label({ models: { count: 1, bytes: null, unloadsAt: null, keptLoaded: true } }), 'Loaded');
  assert.equal(label({ models: noModels }), 'Idle (no models)');
  assert.equal(label({ models: null }), 'Idle', 'nothing says whether a model is held: no guess');
  const sorted = sortServices(
    [
      svc('idle'),
      svc('busy', { active: true }),
      svc('loaded', { models: { count: 1, bytes: 2e9, unloadsAt: null, keptLoaded: false } }),
    ],
    { key: 'status', descending: true },
    { idleWattHoursToday: {}, now, idleAfterMs: idleAfter },
  );
  assert.deepEqual(
    sorted.map((s) => s.id),
    ['busy', 'loaded', 'idle'],
  );
});
