import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from '../../../main/cli/io.js';
import { parseMonitorOptions } from '../../../main/cli/monitor-options.js';

test('numeric flags take plain decimal digits only, within their range', () => {
  assert.equal(parseMonitorOptions(['--port', '8787']).port, 8787);
  assert.equal(parseMonitorOptions(['--port', '0']).port, 0);
  assert.equal(parseMonitorOptions(['--port', '65535']).port, 65535);
  assert.equal(parseMonitorOptions(['--interval', '0.5']).intervalSeconds, 0.5);
  assert.equal(parseMonitorOptions(['--interval', '2']).intervalSeconds, 2);
  const refused: [string, string][] = [
    ['--port', '0x10'],
    ['--port', '0o20'],
    ['--port', '0b10000'],
    ['--port', '1e3'],
    ['--port', ' 8787'],
    ['--port', ''],
    ['--port', '-1'],
    ['--port', '65536'],
    ['--port', '80.5'],
    ['--port', '+80'],
    ['--port', 'Infinity'],
    ['--interval', '0x2'],
    ['--interval', '2e0'],
    ['--interval', '.5'],
    ['--interval', '0.1'],
    ['--interval', '3601'],
  ];
  for (const [flag, value] of refused) {
    assert.throws(
      () => parseMonitorOptions([`${flag}=${value}`]),
      (error: unknown) =>
        error instanceof CliError &&
        error.message.startsWith(`${flag} must be a `) &&
        error.message.includes(JSON.stringify(value)),
      `${flag} ${JSON.stringify(value)}`,
    );
  }
});

test('--allow-host takes host names and IP addresses, repeatable; anything else is refused', () => {
  assert.deepEqual(parseMonitorOptions([]).allowHosts, []);
  assert.deepEqual(
    parseMonitorOptions(['--allow-host', 'Box.LAN', '--allow-host', '192.168.1.5', '--allow-host', 'fe80::1'])
      .allowHosts,
    ['box.lan', '192.168.1.5', 'fe80::1'],
  );
  for (const bad of ['box.lan:8787', 'http://box', 'a b', '', '-box', 'box/..']) {
    assert.throws(
      () => parseMonitorOptions([`--allow-host=${bad}`]),
      /--allow-host must be a host name/,
      bad,
    );
  }
});
