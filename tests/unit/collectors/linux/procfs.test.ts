import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  createProcfsCollector,
  parseCmdline,
  parseProcStat,
  parseProcStatBytes,
  parseProcStatus,
  readSystemConstants,
} from '../../../../main/collectors/linux/procfs.js';
import type { ProcessInfo } from '../../../../main/collectors/types.js';
import { tempDir } from '../../../helpers.js';
import { expectOk, linuxEnv, PROCFS_PROC, request, runUnprivileged, writeTree } from './linux-env.js';

const statLine = (pid: number, comm: string, start: number, utime = 10, stime = 5) =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194304 100 0 0 0 ${utime} ${stime} 0 0 20 0 3 0 ${start} 1000000 250 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

const byPid = (processes: ProcessInfo[]) => new Map(processes.map((p) => [p.pid, p]));

test('parseProcStat reads the fields after the last parenthesis', () => {
  const stat = parseProcStat(
    '1020 ((a b ) ( c d) ) R 28378 1020 28378 34842 1020 4218880 286 0 0 0 7 3 0 0 20 0 1 0 10839175 10395648 155 18446744073709551615 4194304\n#!/bin/cat /proc/self/stat\n',
  );
  assert.deepEqual(stat, {
    pid: 1020,
    comm: '(a b ) ( c d) ',
    state: 'R',
    ppid: 28378,
    pgid: 1020,
    sid: 28378,
    utimeTicks: 7,
    stimeTicks: 3,
    threads: 1,
    startTime: '10839175',
    rssPages: 155,
  });
  for (const garbage of [
    '',
    'hello',
    '12 (x)',
    '12 (x) R a b c',
    'x (y) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22',
  ]) {
    assert.equal(parseProcStat(garbage), null, JSON.stringify(garbage));
  }
});

test('parseProcStatBytes reads any comm and the fields of a stat line written by the kernel', () => {
  const comm = fc.uint8Array({ minLength: 0, maxLength: 16 }).filter((b) => !b.includes(0));
  const count = fc.integer({ min: 0, max: 2 ** 40 });
  fc.assert(
    fc.property(
      fc.record({
        pid: fc.integer({ min: 1, max: 4_194_304 }),
        comm,
        state: fc.constantFrom('R', 'S', 'D', 'Z', 'T', 't', 'X', 'I'),
        ppid: fc.integer({ min: 0, max: 4_194_304 }),
        pgid: fc.integer({ min: 0, max: 4_194_304 }),
        sid: fc.integer({ min: 0, max: 4_194_304 }),
        utime: count,
        stime: count,
        threads: fc.integer({ min: 1, max: 100_000 }),
        start: count,
        rss: fc.integer({ min: -5, max: 2 ** 36 }),
      }),
      (f) => {
        const line = Buffer.concat([
          Buffer.from(`${f.pid} (`),
          Buffer.from(f.comm),
          Buffer.from(
            `) ${f.state} ${f.ppid} ${f.pgid} ${f.sid} 34816 -1 4194560 1 0 0 0 ${f.utime} ${f.stime} 0 0 20 0 ${f.threads} 0 ${f.start} 1000 ${f.rss} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n`,
          ),
        ]);
        const padded = Buffer.concat([line, Buffer.alloc(64, 0x7a)]);
        const stat = parseProcStatBytes(padded, line.length);
        assert.deepEqual(stat, {
          pid: f.pid,
          comm: Buffer.from(f.comm).toString('utf8'),
          state: f.state,
          ppid: f.ppid,
          pgid: f.pgid,
          sid: f.sid,
          utimeTicks: f.utime,
          stimeTicks: f.stime,
          threads: f.threads,
          startTime: String(f.start),
          rssPages: Math.max(0, f.rss),
        });
        assert.deepEqual(parseProcStat(line.toString('latin1')) !== null, true);
      },
    ),
    { numRuns: 300 },
  );
});

test('parseProcStatBytes refuses a field that is not a number, a missing field and a comm without its parenthesis', () => {
  const good = '7 (a) S 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 2 0 99 0 12 0\n';
  assert.equal(parseProcStat(good)?.rssPages, 12);
  assert.equal(parseProcStat(good.replace(' 3 4 ', ' 3x 4 ')), null, 'utime with a letter');
  assert.equal(parseProcStat(good.replace(' 0 99 ', ' 0 -99 ')), null, 'a negative start time');
  assert.equal(parseProcStat(good.replace(' 12 0\n', ' 12'))?.rssPages, 12, 'rss last, without a newline');
  assert.equal(parseProcStat(good.replace(' 12 0\n', '\n')), null, 'the line ends before rss');
  assert.equal(parseProcStat(good.replace(' (a) S ', ' (a S ')), null);
  assert.equal(parseProcStat(good.replace(' S ', ' SS ')), null, 'a state of two letters');
  assert.equal(parseProcStat(good.replace('7 (', '7x (')), null, 'a pid that is not a number');
  assert.equal(parseProcStat(`\n\n  ${good}\n`)?.pid, 7, 'pasted text with blank lines around it');
  assert.equal(
    parseProcStat(good.replace('(a)', '(a) R 1\n(b)'))?.comm,
    'a) R 1\n(b',
    'comm may hold ") " and a newline',
  );
});

