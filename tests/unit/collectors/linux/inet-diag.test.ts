import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  decodeDiagChunk,
  encodeDiagRequest,
  encodePortFilter,
  type DiagSocket,
} from '../../../../main/collectors/linux/inet-diag.js';
import { parseSs } from '../../../../main/collectors/linux/ss.js';
import { FIXTURES } from '../../../helpers.js';

const SERVICE_PORT = 33933;

/** The kernel's inet_diag_bc_run (net/ipv4/inet_diag.c) for the port operations, to check our jump offsets. */
function runFilter(bc: Buffer, sport: number, dport: number): boolean {
  let at = 0;
  let len = bc.length;
  while (len > 0) {
    const code = bc.readUInt8(at);
    const port = code >= 2 && code <= 5 ? bc.readUInt16LE(at + 6) : 0;
    let yes = true;
    if (code === 1) yes = false;
    else if (code === 2) yes = sport >= port;
    else if (code === 3) yes = sport <= port;
    else if (code === 4) yes = dport >= port;
    else if (code === 5) yes = dport <= port;
    const step = yes ? bc.readUInt8(at + 1) : bc.readUInt16LE(at + 2);
    len -= step;
    at += step;
  }
  return len === 0;
}

test('port filter: GE/LE pairs with a JMP to the end, the last alternative falling past it', () => {
  const bc = encodePortFilter([3000]);
  const ops = [];
  for (let at = 0; at < bc.length; at += 4) ops.push([bc[at], bc[at + 1], bc.readUInt16LE(at + 2)]);
  assert.deepEqual(ops, [
    [2, 8, 20],
    [0, 0, 3000],
    [3, 8, 12],
    [0, 0, 3000],
    [1, 4, 24], // sport == 3000 → accept
    [4, 8, 24],
    [0, 0, 3000],
    [5, 8, 16],
    [0, 0, 3000],
    [1, 4, 4], // dport == 3000 → accept, else reject
  ]);
});

test('port filter accepts exactly the sockets touching a listed port, however many ports', () => {
  const ports = Array.from({ length: 40 }, (_, i) => 3000 + 7 * i);
  const bc = encodePortFilter(ports);
  assert.equal(encodePortFilter([...ports, ...ports]).length, bc.length, 'duplicates are dropped');
  for (const port of ports) {
    assert.ok(runFilter(bc, port, 50000), `sport ${port}`);
    assert.ok(runFilter(bc, 50000, port), `dport ${port}`);
    assert.ok(!runFilter(bc, port + 1, port - 1), `neighbours of ${port}`);
  }
  assert.ok(!runFilter(bc, 1, 2));
  for (let at = 0; at < bc.length; at += 4) {
    if (bc[at] === 0) continue;
    assert.ok(
      bc[at + 1]! >= 4 && bc[at + 1]! % 4 === 0 && bc.readUInt16LE(at + 2) % 4 === 0,
      'aligned offsets',
    );
  }
});

test('dump request: netlink header, inet_diag_req_v2 asking for tcp_info, bytecode attribute', () => {
  const req = encodeDiagRequest({ family: AF_INET6, ports: [3000], sequence: 7 });
  assert.equal(req.length, 16 + 56 + 4 + 40);
  assert.equal(req.readUInt32LE(0), req.length);
  assert.equal(req.readUInt16LE(4), 20, 'SOCK_DIAG_BY_FAMILY');
  assert.equal(req.readUInt16LE(6), 0x301, 'NLM_F_REQUEST | NLM_F_DUMP');
  assert.equal(req.readUInt32LE(8), 7);
  assert.deepEqual(
    [req[16], req[17], req[18]],
    [AF_INET6, 6, 2],
    'family, IPPROTO_TCP, 1 << (INET_DIAG_INFO - 1)',
  );
  assert.equal(req.readUInt32LE(20), 0xffffffff, 'every state');
  assert.equal(req.readUInt16LE(72), 44, 'attribute length');
  assert.equal(req.readUInt16LE(74), 1, 'INET_DIAG_REQ_BYTECODE');
  assert.deepEqual(req.subarray(76), encodePortFilter([3000]));
  const listeners = encodeDiagRequest({ family: AF_INET, ports: [], sequence: 1, listenersOnly: true });
  assert.equal(listeners.length, 72, 'no filter: no attribute');
  assert.equal(listeners.readUInt32LE(20), 1 << 10, 'LISTEN only');
});

test('both families in one dump: TCPDIAG_GETSOCK with inet_diag_req (family in the first byte, states at 52)', () => {
  const req = encodeDiagRequest({ family: AF_UNSPEC, ports: [3000], sequence: 9 });
  assert.equal(req.length, 16 + 60 + 4 + 40);
  assert.equal(req.readUInt32LE(0), req.length);
  assert.equal(req.readUInt16LE(4), 18, 'TCPDIAG_GETSOCK');
  assert.equal(req.readUInt16LE(6), 0x301, 'NLM_F_REQUEST | NLM_F_DUMP');
  assert.equal(req.readUInt32LE(8), 9);
  assert.deepEqual([req[16], req[17], req[18], req[19]], [AF_UNSPEC, 0, 0, 2], 'family, lengths, ext INFO');
  assert.deepEqual(req.subarray(20, 60), Buffer.alloc(40), 'no exact socket');
  assert.deepEqual([req.readUInt32LE(60), req.readUInt32LE(64)], [0xffffffff, 0xffffffff], 'no cookie');
  assert.equal(req.readUInt32LE(68), 0xffffffff, 'every state');
  assert.equal(req.readUInt32LE(72), 0, 'idiag_dbs');
  assert.equal(req.readUInt16LE(76), 44, 'attribute length');
  assert.equal(req.readUInt16LE(78), 1, 'INET_DIAG_REQ_BYTECODE');
  assert.deepEqual(req.subarray(80), encodePortFilter([3000]));
  const listeners = encodeDiagRequest({ family: AF_UNSPEC, ports: [], sequence: 1, listenersOnly: true });
  assert.equal(listeners.length, 76, 'no filter: no attribute');
  assert.equal(listeners.readUInt32LE(68), 1 << 10, 'LISTEN only');
});

