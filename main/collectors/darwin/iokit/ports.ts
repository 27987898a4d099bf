import type { HidTemperature } from './hid-clusters.js';

/**
 * The small interface between the IOKit collector and the machine: the koffi binding implements it
 * on a Mac, recordings replay it anywhere, tests fake it. Every call is synchronous and never
 * throws; a failure is a value.
 */
export type SmcKeyRead =
  | { status: 'ok'; dataType: string; bytes: Uint8Array }
  /** The SMC answered that this machine has no such key. */
  | { status: 'missing' }
  | { status: 'error'; message: string };

export type KeyList = { ok: true; keys: string[] } | { ok: false; error: string };

export interface SmcPort {
  read(key: string): SmcKeyRead;
  /** Every key the SMC enumerates (`#KEY`, then each index): discovery, once per run. */
  listKeys(): KeyList;
}

export type HidRead = { ok: true; sensors: HidTemperature[] } | { ok: false; error: string };

export interface HidPort {
  /** Every IOHID temperature service (Apple vendor page 0xff00, usage 5) with its product name. */
  temperatures(): HidRead;
}

export type Opened<T> = { ok: true; port: T } | { ok: false; reason: string };

export interface IokitPorts {
  smc: Opened<SmcPort>;
  hid: Opened<HidPort>;
  close(): void;
}

export type IokitOpenResult =
  | { ok: true; ports: IokitPorts }
  | { ok: false; reason: 'unsupported' | 'not-present' | 'no-data'; detail: string };

export type IokitOpener = () => IokitOpenResult;
