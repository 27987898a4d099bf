import { bindAll, type Bound, errorText, isNullPointer, type KoffiLoader, loadKoffi } from '../koffi-load.js';
import type { IoregValue } from '../ioreg-value.js';
import type { RegistryOpenResult, RegistryRead } from './ports.js';

/**
 * IORegistry properties through IOKit and CoreFoundation (koffi), the way exelban/stats
 * `Modules/Battery/readers.swift` reads the battery's: IOServiceGetMatchingService on
 * IOServiceMatching(class), then one IORegistryEntryCreateCFProperty per key. No root, no spawn:
 * what `ioreg -r -c <class>` prints, for the keys asked only.
 */
const FRAMEWORKS = {
  iokit: '/System/Library/Frameworks/IOKit.framework/IOKit',
  coreFoundation: '/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation',
} as const;

export const REGISTRY_IOKIT_PROTOTYPES = {
  IOServiceMatching: 'void *IOServiceMatching(const char *name)',
  IOServiceGetMatchingService: 'uint32_t IOServiceGetMatchingService(uint32_t mainPort, void *matching)',
  IORegistryEntryCreateCFProperty:
    'void *IORegistryEntryCreateCFProperty(uint32_t entry, void *key, void *allocator, uint32_t options)',
  IOObjectRelease: 'int IOObjectRelease(uint32_t object)',
} as const;

export const REGISTRY_CF_PROTOTYPES = {
  CFStringCreateWithCString:
    'void *CFStringCreateWithCString(void *allocator, const char *text, uint32_t encoding)',
  CFGetTypeID: 'unsigned long CFGetTypeID(void *object)',
  CFNumberGetTypeID: 'unsigned long CFNumberGetTypeID()',
  CFBooleanGetTypeID: 'unsigned long CFBooleanGetTypeID()',
  CFDictionaryGetTypeID: 'unsigned long CFDictionaryGetTypeID()',
  CFNumberGetValue: 'bool CFNumberGetValue(void *number, long type, _Out_ int64_t *value)',
  CFBooleanGetValue: 'bool CFBooleanGetValue(void *boolean)',
  CFDictionaryGetValue: 'void *CFDictionaryGetValue(void *dictionary, void *key)',
  CFRelease: 'void CFRelease(void *object)',
} as const;

const K_CF_STRING_ENCODING_UTF8 = 0x08000100;
const K_CF_NUMBER_SINT64 = 4;
/** How long a class with no service is taken as absent before it is looked up again. */
const NONE_RETRY_MS = 60_000;
/** kIOMainPortDefault (kIOMasterPortDefault before macOS 12) is MACH_PORT_NULL. */
const MAIN_PORT_DEFAULT = 0;

/** Opens the IORegistry reader. Never throws: off a Mac, or without koffi, it says why. */
export function openKoffiRegistry(
  platform: NodeJS.Platform = process.platform,
  load: KoffiLoader = loadKoffi,
  now: () => number = Date.now,
): RegistryOpenResult {
  if (platform !== 'darwin') return { ok: false, detail: 'the IORegistry exists only on macOS' };
  let iokit: Bound<typeof REGISTRY_IOKIT_PROTOTYPES>;
  let cf: Bound<typeof REGISTRY_CF_PROTOTYPES>;
  let types: { number: unknown; boolean: unknown; dictionary: unknown };
  try {
    const koffi = load();
    iokit = bindAll(koffi.load(FRAMEWORKS.iokit), REGISTRY_IOKIT_PROTOTYPES);
    cf = bindAll(koffi.load(FRAMEWORKS.coreFoundation), REGISTRY_CF_PROTOTYPES);
    types = {
      number: cf.CFNumberGetTypeID(),
      boolean: cf.CFBooleanGetTypeID(),
      dictionary: cf.CFDictionaryGetTypeID(),
    };
  } catch (error) {
    return { ok: false, detail: `IOKit could not be loaded: ${errorText(error)}` };
  }
  const strings = new Map<string, unknown>();
  const cfString = (text: string): unknown => {
    let s = strings.get(text);
    if (s === undefined) {
      s = cf.CFStringCreateWithCString(null, text, K_CF_STRING_ENCODING_UTF8);
      strings.set(text, s);
    }
    return s;
  };
  const scalar = (ref: unknown): IoregValue | undefined => {
    const type = cf.CFGetTypeID(ref);
    if (type === types.number) {
      const out: unknown[] = [0];
      cf.CFNumberGetValue(ref, K_CF_NUMBER_SINT64, out);
      const value = Number(out[0]); // koffi gives an int64 as a number, or a BigInt past 2^53
      return Number.isFinite(value) ? value : undefined;
    }
    if (type === types.boolean) return Boolean(cf.CFBooleanGetValue(ref));
    return undefined;
  };
  /**
   * The first service of each class asked for, kept until close. None found is asked again after
   * NONE_RETRY_MS (the lookup also answers 0 when it fails, or before a driver has registered).
   */
  const services = new Map<string, { service: number; at: number }>();
  const serviceOf = (serviceClass: string): number => {
    const known = services.get(serviceClass);
    if (known && (known.service !== 0 || now() - known.at < NONE_RETRY_MS)) return known.service;
    // IOServiceGetMatchingService consumes the matching dictionary.
    const matching = iokit.IOServiceMatching(serviceClass);
    const service = isNullPointer(matching)
      ? 0
      : Number(iokit.IOServiceGetMatchingService(MAIN_PORT_DEFAULT, matching));
    services.set(serviceClass, { service, at: now() });
    return service;
  };
  /** A service that answers nothing is let go, to be looked up afresh (it may have been replaced). */
  const forget = (serviceClass: string) => {
    const known = services.get(serviceClass);
    if (known && known.service !== 0) iokit.IOObjectRelease(known.service);
    services.delete(serviceClass);
  };
  return {
    ok: true,
    port: {
      read(serviceClass, keys, dictionaryKeys = {}): RegistryRead {
        try {
          const service = serviceOf(serviceClass);
          if (service === 0) return { ok: false, none: true, detail: `no ${serviceClass} service` };
          const properties: Record<string, IoregValue> = {};
          for (const key of keys) {
            const ref = iokit.IORegistryEntryCreateCFProperty(service, cfString(key), null, 0);
            if (isNullPointer(ref)) continue;
            try {
              const subkeys = dictionaryKeys[key];
              if (subkeys && cf.CFGetTypeID(ref) === types.dictionary) {
                const dictionary: Record<string, IoregValue> = {};
                for (const subkey of subkeys) {
                  const inner = cf.CFDictionaryGetValue(ref, cfString(subkey)); // not owned: no release
                  const value = isNullPointer(inner) ? undefined : scalar(inner);
                  if (value !== undefined) dictionary[subkey] = value;
                }
                properties[key] = dictionary;
              } else {
                const value = scalar(ref);
                if (value !== undefined) properties[key] = value;
              }
            } finally {
              cf.CFRelease(ref);
            }
          }
          if (keys.length > 0 && Object.keys(properties).length === 0) forget(serviceClass);
          return { ok: true, properties };
        } catch (error) {
          return { ok: false, none: false, detail: `IORegistry ${serviceClass}: ${errorText(error)}` };
        }
      },
      close() {
        try {
          for (const { service } of services.values()) if (service !== 0) iokit.IOObjectRelease(service);
          for (const text of strings.values()) if (!isNullPointer(text)) cf.CFRelease(text);
        } catch {
          // closing only releases: nothing is left to do if that fails
        }
        services.clear();
        strings.clear();
      },
    },
  };
}
