import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type * as Koffi from 'koffi';
import { decodeTcpPcbList } from '../../../../../main/collectors/darwin/pcblist/decode.js';
import { socketRecords, tcpTable } from './table.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;

test('koffi lays the pack(4) records out at the offsets the decoder reads (declared as in XNU)', () => {
  // #pragma pack(4): a 64-bit field aligns to 4, which two uint32_t words reproduce exactly.
  const u64 = koffi.array('uint32_t', 2);
  const inpcb = koffi.struct('xinpcb_n_test', {
    xi_len: 'uint32_t',
    xi_kind: 'uint32_t',
    xi_inpp: u64,
    inp_fport: 'uint16_t',
    inp_lport: 'uint16_t',
    inp_ppcb: u64,
    inp_gencnt: u64,
    inp_flags: 'int',
    inp_flow: 'uint32_t',
    inp_vflag: 'uint8_t',
    inp_ip_ttl: 'uint8_t',
    inp_ip_p: 'uint8_t',
    inp_dependfaddr: koffi.array('uint32_t', 4),
    inp_dependladdr: koffi.array('uint32_t', 4),
  });
  const socket = koffi.struct('xsocket_n_test', {
    xso_len: 'uint32_t',
    xso_kind: 'uint32_t',
    xso_so: u64,
    so_type: 'short',
    so_options: 'uint32_t',
    so_linger: 'short',
    so_state: 'short',
    so_pcb: u64,
    xso_protocol: 'int',
    xso_family: 'int',
    so_qlen: 'short',
    so_incqlen: 'short',
    so_qlimit: 'short',
    so_timeo: 'short',
    so_error: 'uint16_t',
    so_pgid: 'int',
    so_oobmark: 'uint32_t',
    so_uid: 'uint32_t',
    so_last_pid: 'int',
    so_e_pid: 'int',
  });
  const tcpcb = koffi.struct('xtcpcb_n_test', {
    xt_len: 'uint32_t',
    xt_kind: 'uint32_t',
    t_segq: u64,
    t_dupacks: 'int',
    t_timer: koffi.array('int', 4),
    t_state: 'int',
  });
  const dataStats = koffi.struct('data_stats_test', {
    rxpackets: u64,
    rxbytes: u64,
    txpackets: u64,
    txbytes: u64,
  });
  const stats = koffi.struct('xsockstat_n_test', {
    xst_len: 'uint32_t',
    xst_kind: 'uint32_t',
    xst_tc_stats: koffi.array(dataStats, 4),
  });
  const at = (type: Parameters<typeof koffi.offsetof>[0], fields: string[]) =>
    fields.map((f) => koffi.offsetof(type, f));
  assert.deepEqual(
    at(inpcb, ['inp_fport', 'inp_lport', 'inp_vflag', 'inp_dependfaddr', 'inp_dependladdr']),
    [16, 18, 44, 48, 64],
  );
  assert.deepEqual(at(socket, ['so_uid', 'so_last_pid', 'so_e_pid']), [64, 68, 72]);
  assert.deepEqual(at(tcpcb, ['t_state']), [36]);
  assert.deepEqual(at(stats, ['xst_tc_stats']), [8]);
  assert.deepEqual(at(dataStats, ['rxbytes', 'txbytes']), [8, 24]);
  assert.equal(koffi.sizeof(dataStats), 32);
  assert.equal(koffi.sizeof(stats), 136);
});

test('decodeTcpPcbList: listeners, a loopback pair with pids and bytes summed over traffic classes, IPv6, TIME_WAIT', () => {
  const table = tcpTable([
    { local: ['0.0.0.0', 11434], remote: ['0.0.0.0', 0], state: 1, lastPid: 7101 },
    { local: ['::', 3000], remote: ['::', 0], state: 1, lastPid: 7303 },
    {
      local: ['127.0.0.1', 11434],
      remote: ['127.0.0.1', 52001],
      state: 4,
      lastPid: 7101,
      received: [300, 0, 40, 2],
      sent: [9000],
    },
    {
      local: ['127.0.0.1', 52001],
      remote: ['127.0.0.1', 11434],
      state: 4,
      lastPid: 0,
      effectivePid: 8123,
      received: [9000],
      sent: [342],
    },
    { local: ['::1', 3000], remote: ['::1', 60100], state: 10, lastPid: 7303 },
    { local: ['fe80:4::1', 22], remote: ['2001:db8::7', 4000], state: 4, lastPid: 0, effectivePid: 0 },
  ]);
  const decoded = decodeTcpPcbList(table);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
  if (!decoded.ok) return;
  assert.deepEqual(
    decoded.sockets.map((s) => [s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state, s.pid]),
    [
      ['*', 11434, '*', 0, 'LISTEN', 7101],
      ['*', 3000, '*', 0, 'LISTEN', 7303],
      ['127.0.0.1', 11434, '127.0.0.1', 52001, 'ESTABLISHED', 7101],
      ['127.0.0.1', 52001, '127.0.0.1', 11434, 'ESTABLISHED', 8123],
      ['::1', 3000, '::1', 60100, 'TIME_WAIT', 7303],
      ['fe80::1', 22, '2001:db8::7', 4000, 'ESTABLISHED', null],
    ],
  );
  assert.deepEqual([decoded.sockets[2]!.bytesReceived, decoded.sockets[2]!.bytesSent], [342, 9000]);
  assert.deepEqual(decodeTcpPcbList(tcpTable([])), { ok: true, sockets: [] });
});

test('decodeTcpPcbList: a record of a kind it does not know is passed over; broken tables are refused with the reason', () => {
  const one = { local: ['127.0.0.1', 8766], remote: ['127.0.0.1', 50000], state: 4, lastPid: 55 } as const;
  const extra = Buffer.alloc(40);
  extra.writeUInt32LE(40, 0);
  extra.writeUInt32LE(0x400, 4);
  const withExtra = decodeTcpPcbList(
    tcpTable([{ ...one, local: [...one.local], remote: [...one.remote] }], [extra]),
  );
  assert.ok(withExtra.ok && withExtra.sockets.length === 1);

  const table = tcpTable([{ ...one, local: [...one.local], remote: [...one.remote] }]);
  assert.match(errorOf(table.subarray(0, 100)), /runs past the end/);
  assert.match(errorOf(table.subarray(0, 10)), /no xinpgen header/);
  const records = socketRecords({ ...one, local: [...one.local], remote: [...one.remote] });
  const twice = Buffer.concat([
    table.subarray(0, 24),
    records[0]!,
    records[0]!,
    table.subarray(table.length - 24),
  ]);
  assert.match(errorOf(twice), /twice/);
  const shortSocket = Buffer.concat([
    table.subarray(0, 24),
    records[0]!,
    record8(0x1, 40),
    table.subarray(table.length - 24),
  ]);
  assert.match(errorOf(shortSocket), /kind 1 record of 40 bytes/);
  const cut = Buffer.concat([
    table.subarray(0, 24),
    records[0]!,
    records[1]!,
    table.subarray(table.length - 24),
  ]);
  assert.match(errorOf(cut), /incomplete/);
});

function record8(kind: number, length: number): Buffer {
  const b = Buffer.alloc((length + 7) & ~7);
  b.writeUInt32LE(length, 0);
  b.writeUInt32LE(kind, 4);
  return b;
}

function errorOf(bytes: Uint8Array): string {
  const decoded = decodeTcpPcbList(bytes);
  return decoded.ok ? 'decoded' : decoded.error;
}
