import type { PortOpenResult } from '../native-port.js';
import type { IoregValue } from '../ioreg-value.js';

/**
 * The small interface between the collectors that read the IORegistry (battery, input idle time)
 * and the machine: IOKit through koffi on a Mac, a fake in tests. Calls are synchronous and never
 * throw.
 */
export type RegistryRead =
  | { ok: true; properties: Record<string, IoregValue> }
  /** none: no service of that class on this Mac (a desktop has no AppleSmartBattery). */
  | { ok: false; none: boolean; detail: string };

export interface RegistryPort {
  /**
   * Properties of the first service of an IOKit class, numbers and booleans as `ioreg` prints them
   * (signed, 64-bit); a key named in `dictionaryKeys` is a dictionary, of which those keys are read.
   * A key the service lacks, or of another type, is left out.
   */
  read(
    serviceClass: string,
    keys: readonly string[],
    dictionaryKeys?: Readonly<Record<string, readonly string[]>>,
  ): RegistryRead;
  close(): void;
}

export type RegistryOpenResult = PortOpenResult<RegistryPort>;

export type RegistryOpener = () => RegistryOpenResult;
