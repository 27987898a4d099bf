import type { HidPort, IokitPorts, SmcPort } from '../../../../../main/collectors/darwin/iokit/ports.js';
import {
  fourccToInt,
  hexToBytes,
  intToFourcc,
  SMC_KEY_DATA_OFFSETS as O,
} from '../../../../../main/collectors/darwin/iokit/smc-codec.js';
import { smcPortFrom, type SmcStructCall } from '../../../../../main/collectors/darwin/iokit/smc-protocol.js';

export type FakeKeys = Record<string, { type: string; hex: string }>;

const le32 = (value: number): string => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
};
export const flt = (value: number) => ({ type: 'flt ', hex: le32(value) });
export const ui8 = (value: number) => ({ type: 'ui8 ', hex: value.toString(16).padStart(2, '0') });

/**
 * An SMC at the struct level: it answers `IOConnectCallStructMethod` buffers the way the AppleSMC
 * user client does (key info, bytes, key by index; result 0x84 for an unknown key), so the real
 * protocol code runs against it.
 */
export function fakeSmcCall(keys: FakeKeys, calls: string[] = []): SmcStructCall {
  const table: FakeKeys = { ...keys, '#KEY': { type: 'ui32', hex: '' } };
  const names = Object.keys(table).sort();
  table['#KEY'] = { type: 'ui32', hex: names.length.toString(16).padStart(8, '0') };
  return (input, output) => {
    const view = new DataView(input.buffer, input.byteOffset, 80);
    const out = new DataView(output.buffer, output.byteOffset, 80);
    const command = input[O.data8]!;
    const key = intToFourcc(view.getUint32(O.key, true));
    calls.push(`${command}:${command === 8 ? view.getUint32(O.data32, true) : key}`);
    if (command === 8) {
      const name = names[view.getUint32(O.data32, true)];
      if (name === undefined) return 0xe00002c2;
      out.setUint32(O.key, fourccToInt(name), true);
      return 0;
    }
    const entry = table[key];
    if (!entry) {
      output[O.result] = 0x84;
      return 0;
    }
    const bytes = hexToBytes(entry.hex);
    if (command === 9) {
      out.setUint32(O.keyInfoDataSize, bytes.length, true);
      out.setUint32(O.keyInfoDataType, fourccToInt(entry.type), true);
      return 0;
    }
    if (command === 5) {
      if (view.getUint32(O.keyInfoDataSize, true) !== bytes.length) output[O.result] = 0x85;
      output.set(bytes, O.bytes);
      return 0;
    }
    return 0xe00002c7;
  };
}

export function fakeSmcPort(keys: FakeKeys, calls?: string[]): SmcPort {
  return smcPortFrom(fakeSmcCall(keys, calls));
}

export function fakeHidPort(sensors: Record<string, number>): HidPort & { reads: number } {
  const port = {
    reads: 0,
    temperatures() {
      port.reads++;
      return {
        ok: true as const,
        sensors: Object.entries(sensors).map(([name, celsius]) => ({ name, celsius })),
      };
    },
  };
  return port;
}

export function fakePorts(smc: SmcPort | string, hid: HidPort | string): IokitPorts & { closed: number } {
  const ports = {
    closed: 0,
    smc: typeof smc === 'string' ? { ok: false as const, reason: smc } : { ok: true as const, port: smc },
    hid: typeof hid === 'string' ? { ok: false as const, reason: hid } : { ok: true as const, port: hid },
    close: () => {
      ports.closed++;
    },
  };
  return ports;
}

/** A MacBook Pro M4 Max as Stats lists its keys, with captured byte values where there are any. */
export const M4_MAX_KEYS: FakeKeys = {
  PSTR: flt(18.25),
  FNum: ui8(2),
  F0Ac: { type: 'flt ', hex: 'd0f49c44' },
  F0Mn: flt(1200),
  F0Mx: flt(5779),
  F1Ac: flt(1302),
  F1Mx: flt(6241),
  Te05: { type: 'flt ', hex: '99b53b42' },
  Te0S: flt(45.5),
  Tp01: flt(52),
  Tp05: flt(54),
  Tg1U: flt(41),
  Tg1k: flt(43),
  TB0T: flt(30),
};