test('parseProcStatus and parseCmdline', () => {
  assert.deepEqual(parseProcStatus('Name:\tnode\nPPid:\t7\nThreads:\t11\nVmRSS:\t  2048 kB\n'), {
    name: 'node',
    ppid: 7,
    threads: 11,
    rssBytes: 2 * 1024 * 1024,
  });
  assert.deepEqual(parseProcStatus('Name:\tkthreadd\nPPid:\t0\n'), {
    name: 'kthreadd',
    ppid: 0,
    threads: null,
    rssBytes: null,
  });
  assert.equal(parseCmdline('vim\0test.go\0+10\0'), 'vim test.go +10');
  assert.equal(parseCmdline('com.github.uiautomator\0\0\0\0'), 'com.github.uiautomator');
  assert.equal(parseCmdline(''), '');
});

test('prometheus/procfs fixture: every pid with a stat becomes a process, the rest are skipped', async () => {
  const processes = expectOk(
    await createProcfsCollector(linuxEnv({ procRoot: PROCFS_PROC })).collect(request()),
  ).processes!;
  const pids = byPid(processes);
  assert.deepEqual(
    [...pids.keys()].sort((a, b) => a - b),
    [584, 26231, 26232, 27079],
  );
  assert.deepEqual(pids.get(26231), {
    pid: 26231,
    ppid: 5392,
    pgid: 7446,
    sid: 5392,
    name: 'vim',
    command: 'vim test.go +10',
    cpuSeconds: 17.21,
    rssBytes: 6716 * 1024,
    threads: 1,
    openFiles: null,
    startKey: '82375',
  });
  assert.equal(pids.get(584)!.name, '(a b ) ( c d) ');
  assert.equal(pids.get(584)!.ppid, 28378);
  assert.equal(pids.get(27079)!.threads, 5);
  assert.equal(pids.get(27079)!.cpuSeconds, 581.4);
  assert.equal(pids.get(27079)!.command, '', 'no cmdline file');
  assert.equal(pids.get(27079)!.rssBytes, null, 'no status and no known page size');
});

test('pid reuse shows as a new startKey; an exited pid and garbage are skipped; a service’s open files every slow tick', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    '100/stat': statLine(100, 'python3', 5000),
    '100/cmdline': 'python3\0-m\0http.server\0',
    '200/stat': 'garbage\n',
    '300/cmdline': 'exited between readdir and read\0',
    'net/tcp': '',
    'self/auxv': '',
  });
  mkdirSync(join(root, '100/fd'));
  for (const fd of ['0', '1', '2']) symlinkSync('/dev/null', join(root, '100/fd', fd));
  const procfs = createProcfsCollector(linuxEnv({ procRoot: root }));
  const first = byPid(expectOk(await procfs.collect(request())).processes!);
  assert.deepEqual([...first.keys()], [100]);
  assert.equal(first.get(100)!.command, 'python3 -m http.server');
  assert.equal(first.get(100)!.cpuSeconds, 0.15);
  assert.equal(first.get(100)!.openFiles, null, 'not a slow tick and not watched');
  assert.equal(first.get(100)!.startKey, '5000');

  writeFileSync(join(root, '100/stat'), statLine(100, 'node', 9000, 1, 1));
  const watched = byPid(expectOk(await procfs.collect(request({ watchPids: new Set([100]) }))).processes!);
  assert.equal(watched.get(100)!.startKey, '9000', 'same pid, new incarnation');
  assert.equal(watched.get(100)!.name, 'node');
  assert.equal(watched.get(100)!.openFiles, null, 'a service’s open files are counted on the slow tier');
  const slow = byPid(expectOk(await procfs.collect(request({ slow: true }))).processes!);
  assert.equal(slow.get(100)!.openFiles, null, 'and only a service’s');
  const counted = await procfs.collect(request({ slow: true, watchPids: new Set([100]) }));
  assert.equal(byPid(expectOk(counted).processes!).get(100)!.openFiles, 3);
  const carried = await procfs.collect(request({ watchPids: new Set([100]) }));
  assert.equal(byPid(expectOk(carried).processes!).get(100)!.openFiles, 3, 'carried between slow ticks');
});

