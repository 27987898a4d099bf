import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex } from '../../../../../main/collectors/darwin/iokit/smc-codec.js';
import { smcPortFrom } from '../../../../../main/collectors/darwin/iokit/smc-protocol.js';
import { fakeSmcCall, flt, M4_MAX_KEYS } from './fake-smc.js';

test('a read asks for key info once, then the bytes; only dataSize bytes come back', () => {
  const calls: string[] = [];
  const smc = smcPortFrom(fakeSmcCall(M4_MAX_KEYS, calls));
  const first = smc.read('F0Ac');
  assert.equal(first.status, 'ok');
  if (first.status === 'ok') {
    assert.equal(first.dataType, 'flt ');
    assert.equal(bytesToHex(first.bytes), 'd0f49c44');
  }
  smc.read('F0Ac');
  assert.deepEqual(calls, ['9:F0Ac', '5:F0Ac', '5:F0Ac'], 'key info is cached');
});

test('a key this Mac lacks is missing (result 0x84), and stays missing without asking again', () => {
  const calls: string[] = [];
  const smc = smcPortFrom(fakeSmcCall({ PSTR: flt(10) }, calls));
  assert.deepEqual(smc.read('Tp01'), { status: 'missing' });
  assert.deepEqual(smc.read('Tp01'), { status: 'missing' });
  assert.deepEqual(calls, ['9:Tp01']);
  assert.equal(smc.read('bad').status, 'error');
});

test('a failing call or a throwing binding is an error with its code, never an exception', () => {
  const failing = smcPortFrom(() => 0xe00002c2);
  assert.deepEqual(failing.read('PSTR'), { status: 'error', message: 'kern_return 0xe00002c2' });
  const throwing = smcPortFrom(() => {
    throw new TypeError('bad argument');
  });
  assert.deepEqual(throwing.read('PSTR'), { status: 'error', message: 'bad argument' });
  assert.deepEqual(failing.listKeys(), { ok: false, error: 'kern_return 0xe00002c2' });
});

test('listKeys reads #KEY, then every key by index', () => {
  const smc = smcPortFrom(fakeSmcCall(M4_MAX_KEYS));
  const listed = smc.listKeys();
  assert.ok(listed.ok);
  if (listed.ok) {
    assert.deepEqual(listed.keys, [...Object.keys(M4_MAX_KEYS), '#KEY'].sort());
  }
});
