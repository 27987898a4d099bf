import type * as Koffi from 'koffi';
import { bindAll, type Bound, errorText, isNullPointer, type KoffiLoader, loadKoffi } from '../koffi-load.js';
import type { HidTemperature } from './hid-clusters.js';
import type { HidPort, HidRead, IokitOpenResult, Opened, SmcPort } from './ports.js';
import { SMC_BYTES_LENGTH, SMC_KERNEL_INDEX, SMC_KEY_DATA_OFFSETS, SMC_KEY_DATA_SIZE } from './smc-codec.js';
import { kernReturnText, smcPortFrom } from './smc-protocol.js';

/**
 * The IOKit and CoreFoundation calls, through koffi (N-API, prebuilt for darwin-arm64/x64 in its
 * optional packages, so the same build runs in Node and Electron). koffi is required only when a
 * Mac opens the collector: importing this module anywhere loads nothing native.
 *
 * SMC: vladkens/macmon `src_lib/sources.rs` (`SMC::new` opens the `AppleSMC` service named
 * `AppleSMCKeysEndpoint`; selector 2) and exelban/stats `SMC/smc.swift` (first `AppleSMC` match).
 * IOHID: macmon `IOHIDSensors::get_metrics` and Stats `Modules/Sensors/reader.m`
 * (`AppleSiliconSensors`): match PrimaryUsagePage 0xff00 / PrimaryUsage 5, read each service's
 * "Product" and its temperature event's float field `15 << 16`.
 */
const FRAMEWORKS = {
  iokit: '/System/Library/Frameworks/IOKit.framework/IOKit',
  coreFoundation: '/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation',
  system: '/usr/lib/libSystem.B.dylib',
} as const;

/** C prototypes, in koffi's syntax. io_object_t, io_connect_t and mach_port_t are 32-bit. */
export const IOKIT_PROTOTYPES = {
  IOServiceMatching: 'void *IOServiceMatching(const char *name)',
  IOServiceGetMatchingServices:
    'int IOServiceGetMatchingServices(uint32_t mainPort, void *matching, _Out_ uint32_t *iterator)',
  IOIteratorNext: 'uint32_t IOIteratorNext(uint32_t iterator)',
  IORegistryEntryGetName: 'int IORegistryEntryGetName(uint32_t entry, void *name)',
  IOObjectRelease: 'int IOObjectRelease(uint32_t object)',
  IOServiceOpen:
    'int IOServiceOpen(uint32_t service, uint32_t owningTask, uint32_t type, _Out_ uint32_t *connect)',
  IOServiceClose: 'int IOServiceClose(uint32_t connect)',
  IOConnectCallStructMethod:
    'int IOConnectCallStructMethod(uint32_t connection, uint32_t selector, const void *input, size_t inputSize, void *output, _Inout_ size_t *outputSize)',
  IOHIDEventSystemClientCreate: 'void *IOHIDEventSystemClientCreate(void *allocator)',
  IOHIDEventSystemClientSetMatching: 'int IOHIDEventSystemClientSetMatching(void *client, void *matching)',
  IOHIDEventSystemClientCopyServices: 'void *IOHIDEventSystemClientCopyServices(void *client)',
  IOHIDServiceClientCopyProperty: 'void *IOHIDServiceClientCopyProperty(void *service, void *key)',
  IOHIDServiceClientCopyEvent:
    'void *IOHIDServiceClientCopyEvent(void *service, int64_t type, int32_t options, int64_t timestamp)',
  IOHIDEventGetFloatValue: 'double IOHIDEventGetFloatValue(void *event, uint32_t field)',
} as const;