test('a fast tick re-reads only the services’ pids and new pids; the others stand in stale until the slow tier', async (t) => {
  const root = tempDir(t);
  writeTree(root, {
    '100/stat': statLine(100, 'ollama', 5000, 10, 0),
    '200/stat': statLine(200, 'Xorg', 6000, 20, 0),
    '300/stat': statLine(300, 'exits', 7000),
    'self/auxv': '',
  });
  const procfs = createProcfsCollector(linuxEnv({ procRoot: root }));
  const watchPids = new Set([100]);
  const first = byPid(expectOk(await procfs.collect(request({ watchPids }))).processes!);
  assert.deepEqual(
    [...first.values()].map((p) => p.stale ?? false),
    [false, false, false],
    'all new: all read',
  );
  const second = byPid(expectOk(await procfs.collect(request({ watchPids }))).processes!);
  assert.deepEqual(
    [...second.values()].map((p) => p.stale ?? false),
    [false, false, false],
    'each read once so far: all read again, so each has a CPU rate',
  );

  writeFileSync(join(root, '100/stat'), statLine(100, 'ollama', 5000, 30, 0));
  writeFileSync(join(root, '200/stat'), statLine(200, 'Xorg', 6000, 90, 0));
  rmSync(join(root, '300'), { recursive: true });
  writeTree(root, { '400/stat': statLine(400, 'runner', 8000, 1, 0) });
  const fast = byPid(expectOk(await procfs.collect(request({ watchPids }))).processes!);
  assert.deepEqual([...fast.keys()].sort(), [100, 200, 400], 'the exited pid is gone, the new one is there');
  assert.equal(fast.get(100)!.cpuSeconds, 0.3, 'a service process: re-read');
  assert.equal(fast.get(100)!.stale, undefined);
  assert.equal(fast.get(400)!.cpuSeconds, 0.01, 'a new pid: read');
  assert.equal(fast.get(200)!.cpuSeconds, 0.2, 'another process: its last reading');
  assert.equal(fast.get(200)!.stale, true);

  writeFileSync(join(root, '400/stat'), statLine(400, 'runner', 8000, 5, 0));
  const again = byPid(expectOk(await procfs.collect(request({ watchPids }))).processes!);
  assert.equal(again.get(400)!.cpuSeconds, 0.05, 'read once more on the next tick: two readings make a rate');
  assert.equal(again.get(200)!.stale, true);
  writeFileSync(join(root, '400/stat'), statLine(400, 'runner', 8000, 9, 0));
  const then = byPid(expectOk(await procfs.collect(request({ watchPids }))).processes!);
  assert.equal(then.get(400)!.stale, true, 'then it waits for the slow tier like the others');
  const all = byPid(expectOk(await procfs.collect(request({ watchPids, allProcesses: true }))).processes!);
  assert.equal(all.get(200)!.stale, undefined, 'asked for every process: every one is read');

  const slow = byPid(expectOk(await procfs.collect(request({ watchPids, slow: true }))).processes!);
  assert.equal(slow.get(200)!.cpuSeconds, 0.9, 'the slow tier reads every process');
  assert.equal(slow.get(200)!.stale, undefined);
  assert.equal(slow.get(400)!.stale, undefined);

  writeFileSync(join(root, '200/stat'), statLine(200, 'reused', 9500, 1, 0));
  const reused = byPid(expectOk(await procfs.collect(request({ watchPids, slow: true }))).processes!);
  assert.equal(reused.get(200)!.startKey, '9500', 'a new process on the pid');
  writeFileSync(join(root, '200/stat'), statLine(200, 'reused', 9500, 7, 0));
  const after = byPid(expectOk(await procfs.collect(request({ watchPids }))).processes!);
  assert.equal(after.get(200)!.cpuSeconds, 0.07, 'read again on the next tick, as any first reading');
  assert.equal(after.get(400)!.stale, true);
});

test('an unreadable fd directory gives openFiles null (permission), never a throw', async (t) => {
  const root = tempDir(t);
  writeTree(root, { '100/stat': statLine(100, 'postgres', 1) });
  mkdirSync(join(root, '100/fd'));
  chmodSync(join(root, '100/fd'), 0o700);
  chmodSync(root, 0o755);
  const run = runUnprivileged(
    t,
    `const { createProcfsCollector } = await import(REPO + '/main/collectors/linux/procfs.ts');
const env = { sysRoot: '/sys', procRoot: ${JSON.stringify(root)}, exec: async () => ({}), now: () => 1, fetch };
console.log(JSON.stringify(await createProcfsCollector(env).collect({ slow: true, watchPids: new Set(), servicePorts: new Set() })));`,
  );
  if (!run.ok) {
    console.log(`skipped: ${run.reason}`);
    t.skip(run.reason);
    return;
  }
  const reading = JSON.parse(run.stdout);
  assert.equal(reading.status, 'ok');
  assert.equal(reading.value.processes[0].openFiles, null);
});

test('a missing /proc is not-present; an empty one is no-data', async (t) => {
  const missing = await createProcfsCollector(linuxEnv({ procRoot: '/nonexistent-proc' })).collect(request());
  assert.equal(missing.status === 'absent' && missing.reason, 'not-present');
  const empty = await createProcfsCollector(linuxEnv({ procRoot: tempDir(t) })).collect(request());
  assert.equal(empty.status === 'absent' && empty.reason, 'no-data');
});

test('clock ticks and page size come from /proc/self/auxv', () => {
  const constants = readSystemConstants('/proc');
  assert.equal(constants.clockTicks, 100);
  assert.ok(constants.pageSize === 4096 || constants.pageSize === 16384 || constants.pageSize === 65536);
  assert.deepEqual(readSystemConstants(PROCFS_PROC), { clockTicks: 100, pageSize: null });
});
