/**
 * The AppleSMC user client's request/response struct and the SMC value types, as pure functions of
 * bytes. Layout: the C `SMCKeyData_t` of the classic smc tool, which macmon (vladkens/macmon
 * `src_lib/sources.rs` `KeyData`) and Stats (exelban/stats `SMC/smc.swift` `SMCKeyData_t`) declare
 * alike: 80 bytes with natural C alignment (Stats spells the two padding bytes after `keyInfo`
 * out). The koffi declaration in koffi-iokit.ts is checked against these offsets.
 */

export const SMC_KEY_DATA_SIZE = 80;

/** Byte offsets inside the 80-byte struct (little-endian host: arm64 and x86_64). */
export const SMC_KEY_DATA_OFFSETS = {
  key: 0,
  vers: 4,
  pLimitData: 12,
  keyInfoDataSize: 28,
  keyInfoDataType: 32,
  keyInfoDataAttributes: 36,
  result: 40,
  status: 41,
  data8: 42,
  data32: 44,
  bytes: 48,
} as const;

export const SMC_BYTES_LENGTH = 32;

/** `IOConnectCallStructMethod` selector of the SMC user client (KERNEL_INDEX_SMC). */
export const SMC_KERNEL_INDEX = 2;

/** The `data8` command byte (Stats `SMCKeys`, macmon `KeyData { data8 }`). */
export const SMC_COMMAND = {
  readBytes: 5,
  readIndex: 8,
  readKeyInfo: 9,
} as const;

/** `result` byte the SMC answers for a key this machine does not have (macmon: 132, kSMCKeyNotFound). */
export const SMC_RESULT_KEY_NOT_FOUND = 0x84;

/** A four-character code as the big-endian integer the SMC uses ("PSTR" → 0x50535452). */
export function fourccToInt(code: string): number {
  if (code.length !== 4 || !/^[\x20-\x7e]{4}$/.test(code)) {
    throw new RangeError(
      `an SMC key or type is four printable ASCII characters, not ${JSON.stringify(code)}`,
    );
  }
  return (
    ((code.charCodeAt(0) << 24) |
      (code.charCodeAt(1) << 16) |
      (code.charCodeAt(2) << 8) |
      code.charCodeAt(3)) >>>
    0
  );
}

export function intToFourcc(value: number): string {
  return String.fromCharCode(
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}

export function isSmcKey(code: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(code);
}

export interface SmcRequest {
  key: string;
  command: number;
  /** Key index for `readIndex`. */
  data32?: number;
  /** Size and type from a previous `readKeyInfo`, echoed on `readBytes` as both projects do. */
  dataSize?: number;
  dataType?: string;
}

/** Writes a request into `into` (zeroed first, so one buffer can be reused every call). */
export function encodeSmcRequest(
  request: SmcRequest,
  into: Uint8Array = new Uint8Array(SMC_KEY_DATA_SIZE),
): Uint8Array {
  if (into.length < SMC_KEY_DATA_SIZE) throw new RangeError('the SMC key-data buffer is 80 bytes');
  into.fill(0, 0, SMC_KEY_DATA_SIZE);
  const view = new DataView(into.buffer, into.byteOffset, SMC_KEY_DATA_SIZE);
  const o = SMC_KEY_DATA_OFFSETS;
  view.setUint32(o.key, request.key === '' ? 0 : fourccToInt(request.key), true);
  view.setUint8(o.data8, request.command);
  view.setUint32(o.data32, request.data32 ?? 0, true);
  view.setUint32(o.keyInfoDataSize, request.dataSize ?? 0, true);
  view.setUint32(o.keyInfoDataType, request.dataType ? fourccToInt(request.dataType) : 0, true);
  return into;
}

export interface SmcResponse {
  key: string;
  result: number;
  status: number;
  dataSize: number;
  dataType: string;
  dataAttributes: number;
  /** The value bytes (always 32; the first `dataSize` are meaningful). */
  bytes: Uint8Array;
}

export function decodeSmcResponse(buffer: Uint8Array): SmcResponse {
  if (buffer.length < SMC_KEY_DATA_SIZE) throw new RangeError('the SMC key-data buffer is 80 bytes');
  const view = new DataView(buffer.buffer, buffer.byteOffset, SMC_KEY_DATA_SIZE);
  const o = SMC_KEY_DATA_OFFSETS;
  return {
    key: intToFourcc(view.getUint32(o.key, true)),
    result: view.getUint8(o.result),
    status: view.getUint8(o.status),
    dataSize: view.getUint32(o.keyInfoDataSize, true),
    dataType: intToFourcc(view.getUint32(o.keyInfoDataType, true)),
    dataAttributes: view.getUint8(o.keyInfoDataAttributes),
    bytes: buffer.slice(o.bytes, o.bytes + SMC_BYTES_LENGTH),
  };
}

export type SmcNumber = { ok: true; value: number } | { ok: false; error: string };

const FIXED_POINT = /^(fp|sp)([0-9a-f])([0-9a-f])$/;

/**
 * Decodes a numeric SMC value by its type. `flt ` is a little-endian IEEE float (Apple silicon
 * temperatures, fans and PSTR; macmon `smc_numeric_value`); integers and fixed point are big-endian
 * (`#KEY [ui32] 863 (bytes 00 00 03 5f)` in the M1 `smc -l` dump on exelban/stats#181). `fpXY`/`spXY`:
 * unsigned/signed 16-bit with Y fraction bits (fpe2: /4, sp78: /256; Stats `getValue`).
 */
export function decodeSmcNumber(dataType: string, bytes: Uint8Array, dataSize = bytes.length): SmcNumber {
  const size = Math.min(dataSize, bytes.length);
  const need = (n: number): SmcNumber | null =>
    size === n ? null : { ok: false, error: `${dataType.trim()} needs ${n} bytes, got ${size}` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (dataType) {
    case 'flt ':
      return need(4) ?? finite(view.getFloat32(0, true), dataType);
    case 'ui8 ':
      return need(1) ?? { ok: true, value: view.getUint8(0) };
    case 'ui16':
      return need(2) ?? { ok: true, value: view.getUint16(0, false) };
    case 'ui32':
      return need(4) ?? { ok: true, value: view.getUint32(0, false) };
    case 'si8 ':
      return need(1) ?? { ok: true, value: view.getInt8(0) };
    case 'si16':
      return need(2) ?? { ok: true, value: view.getInt16(0, false) };
  }
  const fixed = FIXED_POINT.exec(dataType);
  if (fixed) {
    const integerBits = parseInt(fixed[2]!, 16);
    const fractionBits = parseInt(fixed[3]!, 16);
    const signed = fixed[1] === 'sp';
    if (integerBits + fractionBits + (signed ? 1 : 0) !== 16) {
      return { ok: false, error: `${dataType} is not a 16-bit fixed-point type` };
    }
    return (
      need(2) ?? {
        ok: true,
        value: (signed ? view.getInt16(0, false) : view.getUint16(0, false)) / 2 ** fractionBits,
      }
    );
  }
  return { ok: false, error: `unsupported SMC type ${JSON.stringify(dataType)}` };
}

function finite(value: number, dataType: string): SmcNumber {
  return Number.isFinite(value)
    ? { ok: true, value }
    : { ok: false, error: `${dataType.trim()} value is not finite` };
}

/** "00 00 03 5f" / "0000035f" → bytes (the form recordings and `smc -l` dumps use). */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not hex bytes: ${JSON.stringify(hex)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