export const CORE_FOUNDATION_PROTOTYPES = {
  CFStringCreateWithCString:
    'void *CFStringCreateWithCString(void *allocator, const char *text, uint32_t encoding)',
  CFStringGetCString: 'bool CFStringGetCString(void *string, void *buffer, long size, uint32_t encoding)',
  CFNumberCreate: 'void *CFNumberCreate(void *allocator, long type, const void *value)',
  CFDictionaryCreate:
    'void *CFDictionaryCreate(void *allocator, void **keys, void **values, long count, void *keyCallBacks, void *valueCallBacks)',
  CFArrayGetCount: 'long CFArrayGetCount(void *array)',
  CFArrayGetValueAtIndex: 'void *CFArrayGetValueAtIndex(void *array, long index)',
  CFRelease: 'void CFRelease(void *object)',
} as const;

export const SYSTEM_PROTOTYPES = {
  mach_task_self: 'uint32_t mach_task_self()',
} as const;

const K_CF_STRING_ENCODING_UTF8 = 0x08000100;
const K_CF_NUMBER_SINT32 = 3;
const K_HID_PAGE_APPLE_VENDOR = 0xff00;
const K_HID_USAGE_APPLE_VENDOR_TEMPERATURE_SENSOR = 5;
const K_IOHID_EVENT_TYPE_TEMPERATURE = 15;
const IO_NAME_SIZE = 128;

/** The C struct the SMC user client takes, declared for koffi; its layout must match the pure codec's. */
export function smcKeyDataType(koffi: typeof Koffi): Koffi.TypeObject {
  const vers = koffi.struct({
    major: 'uint8_t',
    minor: 'uint8_t',
    build: 'uint8_t',
    reserved: 'uint8_t',
    release: 'uint16_t',
  });
  const pLimit = koffi.struct({
    version: 'uint16_t',
    length: 'uint16_t',
    cpuPLimit: 'uint32_t',
    gpuPLimit: 'uint32_t',
    memPLimit: 'uint32_t',
  });
  const keyInfo = koffi.struct({ dataSize: 'uint32_t', dataType: 'uint32_t', dataAttributes: 'uint8_t' });
  return koffi.struct({
    key: 'uint32_t',
    vers,
    pLimitData: pLimit,
    keyInfo,
    result: 'uint8_t',
    status: 'uint8_t',
    data8: 'uint8_t',
    data32: 'uint32_t',
    bytes: koffi.array('uint8_t', SMC_BYTES_LENGTH),
  });
}

/** Where the koffi struct puts each field the codec reads or writes. */
export function koffiSmcOffsets(koffi: typeof Koffi): Record<keyof typeof SMC_KEY_DATA_OFFSETS, number> {
  const t = smcKeyDataType(koffi);
  const keyInfo = koffi.offsetof(t, 'keyInfo');
  const info = t.members!.keyInfo!.type;
  return {
    key: koffi.offsetof(t, 'key'),
    vers: koffi.offsetof(t, 'vers'),
    pLimitData: koffi.offsetof(t, 'pLimitData'),
    keyInfoDataSize: keyInfo + koffi.offsetof(info, 'dataSize'),
    keyInfoDataType: keyInfo + koffi.offsetof(info, 'dataType'),
    keyInfoDataAttributes: keyInfo + koffi.offsetof(info, 'dataAttributes'),
    result: koffi.offsetof(t, 'result'),
    status: koffi.offsetof(t, 'status'),
    data8: koffi.offsetof(t, 'data8'),
    data32: koffi.offsetof(t, 'data32'),
    bytes: koffi.offsetof(t, 'bytes'),
  };
}

/**
 * Opens the SMC and IOHID through koffi. Never throws: on Linux, without koffi's darwin package, or
 * on a Mac whose IOKit refuses, the result says why.
 */
