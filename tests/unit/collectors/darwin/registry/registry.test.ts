import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as Koffi from 'koffi';
import { createHidIdleCollector } from '../../../../../main/collectors/darwin/hid-idle.js';
import {
  BATTERY_KEYS,
  batteryObservation,
  createIoregBatteryCollector,
  parseIoregBattery,
} from '../../../../../main/collectors/darwin/ioreg-battery.js';
import { parseIoregBlocks, type IoregValue } from '../../../../../main/collectors/darwin/ioreg-value.js';
import { openKoffiRegistry } from '../../../../../main/collectors/darwin/registry/koffi-registry.js';
import type { RegistryOpener, RegistryRead } from '../../../../../main/collectors/darwin/registry/ports.js';
import type { CollectorEnv, CommandRunner } from '../../../../../main/collectors/types.js';
import { FIXTURES } from '../../../../helpers.js';

const ON_BATTERY = readFileSync(
  join(FIXTURES, 'ioreg', 'written-sample-apple-silicon-on-battery-ioreg-rw0-c-AppleSmartBattery.txt'),
  'utf8',
);

/** A Mac whose IORegistry answers `read` (or refuses); ioreg answers with `ioregText` when run. */
function mac(read: (serviceClass: string, keys: readonly string[]) => RegistryRead, ioregText = ON_BATTERY) {
  const spawned: string[] = [];
  const exec: CommandRunner = async (file, args) => {
    spawned.push([file, ...args].join(' '));
    return { stdout: ioregText, stderr: '', exitCode: 0 };
  };
  const env: CollectorEnv = { sysRoot: '/', procRoot: '/proc', exec, now: () => 7, fetch: globalThis.fetch };
  const open: RegistryOpener = () => ({ ok: true, port: { read, close() {} } });
  return { env, open, spawned };
}

/** The properties IOKit hands back for the keys asked: those of a real ioreg capture. */
function propertiesOf(text: string, keys: readonly string[]): Record<string, IoregValue> {
  const block = parseIoregBlocks(text, BATTERY_KEYS).find((b) => 'CurrentCapacity' in b)!;
  return Object.fromEntries(keys.filter((k) => k in block).map((k) => [k, block[k]!]));
}

for (const capture of ['on-battery', 'charging']) {
  test(`battery through the IORegistry (${capture} capture): the same observation as ioreg gives, no spawn`, async () => {
    const text = readFileSync(
      join(FIXTURES, 'ioreg', `written-sample-apple-silicon-${capture}-ioreg-rw0-c-AppleSmartBattery.txt`),
      'utf8',
    );
    const asked: string[] = [];
    const m = mac((serviceClass, keys) => {
      asked.push(serviceClass);
      return { ok: true, properties: propertiesOf(text, keys) };
    });
    const reading = await createIoregBatteryCollector(m.env, m.open).collect({
      slow: false,
      watchPids: new Set(),
      servicePorts: new Set(),
    });
    const fromText = parseIoregBattery(text);
    assert.ok(fromText.ok);
    assert.deepEqual(reading, {
      status: 'ok',
      value: fromText.ok && batteryObservation(fromText.value),
      at: 7,
    });
    assert.deepEqual(asked, ['AppleSmartBattery']);
    assert.deepEqual(m.spawned, []);
  });
}

test('battery: a Mac without AppleSmartBattery is no battery at once; a failing registry falls back to ioreg', async () => {
  const request = { slow: false, watchPids: new Set<number>(), servicePorts: new Set<number>() };
  const desktop = mac(() => ({ ok: false, none: true, detail: 'no AppleSmartBattery service' }));
  assert.deepEqual(await createIoregBatteryCollector(desktop.env, desktop.open).collect(request), {
    status: 'absent',
    reason: 'not-present',
    detail: 'no battery',
  });
  assert.deepEqual(desktop.spawned, []);
  const broken = mac(() => ({ ok: false, none: false, detail: 'IORegistry AppleSmartBattery: boom' }));
  const reading = await createIoregBatteryCollector(broken.env, broken.open).collect(request);
  assert.equal(reading.status, 'ok');
  assert.deepEqual(broken.spawned, ['ioreg -rw0 -c AppleSmartBattery']);
});

