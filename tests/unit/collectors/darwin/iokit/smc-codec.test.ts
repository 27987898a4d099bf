import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bytesToHex,
  decodeSmcNumber,
  decodeSmcResponse,
  encodeSmcRequest,
  fourccToInt,
  hexToBytes,
  intToFourcc,
  SMC_COMMAND,
  SMC_KEY_DATA_OFFSETS,
  SMC_KEY_DATA_SIZE,
} from '../../../../../main/collectors/darwin/iokit/smc-codec.js';

const value = (type: string, hex: string) => {
  const r = decodeSmcNumber(type, hexToBytes(hex));
  assert.ok(r.ok, `${type} ${hex}: ${r.ok ? '' : r.error}`);
  return r.value;
};

test('four-character codes are the big-endian integers the SMC uses', () => {
  assert.equal(fourccToInt('PSTR'), 0x50535452);
  assert.equal(fourccToInt('flt '), 1718383648, 'macmon FLOAT_TYPE');
  assert.equal(intToFourcc(fourccToInt('#KEY')), '#KEY');
  assert.equal(intToFourcc(fourccToInt('ui8 ')), 'ui8 ');
  assert.throws(() => fourccToInt('PST'), /four printable ASCII/);
  assert.throws(() => fourccToInt('PSTRX'), /four printable ASCII/);
});

test('values captured on Macs decode as their tools printed them', () => {
  // `smc -l` on an M1 (exelban/stats#181): integers are big-endian there too.
  assert.equal(value('ui32', '00 00 03 5f'), 863); // #KEY
  assert.equal(value('ui16', '00 13'), 19); // AC-I
  assert.equal(value('ui8 ', '02'), 2); // AC-N
  // macmon `parse_smc_numeric_values`.
  assert.equal(value('fpe2', '13 88'), 1250);
  assert.equal(value('ui16', '04 d2'), 1234);
  assert.equal(value('ui32', '00 00 04 d2'), 1234);
  assert.equal(value('flt ', bytesToHex(new Uint8Array(new Float32Array([42.5]).buffer))), 42.5);
  // An Apple silicon fan: "F0Ac [flt ] (bytes d0 f4 9c 44)" (tamanishi/fan_speed), little-endian float.
  assert.equal(Math.round(value('flt ', 'd0 f4 9c 44')), 1256);
});

test('fixed-point types divide by two to the fraction bits; sp types keep the sign', () => {
  assert.equal(value('sp78', '1e 80'), 30.5);
  assert.equal(value('sp78', 'e1 80'), -30.5);
  assert.equal(value('fpe2', '0b 80'), 736);
  assert.equal(value('sp5a', '04 00'), 1);
  assert.equal(value('si16', 'ff 32'), -206);
  assert.equal(value('si8 ', 'ff'), -1);
});

test('a size or type that does not fit is an error, never a number', () => {
  for (const [type, hex] of [
    ['flt ', '00 00'],
    ['ui16', '01'],
    ['ui8 ', '01 02'],
    ['sp78', '01 02 03'],
    ['hex_', '01 02'],
    ['{fds', '01'],
    ['fpzz', '01 02'],
    ['sp88', '01 02'],
  ] as const) {
    const r = decodeSmcNumber(type, hexToBytes(hex));
    assert.equal(r.ok, false, `${type} ${hex}`);
  }
  assert.equal(decodeSmcNumber('flt ', hexToBytes('00 00 c0 7f')).ok, false, 'NaN is not a reading');
  // Only the first dataSize bytes count: a ui8 in a 32-byte slot is its first byte.
  assert.deepEqual(decodeSmcNumber('ui8 ', hexToBytes('01 00 00 00'), 1), { ok: true, value: 1 });
});

test('a request is written at the C offsets and a response read back from them', () => {
  assert.equal(SMC_KEY_DATA_SIZE, 80);
  const buffer = encodeSmcRequest({
    key: 'PSTR',
    command: SMC_COMMAND.readBytes,
    dataSize: 4,
    dataType: 'flt ',
  });
  assert.equal(buffer.length, 80);
  const view = new DataView(buffer.buffer);
  assert.equal(view.getUint32(SMC_KEY_DATA_OFFSETS.key, true), 0x50535452);
  assert.equal(buffer[SMC_KEY_DATA_OFFSETS.data8], 5);
  assert.equal(view.getUint32(SMC_KEY_DATA_OFFSETS.keyInfoDataSize, true), 4);
  assert.equal(intToFourcc(view.getUint32(SMC_KEY_DATA_OFFSETS.keyInfoDataType, true)), 'flt ');
  const index = encodeSmcRequest({ key: '', command: SMC_COMMAND.readIndex, data32: 862 });
  assert.equal(new DataView(index.buffer).getUint32(SMC_KEY_DATA_OFFSETS.data32, true), 862);
  assert.equal(index[SMC_KEY_DATA_OFFSETS.data8], 8);

  // A reused buffer is cleared: nothing of the previous request leaks into the next.
  encodeSmcRequest({ key: 'FNum', command: SMC_COMMAND.readKeyInfo }, buffer);
  assert.equal(new DataView(buffer.buffer).getUint32(SMC_KEY_DATA_OFFSETS.keyInfoDataSize, true), 0);

  const response = new Uint8Array(80);
  const rv = new DataView(response.buffer);
  rv.setUint32(SMC_KEY_DATA_OFFSETS.key, fourccToInt('F0Ac'), true);
  rv.setUint32(SMC_KEY_DATA_OFFSETS.keyInfoDataSize, 4, true);
  rv.setUint32(SMC_KEY_DATA_OFFSETS.keyInfoDataType, fourccToInt('flt '), true);
  response[SMC_KEY_DATA_OFFSETS.result] = 0x84;
  response.set(hexToBytes('d0f49c44'), SMC_KEY_DATA_OFFSETS.bytes);
  const decoded = decodeSmcResponse(response);
  assert.equal(decoded.key, 'F0Ac');
  assert.equal(decoded.result, 0x84);
  assert.equal(decoded.dataSize, 4);
  assert.equal(decoded.dataType, 'flt ');
  assert.equal(decoded.bytes.length, 32);
  assert.equal(bytesToHex(decoded.bytes.slice(0, 4)), 'd0f49c44');
  assert.throws(() => decodeSmcResponse(new Uint8Array(79)), /80 bytes/);
});

test('hex helpers round-trip and reject junk', () => {
  assert.equal(bytesToHex(hexToBytes('00 0A ff')), '000aff');
  assert.throws(() => hexToBytes('0g'), /not hex/);
  assert.throws(() => hexToBytes('abc'), /not hex/);
});