export function openKoffiIokit(
  platform: NodeJS.Platform = process.platform,
  load: KoffiLoader = loadKoffi,
): IokitOpenResult {
  if (platform !== 'darwin')
    return { ok: false, reason: 'unsupported', detail: 'IOKit exists only on macOS' };
  let koffi: typeof Koffi;
  try {
    koffi = load();
  } catch (error) {
    return {
      ok: false,
      reason: 'unsupported',
      detail: `the koffi FFI library did not load: ${errorText(error)}`,
    };
  }
  let iokit: Bound<typeof IOKIT_PROTOTYPES>;
  let cf: Bound<typeof CORE_FOUNDATION_PROTOTYPES>;
  let system: Bound<typeof SYSTEM_PROTOTYPES>;
  let cfLib: Koffi.LibraryHandle;
  try {
    const layout = koffiSmcOffsets(koffi);
    const mismatch = Object.entries(SMC_KEY_DATA_OFFSETS).find(
      ([k, v]) => layout[k as keyof typeof layout] !== v,
    );
    if (mismatch || koffi.sizeof(smcKeyDataType(koffi)) !== SMC_KEY_DATA_SIZE) {
      return {
        ok: false,
        reason: 'unsupported',
        detail: `SMC struct layout differs on this platform (${mismatch?.[0] ?? 'size'})`,
      };
    }
    iokit = bindAll(koffi.load(FRAMEWORKS.iokit), IOKIT_PROTOTYPES);
    cfLib = koffi.load(FRAMEWORKS.coreFoundation);
    cf = bindAll(cfLib, CORE_FOUNDATION_PROTOTYPES);
    system = bindAll(koffi.load(FRAMEWORKS.system), SYSTEM_PROTOTYPES);
  } catch (error) {
    return { ok: false, reason: 'unsupported', detail: `IOKit could not be loaded: ${errorText(error)}` };
  }
  const smc = openSmc(iokit, system);
  const hid = openHid(iokit, cf, cfLib);
  return {
    ok: true,
    ports: {
      smc,
      hid,
      close: () => {
        if (smc.ok) smc.port.close();
      },
    },
  };
}

function openSmc(
  iokit: Bound<typeof IOKIT_PROTOTYPES>,
  system: Bound<typeof SYSTEM_PROTOTYPES>,
): Opened<SmcPort & { close(): void }> {
  try {
    const matching = iokit.IOServiceMatching('AppleSMC');
    if (isNullPointer(matching))
      return { ok: false, reason: 'IOServiceMatching("AppleSMC") returned nothing' };
    const iterator = [0];
    const kr = iokit.IOServiceGetMatchingServices(0, matching, iterator) as number;
    if (kr !== 0) return { ok: false, reason: `IOServiceGetMatchingServices: ${kernReturnText(kr)}` };
    const name = Buffer.alloc(IO_NAME_SIZE);
    let chosen = 0;
    for (
      let service = iokit.IOIteratorNext(iterator[0]) as number;
      service !== 0;
      service = iokit.IOIteratorNext(iterator[0]) as number
    ) {
      name.fill(0);
      const named =
        (iokit.IORegistryEntryGetName(service, name) as number) === 0
          ? name.toString('utf8', 0, name.indexOf(0))
          : '';
      // Apple silicon publishes several AppleSMC services; the keys live on AppleSMCKeysEndpoint (macmon).
      if (chosen === 0 || named === 'AppleSMCKeysEndpoint') {
        if (chosen !== 0) iokit.IOObjectRelease(chosen);
        chosen = service;
        if (named === 'AppleSMCKeysEndpoint') break;
      } else iokit.IOObjectRelease(service);
    }
    iokit.IOObjectRelease(iterator[0]);
    if (chosen === 0) return { ok: false, reason: 'no AppleSMC service on this Mac' };
    const connection = [0];
    const opened = iokit.IOServiceOpen(chosen, system.mach_task_self(), 0, connection) as number;
    iokit.IOObjectRelease(chosen);
    if (opened !== 0) return { ok: false, reason: `IOServiceOpen(AppleSMC): ${kernReturnText(opened)}` };
    const conn = connection[0]!;
    const size = [SMC_KEY_DATA_SIZE];
    const port = smcPortFrom((input, output) => {
      size[0] = SMC_KEY_DATA_SIZE;
      return iokit.IOConnectCallStructMethod(
        conn,
        SMC_KERNEL_INDEX,
        input,
        SMC_KEY_DATA_SIZE,
        output,
        size,
      ) as number;
    });
    let closed = false;
    return {
      ok: true,
      port: {
        ...port,
        close: () => {
          if (!closed) iokit.IOServiceClose(conn);
          closed = true;
        },
      },
    };
  } catch (error) {
    return { ok: false, reason: `SMC: ${errorText(error)}` };
  }
}