test('input idle time through the IORegistry (HIDIdleTime, ns), else ioreg', async () => {
  const request = { slow: false, watchPids: new Set<number>(), servicePorts: new Set<number>() };
  const m = mac(() => ({ ok: true, properties: { HIDIdleTime: 12_345_678_901 } }));
  assert.deepEqual(await createHidIdleCollector(m.env, m.open).collect(request), {
    status: 'ok',
    value: { userIdleSeconds: 12.345 },
    at: 7,
  });
  assert.deepEqual(m.spawned, []);
  const none = mac(() => ({ ok: true, properties: {} }), '    | |   "HIDIdleTime" = 2000000000\n');
  const fallback = await createHidIdleCollector(none.env, none.open).collect(request);
  assert.deepEqual(fallback, { status: 'ok', value: { userIdleSeconds: 2 }, at: 7 });
  assert.equal(none.spawned.length, 1);
});

/** CoreFoundation objects as plain objects (handles are the objects themselves). */
type CfObject = { type: 'number' | 'boolean' | 'dictionary' | 'string'; value: unknown; key?: true };

/** A fake koffi serving IOKit and CoreFoundation over `registry` (class → property → CF object). */
function fakeIokit(registry: Record<string, Record<string, CfObject>>) {
  const services = new Map<number, string>();
  const log: string[] = [];
  const counts = { liveProperties: 0, liveKeys: 0 };
  const typeIds = { number: 1, boolean: 2, dictionary: 3, string: 4 };
  const fns: Record<string, (...args: unknown[]) => unknown> = {
    IOServiceMatching: (name) => ({ matching: name }),
    IOServiceGetMatchingService: (_port, matching) => {
      const name = (matching as { matching: string }).matching;
      log.push(`match ${name}`);
      if (!(name in registry)) return 0;
      const service = 10 + services.size;
      services.set(service, name);
      return service;
    },
    IORegistryEntryCreateCFProperty: (service, key) => {
      const value = registry[services.get(service as number)!]?.[(key as CfObject).value as string];
      if (value) counts.liveProperties++;
      return value ?? null;
    },
    IOObjectRelease: (service) => log.push(`release service ${String(service)}`),
    CFStringCreateWithCString: (_a, text) => {
      counts.liveKeys++;
      return { type: 'string', value: text, key: true };
    },
    CFGetTypeID: (object) => typeIds[(object as CfObject).type],
    CFNumberGetTypeID: () => typeIds.number,
    CFBooleanGetTypeID: () => typeIds.boolean,
    CFDictionaryGetTypeID: () => typeIds.dictionary,
    CFNumberGetValue: (object, type, out) => {
      assert.equal(type, 4, 'kCFNumberSInt64Type');
      (out as unknown[])[0] = (object as CfObject).value;
      return true;
    },
    CFBooleanGetValue: (object) => (object as CfObject).value,
    CFDictionaryGetValue: (dictionary, key) =>
      ((dictionary as CfObject).value as Record<string, CfObject>)[(key as CfObject).value as string] ?? null,
    CFRelease: (object) => {
      if ((object as CfObject).key) counts.liveKeys--;
      else counts.liveProperties--;
    },
  };
  const koffi = {
    load: () => ({ func: (prototype: string) => fns[/ \*?(\w+)\(/.exec(prototype)![1]!] }),
  } as unknown as typeof Koffi;
  return { koffi, log, counts };
}

/** An ioreg value as IOKit hands it over: integers as SInt64 CFNumbers, Yes/No as CFBooleans. */
function cfObject(value: IoregValue): CfObject {
  if (typeof value === 'number') return { type: 'number', value: BigInt(value) };
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('hex' in value)) {
    return {
      type: 'dictionary',
      value: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cfObject(v)])),
    };
  }
  return { type: 'string', value: String(value) };
}