test('replies to TCPDIAG_GETSOCK carry its message type and decode like SOCK_DIAG_BY_FAMILY ones', () => {
  for (const chunk of fixtureChunks()) {
    const renamed = Buffer.from(chunk);
    for (let at = 0; at + 16 <= renamed.length; at += (renamed.readUInt32LE(at) + 3) & ~3) {
      if (renamed.readUInt16LE(at + 4) === 20) renamed.writeUInt16LE(18, at + 4);
    }
    assert.deepEqual(decodeDiagChunk(renamed), decodeDiagChunk(chunk));
  }
  const other = Buffer.from(fixtureChunks()[0]!);
  other.writeUInt16LE(19, 4);
  assert.equal(
    decodeDiagChunk(other).sockets.length,
    decodeDiagChunk(fixtureChunks()[0]!).sockets.length - 1,
  );
});

function fixtureChunks(): Buffer[] {
  return readFileSync(join(FIXTURES, 'sock-diag', 'loopback-port.hex'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => Buffer.from(line, 'hex'));
}

const comparable = (s: DiagSocket) => [
  s.state,
  s.localAddress,
  s.localPort,
  s.remoteAddress,
  s.remotePort,
  s.bytesReceived,
  s.bytesSent,
];

test('captured dump: client ends over IPv4, the dual-stack listener and server end over IPv6, with tcp_info bytes', () => {
  const [v4, v4done, v6, v6done] = fixtureChunks().map((b) => decodeDiagChunk(b));
  assert.deepEqual(v4!.sockets.map(comparable), [
    ['ESTABLISHED', '127.0.0.1', 44808, '127.0.0.1', SERVICE_PORT, 40, 34],
    ['TIME_WAIT', '127.0.0.1', 44820, '127.0.0.1', SERVICE_PORT, undefined, undefined],
  ]);
  assert.equal(v4!.sockets[1]!.inode, 0, 'TIME_WAIT sockets have no inode');
  assert.ok(v4!.sockets[0]!.inode > 0);
  assert.deepEqual(v6!.sockets.map(comparable), [
    ['LISTEN', '::', SERVICE_PORT, '::', 0, undefined, undefined],
    ['ESTABLISHED', '127.0.0.1', SERVICE_PORT, '127.0.0.1', 44808, 33, 40],
  ]);
  assert.ok(v4done!.done && v6done!.done && !v4!.done);
  assert.equal(v4done!.errno, null);
});

test('ss prints the same sockets as the netlink dump (captured at the same moment)', () => {
  const ss = parseSs(readFileSync(join(FIXTURES, 'ss', 'loopback-port.txt'), 'utf8'));
  assert.ok(ss.ok);
  const netlink = fixtureChunks().flatMap((b) => decodeDiagChunk(b).sockets);
  const key = (s: DiagSocket) => JSON.stringify([...comparable(s), s.inode]);
  assert.deepEqual(ss.value.map(key).sort(), netlink.map(key).sort());
});

test('malformed and foreign messages: errors are reported, never thrown', () => {
  const chunk = fixtureChunks()[0]!;
  assert.equal(decodeDiagChunk(chunk.subarray(0, 100)).errno, -74, 'cut inside a message');
  assert.deepEqual(decodeDiagChunk(chunk, 999).sockets, [], 'answers to another sequence are skipped');
  const error = Buffer.alloc(36);
  error.writeUInt32LE(36, 0);
  error.writeUInt16LE(2, 4);
  error.writeInt32LE(-22, 16);
  assert.deepEqual(decodeDiagChunk(error), { sockets: [], done: true, errno: -22 });
  const short = Buffer.alloc(24);
  short.writeUInt32LE(24, 0);
  short.writeUInt16LE(20, 4);
  assert.deepEqual(decodeDiagChunk(short).sockets, [], 'a message too short for inet_diag_msg');
  assert.deepEqual(decodeDiagChunk(Buffer.from('garbage')), { sockets: [], done: false, errno: null });
});

test('ss lines: states, bracketed and scoped addresses, missing counters; nonsense is an error', () => {
  const text = [
    'LISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:* ino:100 sk:1 <->',
    'ESTAB 0 0 [::1]:3000 [::1]:51000 uid:1000 ino:101 sk:2 <-> bytes_acked:1 lastrcv:12',
    'CLOSE-WAIT 1 0 [fe80::1%eth0]:22 [fe80:0:0:0:0:0:0:2]:40000 ino:102',
  ].join('\n');
  const parsed = parseSs(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, [
    {
      state: 'LISTEN',
      localAddress: '127.0.0.53',
      localPort: 53,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      uid: 0,
      inode: 100,
    },
    {
      state: 'ESTABLISHED',
      localAddress: '::1',
      localPort: 3000,
      remoteAddress: '::1',
      remotePort: 51000,
      uid: 1000,
      inode: 101,
      bytesSent: 1,
      bytesReceived: 0,
      lastReceiveAgoMs: 12,
    },
    {
      state: 'CLOSE_WAIT',
      localAddress: 'fe80::1',
      localPort: 22,
      remoteAddress: 'fe80::2',
      remotePort: 40000,
      uid: 0,
      inode: 102,
    },
  ]);
  assert.deepEqual(parseSs(''), { ok: true, value: [] });
  assert.equal(parseSs('Cannot open netlink socket: Permission denied').ok, false);
});
