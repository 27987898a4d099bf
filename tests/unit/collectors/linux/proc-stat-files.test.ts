import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProcStatFiles } from '../../../../main/collectors/linux/proc-stat-files.js';
import { readSystemConstants, scanProcesses } from '../../../../main/collectors/linux/procfs.js';
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

const statLine = (pid: number, utime: number) =>
  `${pid} (svc) S 1 ${pid} ${pid} 0 -1 4194304 100 0 0 0 ${utime} 5 0 0 20 0 3 0 777 1000000 250 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n`;

test('a fixture tree is read by path every time: nothing kept open, edits are seen', (t) => {
  const root = tempDir(t);
  writeTree(root, { '42/stat': statLine(42, 10), '42/cmdline': 'svc\0' });
  const files = new ProcStatFiles(root);
  assert.match((files.read(42) as { text: string }).text, /^42 \(svc\) S .* 10 5 /);
  assert.equal(files.openDescriptors, 0);
  rmSync(join(root, '42'), { recursive: true });
  writeTree(root, { '42/stat': statLine(42, 99) });
  assert.match((files.read(42) as { text: string }).text, / 99 5 /);
  assert.deepEqual(files.read(43).ok, false);
});

test('kept open on request, a descriptor is re-read from the start and closed once its pid is gone', (t) => {
  const root = tempDir(t);
  writeTree(root, { '42/stat': statLine(42, 10) });
  const files = new ProcStatFiles(root, true);
  t.after(() => files.close());
  assert.match((files.read(42) as { text: string }).text, / 10 5 /);
  writeFileSync(join(root, '42', 'stat'), statLine(42, 11));
  assert.match((files.read(42) as { text: string }).text, / 11 5 /);
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
    assert.ok(first.ok && first.text.startsWith(`${pid} (`), JSON.stringify(first));
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
      const kept = scanProcesses('/proc', constants, () => false, undefined, files);
      const byPath = scanProcesses('/proc', constants, () => false);
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