test('through the koffi binding, an ioreg sample’s properties give what its text gives (signed amperage, booleans, telemetry)', async () => {
  const block = parseIoregBlocks(ON_BATTERY, BATTERY_KEYS).find((b) => 'CurrentCapacity' in b)!;
  assert.ok((block['InstantAmperage'] as number) < 0, 'the capture discharges: a negative SInt64');
  const iokit = fakeIokit({
    AppleSmartBattery: Object.fromEntries(Object.entries(block).map(([k, v]) => [k, cfObject(v)])),
  });
  const m = mac(() => ({ ok: false, none: false, detail: 'unused' }));
  const collector = createIoregBatteryCollector(m.env, () => openKoffiRegistry('darwin', () => iokit.koffi));
  const reading = await collector.collect({ slow: false, watchPids: new Set(), servicePorts: new Set() });
  const fromText = parseIoregBattery(ON_BATTERY);
  assert.ok(fromText.ok);
  assert.deepEqual(reading, {
    status: 'ok',
    value: fromText.ok && batteryObservation(fromText.value),
    at: 7,
  });
  assert.deepEqual(m.spawned, []);
  assert.equal(iokit.counts.liveProperties, 0, 'every property copied was released');
  await collector.close!();
  assert.equal(iokit.counts.liveKeys, 0, 'and every key string, on close');
});

test('openKoffiRegistry: numbers, booleans and a dictionary’s entries; a missing service is looked up again after a minute', () => {
  assert.deepEqual(openKoffiRegistry('linux'), { ok: false, detail: 'the IORegistry exists only on macOS' });
  const registry: Record<string, Record<string, CfObject>> = {};
  const iokit = fakeIokit(registry);
  let now = 0;
  const opened = openKoffiRegistry(
    'darwin',
    () => iokit.koffi,
    () => now,
  );
  assert.ok(opened.ok);
  if (!opened.ok) return;
  const keys = [
    'CurrentCapacity',
    'InstantAmperage',
    'ExternalConnected',
    'DeviceName',
    'Missing',
    'PowerTelemetryData',
  ];
  const dictionaries = { PowerTelemetryData: ['SystemLoad', 'BatteryPower'] };
  const none = { ok: false, none: true, detail: 'no AppleSmartBattery service' };
  assert.deepEqual(opened.port.read('AppleSmartBattery', keys, dictionaries), none, 'not registered yet');
  now = 30_000;
  assert.deepEqual(
    opened.port.read('AppleSmartBattery', keys, dictionaries),
    none,
    'taken as absent for a minute',
  );
  registry.AppleSmartBattery = {
    CurrentCapacity: { type: 'number', value: 87 },
    InstantAmperage: { type: 'number', value: -1053n },
    ExternalConnected: { type: 'boolean', value: false },
    DeviceName: { type: 'string', value: 'bq40z651' },
    PowerTelemetryData: {
      type: 'dictionary',
      value: { SystemLoad: { type: 'number', value: 9120 }, Other: { type: 'number', value: 1 } },
    },
  };
  now = 61_000;
  assert.deepEqual(opened.port.read('AppleSmartBattery', keys, dictionaries), {
    ok: true,
    properties: {
      CurrentCapacity: 87,
      InstantAmperage: -1053,
      ExternalConnected: false,
      PowerTelemetryData: { SystemLoad: 9120 },
    },
  });
  assert.equal(iokit.counts.liveProperties, 0, 'every property copied was released');
  registry.AppleSmartBattery = {}; // the service went away: it answers nothing
  assert.deepEqual(opened.port.read('AppleSmartBattery', ['CurrentCapacity']), { ok: true, properties: {} });
  registry.AppleSmartBattery = { CurrentCapacity: { type: 'number', value: 86 } };
  assert.deepEqual(opened.port.read('AppleSmartBattery', ['CurrentCapacity']), {
    ok: true,
    properties: { CurrentCapacity: 86 },
  });
  opened.port.close();
  assert.deepEqual(iokit.log, [
    'match AppleSmartBattery',
    'match AppleSmartBattery',
    'release service 10',
    'match AppleSmartBattery',
    'release service 11',
  ]);
  assert.equal(iokit.counts.liveKeys, 0);
});
