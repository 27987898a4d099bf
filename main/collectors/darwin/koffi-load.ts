import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';

/** What the koffi bindings share: loading koffi itself, binding prototypes, reading results. */

export type Fn = (...args: unknown[]) => unknown;
export type Bound<T extends Record<string, string>> = { [K in keyof T]: Fn };
export type KoffiLoader = () => typeof Koffi;

// Not a static import: the bundler leaves koffi (native) out, and nothing loads until a Mac opens a port.
export const loadKoffi: KoffiLoader = () => createRequire(import.meta.url)('koffi') as typeof Koffi;

/** Every prototype of `prototypes` bound from `lib`, under the name it is keyed by. */
export function bindAll<T extends Record<string, string>>(lib: Koffi.LibraryHandle, prototypes: T): Bound<T> {
  const out = {} as Bound<T>;
  for (const [name, prototype] of Object.entries(prototypes)) {
    (out as Record<string, Fn>)[name] = lib.func(prototype) as Fn;
  }
  return out;
}

/** A `void *` koffi returned: null, or a pointer value of 0, is NULL. */
export const isNullPointer = (p: unknown): boolean => p === null || p === undefined || p === 0n || p === 0;

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
