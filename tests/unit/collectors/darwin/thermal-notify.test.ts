import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as Koffi from 'koffi';
import {
  NOTIFY_PROTOTYPES,
  openKoffiNotify,
} from '../../../../main/collectors/darwin/notify/koffi-notify.js';
import type { NotifyOpenResult, NotifyPort } from '../../../../main/collectors/darwin/notify/ports.js';
import {
  parseNotifySnapshot,
  recordNotify,
  replayNotify,
  type NotifySnapshot,
} from '../../../../main/collectors/darwin/notify/snapshot.js';
import {
  createThermalNotifyCollector,
  NOTIFYUTIL_ARGS,
  osThermalLevelOfState,
  parseNotifyutilGet,
  THERMAL_PRESSURE_KEY,
} from '../../../../main/collectors/darwin/thermal-notify.js';
import type { CollectorEnv, CommandResult, CommandRunner } from '../../../../main/collectors/types.js';
import { FIXTURES } from '../../../helpers.js';

const request = { slow: false, watchPids: new Set<number>(), servicePorts: new Set<number>() };
const NOTIFYUTIL_MODERATE = readFileSync(
  join(FIXTURES, 'notifyutil', 'written-sample-notifyutil-g-thermalpressurelevel-moderate.txt'),
  'utf8',
);

function env(exec: CommandRunner): CollectorEnv {
  return { sysRoot: '/', procRoot: '/proc', exec, now: () => 42, fetch: globalThis.fetch };
}

const noCommand: CommandRunner = async () => ({
  stdout: '',
  stderr: '',
  exitCode: null,
  failure: 'not-found',
});

function portOf(states: (number | string)[]): NotifyPort & { closed: number; asked: string[] } {
  const port = {
    closed: 0,
    asked: [] as string[],
    getState(name: string) {
      port.asked.push(name);
      const next = states.shift();
      if (next === undefined || typeof next === 'string')
        return { ok: false as const, error: next ?? 'none left' };
      return { ok: true as const, state: next };
    },
    close() {
      port.closed++;
    },
  };
  return port;
}

test("macOS's five OSThermalPressureLevel values (0–4) map as ProcessInfo.thermalState does; anything else is no level", () => {
  assert.deepEqual([0, 1, 2, 3, 4].map(osThermalLevelOfState), [
    'nominal',
    'moderate',
    'heavy',
    'trapping',
    'sleeping',
  ]);
  // iOS numbers its levels 0/10/20/30/40/50: never read as a macOS level.
  for (const state of [5, 10, 20, 50, -1, 1.5])
    assert.equal(osThermalLevelOfState(state), null, String(state));
});

test('notifyutil -g prints the key and its state; other shapes are errors with the text', () => {
  assert.equal(parseNotifyutilGet(NOTIFYUTIL_MODERATE), 1);
  assert.equal(parseNotifyutilGet('com.apple.system.thermalpressurelevel 0\n'), 0);
  assert.match(String(parseNotifyutilGet('')), /printed nothing/);
  assert.match(String(parseNotifyutilGet('com.apple.other 0\n')), /answered for com\.apple\.other/);
  assert.match(String(parseNotifyutilGet('usage: notifyutil [-q] …\n')), /unexpected notifyutil output/);
});

test('the notify port gives the raw level and the mapped pressure, preferred source "notify"; the port is closed once', async () => {
  const port = portOf([2, 3]);
  const collector = createThermalNotifyCollector(env(noCommand), { open: () => ({ ok: true, port }) });
  assert.deepEqual(await collector.collect(request), {
    status: 'ok',
    value: { thermal: { source: 'notify', pressure: 'fair', osLevel: 'heavy' } },
    at: 42,
  });
  const trapping = await collector.collect(request);
  assert.equal(trapping.status === 'ok' && trapping.value.thermal?.pressure, 'serious');
  assert.deepEqual(port.asked, [THERMAL_PRESSURE_KEY, THERMAL_PRESSURE_KEY]);
  await collector.close?.();
  assert.equal(port.closed, 1);
});

test('where notify(3) cannot be read, notifyutil -g stands in; where neither works, absent with both reasons', async () => {
  const calls: string[][] = [];
  const notifyutil: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    return { stdout: NOTIFYUTIL_MODERATE, stderr: '', exitCode: 0 } satisfies CommandResult;
  };
  const unloaded: NotifyOpenResult = {
    ok: false,
    reason: 'unsupported',
    detail: 'notify(3) could not be loaded: x',
  };
  const fallback = await createThermalNotifyCollector(env(notifyutil), { open: () => unloaded }).collect(
    request,
  );
  assert.deepEqual(fallback, {
    status: 'ok',
    value: { thermal: { source: 'notifyutil', pressure: 'fair', osLevel: 'moderate' } },
    at: 42,
  });
  assert.deepEqual(calls, [['notifyutil', ...NOTIFYUTIL_ARGS]]);

  const linux = await createThermalNotifyCollector(env(noCommand), {
    open: () => openKoffiNotify('linux'),
  }).collect(request);
  assert.deepEqual(linux, {
    status: 'absent',
    reason: 'unsupported',
    detail: 'notify(3) thermal pressure exists only on macOS; notifyutil not found',
  });

  const failing = createThermalNotifyCollector(env(noCommand), {
    open: () => ({ ok: true, port: portOf(['notify_get_state: status 2']) }),
  });
  const both = await failing.collect(request);
  assert.equal(both.status, 'absent');
  if (both.status === 'absent') assert.equal(both.detail, 'notify_get_state: status 2; notifyutil not found');
});

