import { bytesToHex, hexToBytes, isSmcKey } from './smc-codec.js';
import type { HidRead, IokitOpenResult, IokitPorts, KeyList, SmcKeyRead } from './ports.js';

/**
 * What the IOKit collector read in one tick, as JSON, for `--record`/`--replay`:
 *
 *   {"open"?: {"reason", "detail"},                         the binding could not open (then nothing else)
 *    "smc"?: {"unavailable": "…"} | {"keys"?: [..] | {"error"}, "values": {"PSTR": {"type": "flt ", "bytes": "0000a041"},
 *                                                           "Tp01": "missing", "F9Ac": {"error": "…"}}},
 *    "hid"?: {"unavailable": "…"} | {"sensors": [{"name", "celsius"}]} | {"error": "…"}}
 */
export type RecordedValue = { type: string; bytes: string } | 'missing' | { error: string };

export interface IokitSnapshot {
  open?: { reason: 'unsupported' | 'not-present' | 'no-data'; detail: string };
  smc?:
    { unavailable: string } | { keys?: string[] | { error: string }; values: Record<string, RecordedValue> };
  hid?: { unavailable: string } | { sensors: { name: string; celsius: number }[] } | { error: string };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a recorded snapshot; throws an Error naming the first problem. */
export function parseIokitSnapshot(value: unknown): IokitSnapshot {
  if (!isObject(value)) throw new Error('an IOKit snapshot is a JSON object');
  const out: IokitSnapshot = {};
  if (value.open !== undefined) {
    const open = value.open;
    if (
      !isObject(open) ||
      !['unsupported', 'not-present', 'no-data'].includes(open.reason as string) ||
      typeof open.detail !== 'string'
    ) {
      throw new Error('open needs a reason (unsupported, not-present, no-data) and a detail');
    }
    out.open = { reason: open.reason as 'unsupported' | 'not-present' | 'no-data', detail: open.detail };
  }
  if (value.smc !== undefined) out.smc = parseSmc(value.smc);
  if (value.hid !== undefined) out.hid = parseHid(value.hid);
  return out;
}

function parseSmc(smc: unknown): NonNullable<IokitSnapshot['smc']> {
  if (!isObject(smc)) throw new Error('smc is an object');
  if (typeof smc.unavailable === 'string') return { unavailable: smc.unavailable };
  if (!isObject(smc.values)) throw new Error('smc needs values or unavailable');
  const values: Record<string, RecordedValue> = {};
  for (const [key, v] of Object.entries(smc.values)) {
    if (!isSmcKey(key)) throw new Error(`smc value key ${JSON.stringify(key)} is not four characters`);
    if (v === 'missing') values[key] = 'missing';
    else if (isObject(v) && typeof v.error === 'string') values[key] = { error: v.error };
    else if (isObject(v) && typeof v.type === 'string' && isSmcKey(v.type) && typeof v.bytes === 'string') {
      try {
        hexToBytes(v.bytes);
      } catch {
        throw new Error(`smc value ${key}: bytes are not hex`);
      }
      values[key] = { type: v.type, bytes: v.bytes };
    } else throw new Error(`smc value ${key}: needs type and hex bytes, "missing" or an error`);
  }
  const out: { keys?: string[] | { error: string }; values: Record<string, RecordedValue> } = { values };
  if (smc.keys !== undefined) {
    if (Array.isArray(smc.keys) && smc.keys.every((k) => typeof k === 'string' && isSmcKey(k))) {
      out.keys = smc.keys as string[];
    } else if (isObject(smc.keys) && typeof smc.keys.error === 'string') out.keys = { error: smc.keys.error };
    else throw new Error('smc keys is a list of four-character keys or an error');
  }
  return out;
}

function parseHid(hid: unknown): NonNullable<IokitSnapshot['hid']> {
  if (!isObject(hid)) throw new Error('hid is an object');
  if (typeof hid.unavailable === 'string') return { unavailable: hid.unavailable };
  if (typeof hid.error === 'string') return { error: hid.error };
  if (
    Array.isArray(hid.sensors) &&
    hid.sensors.every((s) => isObject(s) && typeof s.name === 'string' && typeof s.celsius === 'number')
  ) {
    return { sensors: (hid.sensors as { name: string; celsius: number }[]).map((s) => ({ ...s })) };
  }
  throw new Error('hid needs sensors [{name, celsius}], an error or unavailable');
}

/** Ports that answer from the snapshot of the tick being replayed. */
export function replayIokit(current: () => IokitSnapshot | null, anyRecorded: boolean): IokitOpenResult {
  if (!anyRecorded) {
    return { ok: false, reason: 'no-data', detail: 'this recording has no IOKit (SMC/IOHID) readings' };
  }
  const first = current();
  if (first?.open) return { ok: false, reason: first.open.reason, detail: first.open.detail };
  const smc = first?.smc;
  const hid = first?.hid;
  const notRecorded = (what: string) => `${what} was not recorded in this tick`;
  // A recording repeats the same few values tick after tick: each hex text is decoded once. The
  // collector only reads the bytes.
  const decoded = new Map<string, Uint8Array>();
  const bytesOf = (hex: string): Uint8Array => {
    let bytes = decoded.get(hex);
    if (!bytes) decoded.set(hex, (bytes = hexToBytes(hex)));
    return bytes;
  };
  const ports: IokitPorts = {
    smc:
      smc && 'unavailable' in smc
        ? { ok: false, reason: smc.unavailable }
        : {
            ok: true,
            port: {
              read(key): SmcKeyRead {
                const s = current()?.smc;
                const v = s && 'values' in s ? s.values[key] : undefined;
                if (v === undefined) return { status: 'error', message: notRecorded(`SMC key ${key}`) };
                if (v === 'missing') return { status: 'missing' };
                if ('error' in v) return { status: 'error', message: v.error };
                return { status: 'ok', dataType: v.type, bytes: bytesOf(v.bytes) };
              },
              listKeys(): KeyList {
                const s = current()?.smc;
                const keys = s && 'values' in s ? s.keys : undefined;
                if (keys === undefined) return { ok: false, error: notRecorded('the SMC key list') };
                return Array.isArray(keys) ? { ok: true, keys: [...keys] } : { ok: false, error: keys.error };
              },
            },
          },
    hid:
      hid && 'unavailable' in hid
        ? { ok: false, reason: hid.unavailable }
        : {
            ok: true,
            port: {
              temperatures(): HidRead {
                const h = current()?.hid;
                if (h === undefined) return { ok: false, error: notRecorded('IOHID') };
                if ('error' in h) return { ok: false, error: h.error };
                if ('unavailable' in h) return { ok: false, error: h.unavailable };
                return { ok: true, sensors: h.sensors.map((s) => ({ ...s })) };
              },
            },
          },
    close: () => {},
  };
  return { ok: true, ports };
}

/** Wraps an opener so every answer also lands in the snapshot of the tick being recorded. */
export function recordIokit(open: () => IokitOpenResult, current: () => IokitSnapshot): IokitOpenResult {
  const opened = open();
  if (!opened.ok) {
    current().open = { reason: opened.reason, detail: opened.detail };
    return opened;
  }
  const { smc, hid } = opened.ports;
  const smcSnapshot = (): { keys?: string[] | { error: string }; values: Record<string, RecordedValue> } => {
    const snapshot = current();
    if (!snapshot.smc || 'unavailable' in snapshot.smc) snapshot.smc = { values: {} };
    return snapshot.smc;
  };
  const ports: IokitPorts = {
    smc: smc.ok
      ? {
          ok: true,
          port: {
            read(key) {
              const r = smc.port.read(key);
              smcSnapshot().values[key] =
                r.status === 'ok'
                  ? { type: r.dataType, bytes: bytesToHex(r.bytes) }
                  : r.status === 'missing'
                    ? 'missing'
                    : { error: r.message };
              return r;
            },
            listKeys() {
              const r = smc.port.listKeys();
              smcSnapshot().keys = r.ok ? [...r.keys] : { error: r.error };
              return r;
            },
          },
        }
      : smc,
    hid: hid.ok
      ? {
          ok: true,
          port: {
            temperatures() {
              const r = hid.port.temperatures();
              current().hid = r.ok ? { sensors: r.sensors.map((s) => ({ ...s })) } : { error: r.error };
              return r;
            },
          },
        }
      : hid,
    close: () => opened.ports.close(),
  };
  // Unavailable halves are written once, with the open: a replay opens on the recording's first tick.
  if (!smc.ok) current().smc = { unavailable: smc.reason };
  if (!hid.ok) current().hid = { unavailable: hid.reason };
  return { ok: true, ports };
}
