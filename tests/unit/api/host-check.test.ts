import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  allowedOrigins,
  isAllowedHost,
  isLoopbackAddress,
  isLoopbackHost,
  parseHostHeader,
} from '../../../main/api/host-check.js';

test('loopback names with the right port pass', () => {
  for (const host of ['localhost:8787', '127.0.0.1:8787', '[::1]:8787', 'LocalHost:8787']) {
    assert.equal(isAllowedHost(host, 8787), true, host);
  }
  assert.equal(isAllowedHost('localhost', 80), true, 'port 80 may be omitted');
});

test('other names, other ports, malformed or missing headers are refused', () => {
  for (const host of [
    'evil.example:8787',
    'localhost:8788',
    'localhost',
    '127.0.0.2:8787',
    '0.0.0.0:8787',
    'localhost.:8787',
    '127.0.0.1.nip.io:8787',
    'user@localhost:8787',
    '[::1]',
    'localhost:99999',
    '',
    'localhost:8787/x',
  ]) {
    assert.equal(isAllowedHost(host, 8787), false, host);
  }
  assert.equal(isAllowedHost(undefined, 8787), false);
});

test('explicitly allowed names pass, IPv6 ones bracketed', () => {
  assert.equal(isAllowedHost('box.lan:8787', 8787, ['box.lan']), true);
  assert.equal(isAllowedHost('[fd00::1]:8787', 8787, ['fd00::1']), true);
  assert.equal(isAllowedHost('box.lan:8787', 8787), false);
  assert.ok(allowedOrigins(8787, ['fd00::1']).has('http://[fd00::1]:8787'));
  assert.ok(allowedOrigins(8787).has('http://localhost:8787'));
  assert.ok(!allowedOrigins(8787).has('http://localhost:8788'));
});

test('loopback addresses, including IPv4-mapped ones', () => {
  for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
    assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', '', undefined])
    assert.equal(isLoopbackAddress(a), false, String(a));
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
  assert.deepEqual(parseHostHeader('[::1]:8787'), { name: '[::1]', port: 8787 });
  assert.equal(parseHostHeader('a b'), null);
});