test('a level outside 0–4 is an error reading that names it, never a guessed pressure', async () => {
  const collector = createThermalNotifyCollector(env(noCommand), {
    open: () => ({ ok: true, port: portOf([20]) }),
  });
  const reading = await collector.collect(request);
  assert.equal(reading.status, 'error');
  if (reading.status === 'error') assert.match(reading.message, /level 20 is not one of macOS's five/);
});

test('the notify(3) prototypes parse in koffi with the C sizes of <notify.h> (int token, uint64_t state)', () => {
  const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
  type Parsed = {
    name: string;
    result: Koffi.TypeObject;
    arguments: { type: Koffi.TypeObject; direction: string }[];
  };
  const parsed = (p: string) => koffi.proto(p).proto as unknown as Parsed;
  const register = parsed(NOTIFY_PROTOTYPES.notify_register_check);
  assert.equal(register.name, 'notify_register_check');
  assert.equal(register.result.size, 4);
  assert.equal(register.arguments[1]!.type.size, 8, 'int *');
  assert.equal(register.arguments[1]!.direction, 'Output');
  const get = parsed(NOTIFY_PROTOTYPES.notify_get_state);
  assert.deepEqual(
    get.arguments.map((a) => [a.type.size, a.direction]),
    [
      [4, 'Input'],
      [8, 'Output'],
    ],
  );
  assert.equal(parsed(NOTIFY_PROTOTYPES.notify_cancel).arguments[0]!.type.size, 4);
});

test('the koffi port registers a name once, reads its state (BigInt too), reports a failed status and cancels on close', () => {
  const log: string[] = [];
  let state: unknown = 3;
  let getStatus = 0;
  const fns: Record<string, (...args: unknown[]) => unknown> = {
    notify_register_check: (name, out) => {
      log.push(`register ${String(name)}`);
      (out as number[])[0] = 77;
      return 0;
    },
    notify_get_state: (token, out) => {
      log.push(`get ${String(token)}`);
      (out as unknown[])[0] = state;
      return getStatus;
    },
    notify_cancel: (token) => {
      log.push(`cancel ${String(token)}`);
      return 0;
    },
  };
  const fakeKoffi = {
    load: (path: string) => {
      assert.equal(path, '/usr/lib/libSystem.B.dylib');
      return { func: (prototype: string) => fns[/ (notify_\w+)\(/.exec(prototype)![1]!] };
    },
  } as unknown as typeof Koffi;
  const opened = openKoffiNotify('darwin', () => fakeKoffi);
  assert.ok(opened.ok);
  if (!opened.ok) return;
  assert.deepEqual(opened.port.getState(THERMAL_PRESSURE_KEY), { ok: true, state: 3 });
  state = 4n;
  assert.deepEqual(opened.port.getState(THERMAL_PRESSURE_KEY), { ok: true, state: 4 });
  getStatus = 1000000;
  assert.deepEqual(opened.port.getState(THERMAL_PRESSURE_KEY), {
    ok: false,
    error: 'notify_get_state: status 1000000',
  });
  opened.port.close();
  assert.deepEqual(log, [`register ${THERMAL_PRESSURE_KEY}`, 'get 77', 'get 77', 'get 77', 'cancel 77']);
  const broken = openKoffiNotify('darwin', () => {
    throw new Error('no darwin package');
  });
  assert.deepEqual(broken, {
    ok: false,
    reason: 'unsupported',
    detail: 'notify(3) could not be loaded: no darwin package',
  });
});

test('record/replay: what the port answered lands in the tick snapshot and replays the same; bad snapshots are refused', () => {
  let snapshot: NotifySnapshot = {};
  const recorded = recordNotify(
    () => ({ ok: true, port: portOf([1, 'notify_get_state: status 2']) }),
    () => snapshot,
  );
  assert.ok(recorded.ok);
  if (!recorded.ok) return;
  recorded.port.getState(THERMAL_PRESSURE_KEY);
  assert.deepEqual(snapshot, { states: { [THERMAL_PRESSURE_KEY]: 1 } });
  const first = parseNotifySnapshot(JSON.parse(JSON.stringify(snapshot)));
  snapshot = {};
  recorded.port.getState(THERMAL_PRESSURE_KEY);
  const second = parseNotifySnapshot(JSON.parse(JSON.stringify(snapshot)));
  assert.deepEqual(second, { states: { [THERMAL_PRESSURE_KEY]: { error: 'notify_get_state: status 2' } } });

  let tick: NotifySnapshot | null = first;
  const replayed = replayNotify(() => tick, true);
  assert.ok(replayed.ok);
  if (!replayed.ok) return;
  assert.deepEqual(replayed.port.getState(THERMAL_PRESSURE_KEY), { ok: true, state: 1 });
  tick = second;
  assert.deepEqual(replayed.port.getState(THERMAL_PRESSURE_KEY), {
    ok: false,
    error: 'notify_get_state: status 2',
  });
  tick = null;
  assert.equal(replayed.port.getState(THERMAL_PRESSURE_KEY).ok, false);
  assert.deepEqual(
    replayNotify(() => null, false),
    {
      ok: false,
      reason: 'no-data',
      detail: 'this recording has no notify(3) readings',
    },
  );

  const failedOpen: NotifySnapshot = {};
  recordNotify(
    () => openKoffiNotify('linux'),
    () => failedOpen,
  );
  assert.deepEqual(failedOpen.open?.reason, 'unsupported');
  assert.equal(replayNotify(() => failedOpen, true).ok, false);

  assert.throws(() => parseNotifySnapshot({ states: { k: -1 } }), /unsigned integer/);
  assert.throws(() => parseNotifySnapshot({ open: { reason: 'gone', detail: '' } }), /reason/);
  assert.throws(() => parseNotifySnapshot([]), /JSON object/);
});