function openHid(
  iokit: Bound<typeof IOKIT_PROTOTYPES>,
  cf: Bound<typeof CORE_FOUNDATION_PROTOTYPES>,
  cfLib: Koffi.LibraryHandle,
): Opened<HidPort> {
  try {
    const string = (text: string): unknown =>
      cf.CFStringCreateWithCString(null, text, K_CF_STRING_ENCODING_UTF8);
    const int32 = (value: number): unknown => {
      const cell = Buffer.alloc(4);
      cell.writeInt32LE(value);
      return cf.CFNumberCreate(null, K_CF_NUMBER_SINT32, cell);
    };
    const keys = [string('PrimaryUsagePage'), string('PrimaryUsage')];
    const values = [int32(K_HID_PAGE_APPLE_VENDOR), int32(K_HID_USAGE_APPLE_VENDOR_TEMPERATURE_SENSOR)];
    const product = string('Product');
    if ([...keys, ...values, product].some(isNullPointer))
      return { ok: false, reason: 'CoreFoundation refused the matching values' };
    const matching = cf.CFDictionaryCreate(
      null,
      keys,
      values,
      2,
      cfLib.symbol('kCFTypeDictionaryKeyCallBacks'),
      cfLib.symbol('kCFTypeDictionaryValueCallBacks'),
    );
    for (const object of [...keys, ...values]) cf.CFRelease(object);
    if (isNullPointer(matching)) return { ok: false, reason: 'CFDictionaryCreate failed' };
    const text = Buffer.alloc(256);
    const temperatures = (): HidRead => {
      try {
        return readTemperatures();
      } catch (error) {
        return { ok: false, error: `IOHID: ${errorText(error)}` };
      }
    };
    const readTemperatures = (): HidRead => {
      // A fresh client per read, as macmon does: services come and go with power states.
      const client = iokit.IOHIDEventSystemClientCreate(null);
      if (isNullPointer(client)) return { ok: false, error: 'IOHIDEventSystemClientCreate returned nothing' };
      try {
        iokit.IOHIDEventSystemClientSetMatching(client, matching);
        const services = iokit.IOHIDEventSystemClientCopyServices(client);
        if (isNullPointer(services)) return { ok: false, error: 'no IOHID temperature services' };
        const sensors: HidTemperature[] = [];
        try {
          const count = Number(cf.CFArrayGetCount(services));
          for (let i = 0; i < count; i++) {
            const service = cf.CFArrayGetValueAtIndex(services, i);
            if (isNullPointer(service)) continue;
            const name = iokit.IOHIDServiceClientCopyProperty(service, product);
            if (isNullPointer(name)) continue;
            text.fill(0);
            const got = cf.CFStringGetCString(name, text, text.length, K_CF_STRING_ENCODING_UTF8) as boolean;
            cf.CFRelease(name);
            if (!got) continue;
            const event = iokit.IOHIDServiceClientCopyEvent(service, K_IOHID_EVENT_TYPE_TEMPERATURE, 0, 0);
            if (isNullPointer(event)) continue;
            const celsius = iokit.IOHIDEventGetFloatValue(
              event,
              K_IOHID_EVENT_TYPE_TEMPERATURE << 16,
            ) as number;
            cf.CFRelease(event);
            sensors.push({ name: text.toString('utf8', 0, text.indexOf(0)), celsius });
          }
        } finally {
          cf.CFRelease(services);
        }
        return {
          ok: true,
          sensors: sensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        };
      } finally {
        cf.CFRelease(client);
      }
    };
    return { ok: true, port: { temperatures } };
  } catch (error) {
    return { ok: false, reason: `IOHID: ${errorText(error)}` };
  }
}
