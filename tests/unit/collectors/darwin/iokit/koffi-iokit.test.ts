import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type * as Koffi from 'koffi';
import {
  CORE_FOUNDATION_PROTOTYPES,
  IOKIT_PROTOTYPES,
  koffiSmcOffsets,
  openKoffiIokit,
  smcKeyDataType,
  SYSTEM_PROTOTYPES,
} from '../../../../../main/collectors/darwin/iokit/koffi-iokit.js';
import {
  SMC_KEY_DATA_OFFSETS,
  SMC_KEY_DATA_SIZE,
} from '../../../../../main/collectors/darwin/iokit/smc-codec.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;

test('koffi lays the SMC key-data struct out in 80 bytes, at the offsets the pure codec uses', () => {
  const type = smcKeyDataType(koffi);
  assert.equal(koffi.sizeof(type), SMC_KEY_DATA_SIZE, '80 bytes, as macmon KeyData and Stats SMCKeyData_t');
  assert.equal(koffi.alignof(type), 4);
  assert.deepEqual(koffiSmcOffsets(koffi), SMC_KEY_DATA_OFFSETS);
  assert.equal(koffi.sizeof(type.members!.vers!.type), 6);
  assert.equal(koffi.sizeof(type.members!.pLimitData!.type), 16);
  assert.equal(koffi.sizeof(type.members!.keyInfo!.type), 12);
});

test('every prototype parses, with the C sizes IOKit and CoreFoundation expect', () => {
  const all = { ...IOKIT_PROTOTYPES, ...CORE_FOUNDATION_PROTOTYPES, ...SYSTEM_PROTOTYPES };
  // koffi registers a named prototype once, so each is parsed once here.
  // At run time koffi describes each argument as {type, direction} (its typings say TypeObject).
  type Parsed = {
    name: string;
    result: Koffi.TypeObject;
    arguments: { type: Koffi.TypeObject; direction: string }[];
  };
  const parsed = new Map(
    Object.values(all).map((p) => [p as string, koffi.proto(p).proto as unknown as Parsed]),
  );
  for (const [name, prototype] of Object.entries(all)) assert.equal(parsed.get(prototype)!.name, name);
  const sizes = (prototype: string) => parsed.get(prototype)!.arguments.map((a) => a.type.size);
  // io_connect_t, uint32 selector, input, size_t, output, size_t *
  assert.deepEqual(sizes(IOKIT_PROTOTYPES.IOConnectCallStructMethod), [4, 4, 8, 8, 8, 8]);
  assert.deepEqual(sizes(IOKIT_PROTOTYPES.IOServiceOpen), [4, 4, 4, 8]);
  // IOHIDServiceClientCopyEvent(service, int64 type, int32 options, int64 timestamp), as macmon declares it.
  assert.deepEqual(sizes(IOKIT_PROTOTYPES.IOHIDServiceClientCopyEvent), [8, 8, 4, 8]);
  assert.deepEqual(sizes(CORE_FOUNDATION_PROTOTYPES.CFDictionaryCreate), [8, 8, 8, 8, 8, 8]);
  assert.equal(parsed.get(IOKIT_PROTOTYPES.IOHIDEventGetFloatValue)!.result.size, 8);
  const directions = parsed
    .get(IOKIT_PROTOTYPES.IOConnectCallStructMethod)!
    .arguments.map((a) => a.direction);
  assert.equal(directions[5], 'Input/Output', 'the output size is read back');
  assert.equal(parsed.get(IOKIT_PROTOTYPES.IOServiceOpen)!.arguments[3]!.direction, 'Output');
});

test('where IOKit cannot load, the opener says why and never throws', () => {
  assert.deepEqual(openKoffiIokit('linux'), {
    ok: false,
    reason: 'unsupported',
    detail: 'IOKit exists only on macOS',
  });
  const noKoffi = openKoffiIokit('darwin', () => {
    throw new Error("Cannot find module '@koromix/koffi-darwin-arm64'");
  });
  assert.equal(noKoffi.ok, false);
  assert.match(noKoffi.ok ? '' : noKoffi.detail, /koffi FFI library did not load: Cannot find module/);
  // The real koffi on this (non-Mac) machine: the framework path does not exist.
  const noFramework = openKoffiIokit('darwin', () => koffi);
  assert.equal(noFramework.ok, false);
  assert.match(noFramework.ok ? '' : noFramework.detail, /IOKit could not be loaded/);
});
