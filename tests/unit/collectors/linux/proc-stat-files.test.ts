import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  descriptorBudget,
  ProcStatFiles,
  type StatRead,
} from '../../../../main/collectors/linux/proc-stat-files.js';
import { readSystemConstants, scanProcesses } from '../../../../main/collectors/linux/procfs.js';
import { LastReadings } from '../../../../main/collectors/last-readings.js';
import { tempDir } from '../../../helpers.js';
import { writeTree } from './linux-env.js';

const procfs = (() => {
  try {
    return statfsSync('/proc').type === 0x9fa0;
  } catch {
    return false;
  }
})();
const noProcfs = procfs ? false : 'no procfs mounted at /proc on this machine';
if (!procfs) console.log('ProcStatFiles live tests skipped: no procfs mounted at /proc');

const text = (read: StatRead) => (read.ok ? read.bytes.toString('utf8') : `not read: ${read.message}`);

const statLine = (pid: number, utime: number) =>
  `${pid} (svc) S 1 ${pid} ${pid} 0 -1 4194304 100 0 0 0 ${utime} 5 0 0 20 0 3 0 777 1000000 250 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

test('a fixture tree is read by path every time: nothing kept open, edits are seen', (t) => {
  const root = tempDir(t);
  writeTree(root, { '42/stat': statLine(42, 10), '42/cmdline': 'svc\0' });
  const files = new ProcStatFiles(root);
  assert.match(text(files.read(42)), /^42 \(svc\) S .* 10 5 /);
  assert.equal(files.openDescriptors, 0);
  rmSync(join(root, '42'), { recursive: true });
  writeTree(root, { '42/stat': statLine(42, 99) });
  assert.match(text(files.read(42)), / 99 5 /);
  assert.deepEqual(files.read(43).ok, false);
});

test('a read by path that finds a longer file than the buffer grows it and returns every byte', (t) => {
  const root = tempDir(t);
  const long = statLine(42, 10).replace('(svc)', `(${'x'.repeat(3000)})`);
  writeTree(root, { '42/stat': long });
  const files = new ProcStatFiles(root);
  assert.equal(text(files.read(42)), long);
  assert.equal(text(files.read(42)), long, 'the grown buffer serves the next read');
});

test('descriptors kept: a quarter of the soft open-file limit, at most 8,192', () => {
  const limits = (soft: string) =>
    `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                524288               files\n`;
  assert.equal(descriptorBudget(limits('1024')), 256);
  assert.equal(descriptorBudget(limits('20000')), 5000);
  assert.equal(descriptorBudget(limits('524288')), 8192);
  assert.equal(descriptorBudget(limits('unlimited')), 8192);
  assert.equal(descriptorBudget('garbage'), 1024, 'unreadable limits: a conservative budget');
  assert.equal(descriptorBudget(null), 1024);
});

test('kept open on request, a descriptor is re-read from the start and closed once its pid is gone', (t) => {
  const root = tempDir(t);
  writeTree(root, { '42/stat': statLine(42, 10) });
  const files = new ProcStatFiles(root, true);
  t.after(() => files.close());
  assert.match(text(files.read(42)), / 10 5 /);
  writeFileSync(join(root, '42', 'stat'), statLine(42, 11));
  assert.match(text(files.read(42)), / 11 5 /);
  assert.equal(files.openDescriptors, 1);
  files.keepOnly(new Set([7]));
  assert.equal(files.openDescriptors, 0);
});

test(
  'on /proc: one descriptor per process, a process that exited reads as missing and is let go',
  {
    skip: noProcfs,
    timeout: 20_000,
  },
  async (t) => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    const files = new ProcStatFiles('/proc');
    t.after(() => files.close());
    const pid = child.pid!;
    const first = files.read(pid);
    assert.ok(text(first).startsWith(`${pid} (`), text(first));
    assert.equal(files.openDescriptors, 1);
    assert.ok(files.read(pid).ok);
    assert.equal(files.openDescriptors, 1, 'the same descriptor, read again');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const gone = files.read(pid);
    assert.equal(gone.ok, false);
    if (!gone.ok) assert.equal(gone.failure, 'missing');
    assert.equal(files.openDescriptors, 0);
  },
);

test('on /proc: a scan through kept descriptors finds what a scan by path finds', { skip: noProcfs }, () => {
  const constants = readSystemConstants('/proc');
  const files = new ProcStatFiles('/proc');
  try {
    for (let round = 0; round < 2; round++) {
      const kept = scanProcesses('/proc', constants, { wantOpenFiles: () => false, statFiles: files });
      const byPath = scanProcesses('/proc', constants, { wantOpenFiles: () => false });
      assert.ok(!('error' in kept) && !('error' in byPath));
      const mine = (scan: typeof kept) =>
        'error' in scan ? undefined : scan.processes.find((p) => p.pid === process.pid);
      const a = mine(kept);
      const b = mine(byPath);
      assert.ok(a && b);
      assert.deepEqual([a.ppid, a.name, a.startKey], [b.ppid, b.name, b.startKey]);
      assert.ok(files.openDescriptors > 0 && files.openDescriptors <= kept.processes.length + 1);
    }
  } finally {
    files.close();
  }
  assert.equal(files.openDescriptors, 0);
});

test(
  'on /proc: a scan that re-reads only this process finds a new child at once and carries the rest',
  { skip: noProcfs },
  async (t) => {
    const constants = readSystemConstants('/proc');
    const files = new ProcStatFiles('/proc');
    const lastReadings = new LastReadings();
    t.after(() => files.close());
    const scan = () => {
      const result = scanProcesses('/proc', constants, {
        wantOpenFiles: () => false,
        statFiles: files,
        lastReadings,
        reread: (pid) => pid === process.pid,
      });
      assert.ok(!('error' in result), 'error' in result ? result.error : '');
      return new Map(result.processes.map((p) => [p.pid, p]));
    };
    scan(); // every pid read for the first time is read once more on the next scan
    const first = scan();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    const second = scan();
    assert.equal(second.get(process.pid)!.stale, undefined, 'this process is re-read');
    assert.ok(second.get(child.pid!), 'a pid not seen before is read at once');
    assert.equal(second.get(child.pid!)!.stale, undefined);
    const carried = [...second.values()].filter((p) => p.stale);
    assert.ok(carried.length > 0, 'every other process stands in with its last reading');
    for (const p of carried) assert.equal(p.cpuSeconds, first.get(p.pid)!.cpuSeconds);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(scan().has(child.pid!), false, 'an exited process drops out at the next listing');
  },
);
