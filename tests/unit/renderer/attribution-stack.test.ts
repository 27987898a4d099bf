import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryPoint, ServicePoint } from '../../../main/contract/history.js';
import {
  attributionStack,
  cumulative,
  REST_ID,
  stackSummary,
} from '../../../renderer/model/attribution-stack.js';

const T = 1_700_000_000_000;
const point = (i: number, systemWatts: number | null, over: Partial<HistoryPoint> = {}): HistoryPoint => ({
  at: T + i * 60_000,
  systemWatts,
  systemWattsMin: systemWatts,
  systemWattsMax: systemWatts,
  cpuWatts: null,
  gpuWatts: null,
  packageWatts: systemWatts === null ? null : systemWatts / 2,
  cpuTempCelsius: null,
  thermalLevel: 0,
  stackIdle: true,
  activeServices: [],
  gap: false,
  ...over,
});
const svc = (at: number, estimatedWatts: number | null): ServicePoint => ({
  at,
  cpuPercent: 1,
  rssBytes: 1,
  estimatedWatts,
});

test('each bucket is split into the services and the rest, adding up to the measured total', () => {
  const history = [point(0, 8), point(1, 10), point(2, null), point(3, 6)];
  const stack = attributionStack(
    history,
    [
      { id: 'ollama', name: 'Ollama', points: [svc(T, 1), svc(T + 60_000, 1)] },
      { id: 'vibevoice', name: 'VibeVoice', points: [svc(T, 4), svc(T + 60_000, 5), svc(T + 180_000, 3)] },
      { id: 'piper', name: 'Piper', points: [] },
    ],
    'system',
  );
  assert.deepEqual(
    stack.layers.map((l) => l.id),
    ['vibevoice', 'ollama', REST_ID],
    'largest first, rest last; a service never seen is left out',
  );
  assert.deepEqual(stack.layers[1]!.values, [1, 1, null, 0], 'absent from a bucket: no process, 0 W');
  assert.deepEqual(stack.layers[2]!.values, [3, 4, null, 3]);
  const tops = cumulative(stack).at(-1)!;
  assert.deepEqual(tops, stack.totals, 'the stack tops out at the measured total');
  assert.deepEqual(stack.totals, [8, 10, null, 6]);
});

test('the package basis splits the package figure; estimates above the total are scaled down to it', () => {
  const stack = attributionStack([point(0, 8)], [{ id: 'a', name: 'A', points: [svc(T, 6)] }], 'package');
  assert.deepEqual(stack.totals, [4]);
  assert.deepEqual(
    stack.layers.map((l) => l.values[0]),
    [4, 0],
  );
});

test('an unknown estimate makes its bucket unknown rather than a guessed rest', () => {
  const stack = attributionStack(
    [point(0, 8), point(1, 8)],
    [{ id: 'a', name: 'A', points: [svc(T, null), svc(T + 60_000, 2)] }],
    'system',
  );
  assert.deepEqual(stack.layers.find((l) => l.id === REST_ID)!.values, [null, 6]);
});

test('per-sample service points fall into the history bucket that holds them', () => {
  const stack = attributionStack(
    [point(0, 10), point(1, 10)],
    [{ id: 'a', name: 'A', points: [svc(T + 5_000, 2), svc(T + 35_000, 4), svc(T + 65_000, 1)] }],
    'system',
  );
  assert.deepEqual(stack.layers[0]!.values, [3, 1]);
});

test('the summary reads the means out, names the total and says the split is an estimate', () => {
  const stack = attributionStack(
    [point(0, 8), point(1, 10)],
    [{ id: 'v', name: 'VibeVoice', points: [svc(T, 4), svc(T + 60_000, 6)] }],
    'system',
  );
  assert.equal(
    stackSummary(stack, '15 min', 'SoC'),
    'Who used the power over the last 15 min, on average: VibeVoice \u2248 5.0 W, rest of system \u2248 4.0 W; ' +
      'together 9.0 W of measured system power (whole machine). The split between services is an estimate.',
  );
  assert.match(stackSummary(attributionStack([], [], 'system'), '1 h', 'SoC'), /no data/);
});
