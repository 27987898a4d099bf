import type { KeyList, SmcKeyRead, SmcPort } from './ports.js';
import {
  decodeSmcNumber,
  decodeSmcResponse,
  encodeSmcRequest,
  isSmcKey,
  SMC_COMMAND,
  SMC_KEY_DATA_SIZE,
  SMC_RESULT_KEY_NOT_FOUND,
  type SmcRequest,
  type SmcResponse,
} from './smc-codec.js';

/** One `IOConnectCallStructMethod(conn, 2, input, 80, output, &80)`; returns the kern_return_t. */
export type SmcStructCall = (input: Uint8Array, output: Uint8Array) => number;

/** A sanity bound on `#KEY`: real SMCs enumerate 800–3,000 keys. */
const MAX_KEYS = 20_000;

export const kernReturnText = (kr: number): string => `kern_return 0x${(kr >>> 0).toString(16)}`;

/**
 * The SMC conversation both macmon (`SMC::read_val`) and Stats (`SMC.read`) hold: ask for the key's
 * size and type (`readKeyInfo`, cached: it never changes while the machine runs), then for its bytes
 * (`readBytes`). A `result` of 0x84 means the key does not exist on this machine.
 */
export function smcPortFrom(call: SmcStructCall): SmcPort {
  const input = new Uint8Array(SMC_KEY_DATA_SIZE);
  const output = new Uint8Array(SMC_KEY_DATA_SIZE);
  const info = new Map<string, { dataSize: number; dataType: string } | 'missing'>();

  const ask = (request: SmcRequest): SmcResponse | { missing: true } | { error: string } => {
    encodeSmcRequest(request, input);
    output.fill(0);
    let kr: number;
    try {
      kr = call(input, output);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    if (kr !== 0) return { error: kernReturnText(kr) };
    const response = decodeSmcResponse(output);
    if (response.result === SMC_RESULT_KEY_NOT_FOUND) return { missing: true };
    if (response.result !== 0) return { error: `SMC result 0x${response.result.toString(16)}` };
    return response;
  };

  const read = (key: string): SmcKeyRead => {
    if (!isSmcKey(key))
      return { status: 'error', message: `${JSON.stringify(key)} is not a four-character SMC key` };
    let known = info.get(key);
    if (known === undefined) {
      const r = ask({ key, command: SMC_COMMAND.readKeyInfo });
      if ('error' in r) return { status: 'error', message: r.error };
      known = 'missing' in r ? 'missing' : { dataSize: r.dataSize, dataType: r.dataType };
      info.set(key, known);
    }
    if (known === 'missing') return { status: 'missing' };
    if (known.dataSize > 32)
      return { status: 'error', message: `${key} holds ${known.dataSize} bytes (at most 32)` };
    const r = ask({
      key,
      command: SMC_COMMAND.readBytes,
      dataSize: known.dataSize,
      dataType: known.dataType,
    });
    if ('error' in r) return { status: 'error', message: r.error };
    if ('missing' in r) return { status: 'missing' };
    return { status: 'ok', dataType: known.dataType, bytes: r.bytes.slice(0, known.dataSize) };
  };

  return {
    read,
    listKeys(): KeyList {
      const count = read('#KEY');
      if (count.status !== 'ok')
        return { ok: false, error: count.status === 'missing' ? 'no #KEY key' : count.message };
      const n = decodeSmcNumber(count.dataType, count.bytes);
      if (!n.ok) return { ok: false, error: `#KEY: ${n.error}` };
      if (n.value > MAX_KEYS) return { ok: false, error: `#KEY says ${n.value} keys` };
      const keys: string[] = [];
      for (let index = 0; index < n.value; index++) {
        const r = ask({ key: '', command: SMC_COMMAND.readIndex, data32: index });
        if ('key' in r && isSmcKey(r.key)) keys.push(r.key);
      }
      return { ok: true, keys };
    },
  };
}
