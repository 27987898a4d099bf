import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type * as Koffi from 'koffi';
import {
  decodeProcArgs2,
  decodeSysctlInteger,
  decodeTaskAllInfo,
  PROC_BSDINFO_SIZE,
  PROC_TASKALLINFO_SIZE,
} from '../../../../../main/collectors/darwin/libproc/decode.js';
import { procArgs2, taskAllInfo } from './structs.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
const APPLE_SILICON_TICKS = 24_000_000;

test('koffi lays proc_bsdinfo and proc_taskinfo out as the decoder reads them (declared as in proc_info.h)', () => {
  const bsd = koffi.struct('proc_bsdinfo_test', {
    pbi_flags: 'uint32_t',
    pbi_status: 'uint32_t',
    pbi_xstatus: 'uint32_t',
    pbi_pid: 'uint32_t',
    pbi_ppid: 'uint32_t',
    pbi_uid: 'uint32_t',
    pbi_gid: 'uint32_t',
    pbi_ruid: 'uint32_t',
    pbi_rgid: 'uint32_t',
    pbi_svuid: 'uint32_t',
    pbi_svgid: 'uint32_t',
    rfu_1: 'uint32_t',
    pbi_comm: koffi.array('char', 16),
    pbi_name: koffi.array('char', 32),
    pbi_nfiles: 'uint32_t',
    pbi_pgid: 'uint32_t',
    pbi_pjobc: 'uint32_t',
    e_tdev: 'uint32_t',
    e_tpgid: 'uint32_t',
    pbi_nice: 'int32_t',
    pbi_start_tvsec: 'uint64_t',
    pbi_start_tvusec: 'uint64_t',
  });
  const task = koffi.struct('proc_taskinfo_test', {
    pti_virtual_size: 'uint64_t',
    pti_resident_size: 'uint64_t',
    pti_total_user: 'uint64_t',
    pti_total_system: 'uint64_t',
    pti_threads_user: 'uint64_t',
    pti_threads_system: 'uint64_t',
    pti_policy: 'int32_t',
    pti_faults: 'int32_t',
    pti_pageins: 'int32_t',
    pti_cow_faults: 'int32_t',
    pti_messages_sent: 'int32_t',
    pti_messages_received: 'int32_t',
    pti_syscalls_mach: 'int32_t',
    pti_syscalls_unix: 'int32_t',
    pti_csw: 'int32_t',
    pti_threadnum: 'int32_t',
    pti_numrunning: 'int32_t',
    pti_priority: 'int32_t',
  });
  const all = koffi.struct('proc_taskallinfo_test', { pbsd: bsd, ptinfo: task });
  assert.equal(koffi.sizeof(bsd), PROC_BSDINFO_SIZE);
  assert.equal(koffi.sizeof(all), PROC_TASKALLINFO_SIZE);
  assert.deepEqual(
    [
      'pbi_pid',
      'pbi_ppid',
      'pbi_uid',
      'pbi_comm',
      'pbi_name',
      'pbi_pgid',
      'pbi_start_tvsec',
      'pbi_start_tvusec',
    ].map((field) => koffi.offsetof(bsd, field)),
    [12, 16, 20, 48, 64, 100, 120, 128],
  );
  assert.deepEqual(
    ['pti_resident_size', 'pti_total_user', 'pti_total_system', 'pti_threadnum'].map((field) =>
      koffi.offsetof(task, field),
    ),
    [8, 16, 24, 84],
  );
  assert.equal(koffi.offsetof(all, 'ptinfo'), PROC_BSDINFO_SIZE);
});

test('decodeTaskAllInfo: ids, name, start time, CPU seconds at the timebase rate, resident bytes, threads', () => {
  const bytes = taskAllInfo({
    pid: 7101,
    ppid: 1,
    pgid: 7101,
    uid: 501,
    comm: 'ollama',
    name: 'ollama',
    start: [1_764_400_000, 42],
    residentBytes: 48_112 * 1024,
    userTicks: 3 * APPLE_SILICON_TICKS,
    systemTicks: APPLE_SILICON_TICKS / 2,
    threads: 17,
  });
  assert.deepEqual(decodeTaskAllInfo(bytes, 7101, APPLE_SILICON_TICKS), {
    pid: 7101,
    ppid: 1,
    pgid: 7101,
    uid: 501,
    name: 'ollama',
    startKey: '1764400000.000042',
    cpuSeconds: 3.5,
    rssBytes: 48_112 * 1024,
    threads: 17,
  });
  assert.equal(decodeTaskAllInfo(bytes, 7101, 1e9)!.cpuSeconds, 0.084, 'Intel: nanosecond ticks');
});

test('decodeTaskAllInfo: pbi_comm stands in for an empty pbi_name; a short, mismatched or broken buffer is refused', () => {
  const base = {
    pid: 9,
    ppid: 1,
    pgid: 9,
    uid: 0,
    start: [1, 0] as [number, number],
    residentBytes: 0,
    userTicks: 0,
    systemTicks: 0,
    threads: 1,
  };
  const unnamed = taskAllInfo({ ...base, comm: 'a-sixteen-byte-n', name: '' });
  assert.equal(decodeTaskAllInfo(unnamed, 9, APPLE_SILICON_TICKS)!.name, 'a-sixteen-byte-n');
  const long = taskAllInfo({ ...base, comm: 'Google Chrome He', name: 'Google Chrome Helper (Renderer)' });
  assert.equal(decodeTaskAllInfo(long, 9, APPLE_SILICON_TICKS)!.name, 'Google Chrome Helper (Renderer)');
  assert.equal(decodeTaskAllInfo(long.subarray(0, 200), 9, APPLE_SILICON_TICKS), null, 'short');
  assert.equal(decodeTaskAllInfo(long, 10, APPLE_SILICON_TICKS), null, 'another pid');
  assert.equal(decodeTaskAllInfo(long, 9, 0), null, 'no timebase');
  const badMicros = taskAllInfo({ ...base, comm: 'x', name: '', start: [1, 1_000_000] });
  assert.equal(decodeTaskAllInfo(badMicros, 9, APPLE_SILICON_TICKS), null, 'microseconds past a second');
});

test('decodeProcArgs2: the arguments joined as ps prints them, argv[0] as the name; the environment is never read', () => {
  const full = procArgs2(
    '/opt/homebrew/bin/ollama',
    ['/opt/homebrew/bin/ollama', 'serve'],
    ['HOME=/Users/dev'],
  );
  assert.deepEqual(decodeProcArgs2(full), {
    line: '/opt/homebrew/bin/ollama serve',
    executableName: 'ollama',
  });
  const shell = procArgs2('/bin/zsh', ['-zsh'], []);
  assert.deepEqual(decodeProcArgs2(shell), { line: '-zsh', executableName: '-zsh' });
  const none = procArgs2('/usr/libexec/thing', [], []);
  assert.deepEqual(decodeProcArgs2(none), { line: '/usr/libexec/thing', executableName: 'thing' });
  assert.equal(decodeProcArgs2(full.subarray(0, full.length - 25)), null, 'cut inside an argument');
  assert.equal(decodeProcArgs2(new Uint8Array([1, 0])), null);
  assert.equal(decodeProcArgs2(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x41, 0])), null, 'negative argc');
});

test('decodeSysctlInteger reads the 4 or 8 bytes the kernel wrote', () => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(24_000_000n);
  assert.equal(decodeSysctlInteger(bytes, 8), 24_000_000);
  assert.equal(decodeSysctlInteger(bytes, 4), 24_000_000);
  assert.equal(decodeSysctlInteger(bytes, 2), null);
});
