import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createSocketsCollector,
  parseHexAddress,
  parseProcNetTcp,
} from '../../../../main/collectors/linux/sockets.js';
import type { DiagSocket } from '../../../../main/collectors/linux/inet-diag.js';
import type { SocketObservation } from '../../../../main/collectors/types.js';
import type { SockDiagChannel } from '../../../../main/collectors/linux/sock-diag-channel.js';
import { readFileSync } from 'node:fs';
import { tempDir } from '../../../helpers.js';
import { expectOk, linuxEnv, PROCFS_PROC, request, writeTree } from './linux-env.js';

const HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (sl: number, local: string, remote: string, state: string, inode: number, uid = 1000) =>
  `   ${sl}: ${local} ${remote} ${state} 00000000:00000000 00:00000000 00000000  ${uid}        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

test('hex addresses: IPv4 and IPv6 words are in host byte order', () => {
  assert.equal(parseHexAddress('0500000A', true), '10.0.0.5');
  assert.equal(parseHexAddress('0A000005', false), '10.0.0.5');
  assert.equal(parseHexAddress('00000000000000000000000000000000', true), '::');
  assert.equal(parseHexAddress('000080FE00000000FFADE15609667CFE', true), 'fe80::56e1:adff:fe7c:6609');
  assert.equal(parseHexAddress('00000000000000000000000001000000', true), '::1');
  assert.equal(parseHexAddress('0000000000000000FFFF00000100007F', true), '127.0.0.1', 'IPv4-mapped');
  assert.equal(parseHexAddress('XYZ', true), null);
});

test('prometheus/procfs fixture: tcp LISTEN rows and tcp6 CLOSE rows', () => {
  const tcp = parseProcNetTcp(readFileSync(join(PROCFS_PROC, 'net/tcp'), 'utf8'), true);
  assert.deepEqual(tcp[0], {
    localAddress: '10.0.0.5',
    localPort: 22,
    remoteAddress: '0.0.0.0',
    remotePort: 0,
    state: 'LISTEN',
    uid: 0,
    inode: 2740,
  });
  assert.equal(tcp.length, 3);
  const tcp6 = parseProcNetTcp(readFileSync(join(PROCFS_PROC, 'net/tcp6'), 'utf8'), true);
  assert.deepEqual(
    tcp6.map((e) => [e.localAddress, e.localPort, e.state, e.uid, e.inode]),
    [
      ['::', 5355, 'CLOSE', 981, 21040],
      ['fe80::56e1:adff:fe7c:6609', 51073, 'CLOSE', 1000, 11337031],
    ],
  );
});

test('the fixture tree through the collector: one listener on 22, unattributed (no fd/ in the fixture)', async () => {
  const sockets = expectOk(
    await createSocketsCollector(linuxEnv({ procRoot: PROCFS_PROC })).collect(request({ slow: true })),
  ).sockets!;
  assert.deepEqual(sockets, {
    listening: [{ port: 22, pid: null }],
    connections: [],
    source: 'proc-net-tcp',
  });
});

test('garbage rows are skipped and never throw', () => {
  const text = `${HEADER}   0: nonsense\n   1: 0100007F:ZZZZ 00000000:0000 0A x\n${row(2, '0100007F:0050', '00000000:0000', '0A', 77)}\u0000\u0001`;
  const entries = parseProcNetTcp(text, true);
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.localPort, 80);
  assert.deepEqual(parseProcNetTcp('', true), []);
});

function socketTree(root: string): void {
  writeTree(root, {
    'net/tcp':
      HEADER +
      row(0, '0100007F:2CAA', '00000000:0000', '0A', 1001) + // ollama LISTEN 127.0.0.1:11434
      row(1, '0100007F:2CAA', '0100007F:CF08', '01', 1002) + // ollama side of a request
      row(2, '0100007F:CF08', '0100007F:2CAA', '01', 1003) + // the client's side
      row(3, '0100007F:2CAA', '0100007F:CF09', '06', 0) + // TIME_WAIT: no owner
      row(4, '0100007F:0BB8', '00000000:0000', '0A', 1004) + // next.js LISTEN :3000
      row(5, '0100007F:0BB8', '0200007F:D000', '08', 1005), // CLOSE_WAIT on :3000
    'net/tcp6':
      HEADER +
      row(0, '0000000000000000FFFF00000100007F:2CAA', '0000000000000000FFFF00000100007F:CF0A', '01', 1006),
    '500/stat': '500 (ollama) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 1 0 0\n',
    '600/stat': '600 (curl) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 1 0 0\n',
    '700/stat': '700 (node) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 1 0 0\n',
  });
  const fds: [number, string, string][] = [
    [500, '3', 'socket:[1001]'],
    [500, '4', 'socket:[1002]'],
    [500, '5', 'socket:[1006]'],
    [500, '6', '/var/log/ollama.log'],
    [600, '3', 'socket:[1003]'],
    [700, '20', 'socket:[1004]'],
    [700, '21', 'socket:[1005]'],
  ];
  for (const [pid, fd, target] of fds) {
    mkdirSync(join(root, String(pid), 'fd'), { recursive: true });
    symlinkSync(target, join(root, String(pid), 'fd', fd));
  }
}

test('listeners and connections map to pids through fd socket inodes; TIME_WAIT has no pid', async (t) => {
  const root = tempDir(t);
  socketTree(root);
  const sockets = expectOk(
    await createSocketsCollector(linuxEnv({ procRoot: root })).collect(request({ slow: true })),
  ).sockets!;
  assert.deepEqual(sockets.listening, [
    { port: 11434, pid: 500 },
    { port: 3000, pid: 700 },
  ]);
  assert.deepEqual(sockets.connections, [
    {
      localAddress: '127.0.0.1',
      localPort: 11434,
      remoteAddress: '127.0.0.1',
      remotePort: 53000,
      state: 'ESTABLISHED',
      pid: 500,
    },
    {
      localAddress: '127.0.0.1',
      localPort: 53000,
      remoteAddress: '127.0.0.1',
      remotePort: 11434,
      state: 'ESTABLISHED',
      pid: 600,
    },
    {
      localAddress: '127.0.0.1',
      localPort: 11434,
      remoteAddress: '127.0.0.1',
      remotePort: 53001,
      state: 'TIME_WAIT',
      pid: null,
    },
    {
      localAddress: '127.0.0.1',
      localPort: 3000,
      remoteAddress: '127.0.0.2',
      remotePort: 53248,
      state: 'CLOSE_WAIT',
      pid: 700,
    },
    {
      localAddress: '127.0.0.1',
      localPort: 11434,
      remoteAddress: '127.0.0.1',
      remotePort: 53002,
      state: 'ESTABLISHED',
      pid: 500,
    },
  ]);
  assert.equal(
    expectOk(await createSocketsCollector(linuxEnv({ procRoot: root })).collect(request())).sockets!.source,
    'proc-net-tcp',
  );
});

test('with service ports, client ends (remote port is a service port) are kept and searched among clientPids only', async (t) => {
  const root = tempDir(t);
  socketTree(root);
  const ollama = { servicePorts: new Set([11434]), watchPids: new Set([500]) };
  const withoutClient = expectOk(
    await createSocketsCollector(linuxEnv({ procRoot: root })).collect(
      request({ ...ollama, clientPids: new Set([500]) }),
    ),
  ).sockets!;
  assert.deepEqual(
    withoutClient.connections.map((c) => [c.localPort, c.remotePort, c.pid]),
    [
      [11434, 53000, 500],
      [53000, 11434, null],
      [11434, 53001, null],
      [11434, 53002, 500],
    ],
    'curl (600) is nobody we look for',
  );
  const withClient = expectOk(
    await createSocketsCollector(linuxEnv({ procRoot: root })).collect(
      request({ ...ollama, clientPids: new Set([500, 600]) }),
    ),
  ).sockets!;
  assert.equal(withClient.connections[1]!.pid, 600);
});

test('between slow ticks only service ports are reported', async (t) => {
  const root = tempDir(t);
  socketTree(root);
  const collector = createSocketsCollector(linuxEnv({ procRoot: root }));
  const sockets = expectOk(
    await collector.collect(request({ servicePorts: new Set([3000]), watchPids: new Set([700]) })),
  ).sockets!;
  assert.deepEqual(sockets.listening, [{ port: 3000, pid: 700 }]);
  assert.deepEqual(
    sockets.connections.map((c) => [c.localPort, c.state, c.pid]),
    [[3000, 'CLOSE_WAIT', 700]],
  );
});

test('no /proc/net/tcp at all is not-present', async (t) => {
  const reading = await createSocketsCollector(linuxEnv({ procRoot: tempDir(t) })).collect(request());
  assert.equal(reading.status === 'absent' && reading.reason, 'not-present');
});

/** A netlink channel answering from a socket table; requests are recorded as [type, family, states]. */
function fakeSockDiag(table: readonly (DiagSocket & { family: 2 | 10 })[], refuseBothFamilies: boolean) {
  const requests: [number, number, number][] = [];
  const channel: SockDiagChannel = {
    dump(req) {
      const type = req.readUInt16LE(4);
      const both = type === 18;
      const family = both ? 0 : req.readUInt8(16);
      const states = both ? req.readUInt32LE(16 + 52) : req.readUInt32LE(16 + 4);
      requests.push([type, family, states]);
      if (both && refuseBothFamilies) return { ok: false, error: 'kernel answered errno 22' };
      const sockets = table
        .filter((s) => family === 0 || s.family === family)
        .filter((s) => states !== 1 << 10 || s.state === 'LISTEN')
        .map(({ family: _family, ...s }) => s);
      return { ok: true, sockets };
    },
    close() {},
  };
  return { requests, open: async () => channel };
}

const diagRow = (
  family: 2 | 10,
  state: DiagSocket['state'],
  localPort: number,
  remotePort: number,
  inode: number,
) => ({
  family,
  state,
  localAddress: family === 2 ? '127.0.0.1' : '::1',
  localPort,
  remoteAddress: family === 2 ? (remotePort ? '127.0.0.1' : '0.0.0.0') : '::',
  remotePort,
  uid: 1000,
  inode,
  ...(state === 'ESTABLISHED' ? { bytesReceived: 10, bytesSent: 20 } : {}),
});

test('sock_diag: one dump for both families per tick; a kernel refusing it gets one per family, the same reading', async (t) => {
  const root = tempDir(t);
  mkdirSync(join(root, '500', 'fd'), { recursive: true });
  symlinkSync('socket:[41]', join(root, '500', 'fd', '3'));
  symlinkSync('socket:[42]', join(root, '500', 'fd', '4'));
  const table = [
    diagRow(2, 'LISTEN', 11434, 0, 41),
    diagRow(10, 'LISTEN', 22, 0, 40),
    diagRow(10, 'ESTABLISHED', 11434, 53000, 42),
    diagRow(2, 'TIME_WAIT', 11434, 53001, 0),
  ];
  const ticks = [
    request({ slow: true, servicePorts: new Set([11434]), watchPids: new Set([500]) }),
    request({ servicePorts: new Set([11434]), watchPids: new Set([500]) }),
    request({ slow: true, servicePorts: new Set([11434]), watchPids: new Set([500]) }),
  ];
  const readings: SocketObservation[][] = [];
  for (const refuse of [false, true]) {
    const fake = fakeSockDiag(table, refuse);
    const collector = createSocketsCollector(linuxEnv({ procRoot: root }), { openSockDiag: fake.open });
    const reading: SocketObservation[] = [];
    for (const tick of ticks) reading.push(expectOk(await collector.collect(tick)).sockets!);
    readings.push(reading);
    const all = 0xffffffff;
    const listen = 1 << 10;
    assert.deepEqual(
      fake.requests,
      refuse
        ? [
            [18, 0, listen], // refused: per family from now until the next slow tick
            [20, 2, listen],
            [20, 2, all],
            [20, 10, listen],
            [20, 10, all],
            [20, 2, all],
            [20, 10, all],
            [18, 0, listen], // the slow tick tries again
            [20, 2, listen],
            [20, 2, all],
            [20, 10, listen],
            [20, 10, all],
          ]
        : [
            [18, 0, listen],
            [18, 0, all],
            [18, 0, all],
            [18, 0, listen],
            [18, 0, all],
          ],
    );
  }
  const [both, perFamily] = readings;
  const sorted = (r: SocketObservation) => ({
    ...r,
    listening: [...r.listening].sort((a, b) => a.port - b.port),
    connections: [...r.connections].sort((a, b) => a.remotePort - b.remotePort),
  });
  assert.deepEqual(both!.map(sorted), perFamily!.map(sorted));
  assert.equal(both![0]!.source, 'sock-diag');
  assert.deepEqual(
    sorted(both![0]!).listening,
    [
      { port: 22, pid: null },
      { port: 11434, pid: 500 },
    ],
    'every listener on a slow tick',
  );
  assert.deepEqual(
    sorted(both![1]!).connections.map((c) => [c.localPort, c.remotePort, c.state, c.pid, c.bytesReceived]),
    [
      [11434, 53000, 'ESTABLISHED', 500, 10],
      [11434, 53001, 'TIME_WAIT', null, undefined],
    ],
  );
});

test('sock_diag requests are reused between ticks with a fresh sequence number, and follow edited ports', async () => {
  const seen: { sequence: number; inHeader: number; filterPort: number | null }[] = [];
  const channel: SockDiagChannel = {
    dump(req, sequence) {
      // TCPDIAG_GETSOCK: header 16 + inet_diag_req 60 + attribute header 4; the first op's port follows.
      seen.push({
        sequence,
        inHeader: req.readUInt32LE(8),
        filterPort: req.length > 80 ? req.readUInt16LE(80 + 6) : null,
      });
      return { ok: true, sockets: [] };
    },
    close() {},
  };
  const collector = createSocketsCollector(linuxEnv(), { openSockDiag: async () => channel });
  for (const port of [11434, 11434, 3000, 11434]) {
    expectOk(await collector.collect(request({ servicePorts: new Set([port]) })));
  }
  assert.deepEqual(
    seen.map((s) => s.filterPort),
    [11434, 11434, 3000, 11434],
  );
  assert.ok(seen.every((s) => s.inHeader === s.sequence));
  assert.equal(new Set(seen.map((s) => s.sequence)).size, seen.length, 'a new sequence number each time');
});
