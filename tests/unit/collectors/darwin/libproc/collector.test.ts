import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as Koffi from 'koffi';
import { join } from 'node:path';
import { openKoffiLibproc } from '../../../../../main/collectors/darwin/libproc/koffi-libproc.js';
import { libprocOpenerFor } from '../../../../../main/collectors/darwin/libproc/open.js';
import type { LibprocPort, LibprocRead } from '../../../../../main/collectors/darwin/libproc/ports.js';
import { createDarwinProcessCollector } from '../../../../../main/collectors/darwin/processes.js';
import { createRecordingRunner, createReplayRunner } from '../../../../../main/collectors/darwin/replay.js';
import type { CommandRunner, ProcessInfo } from '../../../../../main/collectors/types.js';
import { CpuRateTracker } from '../../../../../main/sampler/cpu-rates.js';
import { FIXTURES, tempDir } from '../../../../helpers.js';
import { procArgs2, taskAllInfo } from './structs.js';

const TICKS = 24_000_000;
const ME = 501;

interface FakeProcess {
  pid: number;
  ppid: number;
  uid: number;
  name: string;
  args: string[];
  cpuSeconds: number;
  rssKiB: number;
}

/** A Mac's process table as both ps and libproc see it; libproc refuses other users' processes. */
function fakeMac(processes: FakeProcess[]) {
  const calls = { ps: 0, taskAllInfo: 0, procArgs: 0, commands: [] as string[] };
  let listFails = false;
  const table = new Map(processes.map((p) => [p.pid, p]));
  const denied = (p: FakeProcess | undefined): LibprocRead | null =>
    !p
      ? { ok: false, reason: 'gone', detail: 'errno 3' }
      : p.uid !== ME
        ? { ok: false, reason: 'denied', detail: 'errno 1' }
        : null;
  const port: LibprocPort = {
    ticksPerSecond: TICKS,
    tcpPcbList: () => ({ ok: false, reason: 'failed', detail: 'not part of this fake' }),
    listPids: () => (listFails ? { ok: false, detail: 'errno 12' } : { ok: true, pids: [...table.keys()] }),
    taskAllInfo(pid) {
      calls.taskAllInfo++;
      const p = table.get(pid);
      const refused = denied(p);
      if (refused) return refused;
      const bytes = taskAllInfo({
        pid,
        ppid: p!.ppid,
        pgid: pid,
        uid: p!.uid,
        comm: p!.name.slice(0, 16),
        name: p!.name,
        start: [1_764_000_000 + pid, 0],
        residentBytes: p!.rssKiB * 1024,
        userTicks: Math.round(p!.cpuSeconds * TICKS),
        systemTicks: 0,
        threads: 4,
      });
      return { ok: true, bytes };
    },
    procArgs(pid) {
      calls.procArgs++;
      const p = table.get(pid);
      return denied(p) ?? { ok: true, bytes: procArgs2(p!.args[0]!, p!.args, ['TERM=xterm']) };
    },
    close() {},
  };
  const time = (s: number) => `${Math.floor(s / 60)}:${(s % 60).toFixed(2).padStart(5, '0')}`;
  const exec: CommandRunner = async (file, args) => {
    calls.commands.push([file, ...args].join(' '));
    if (file !== 'ps' || args[0] !== '-axww')
      return { stdout: '', stderr: `not scripted: ${file}`, exitCode: null, failure: 'not-found' };
    calls.ps++;
    const lines = [...table.values()].map(
      (p) =>
        `${p.pid} ${p.ppid} ${p.pid} ${p.rssKiB} ${time(p.cpuSeconds)} ${p.name.slice(0, 16).padEnd(16)} ${p.args.join(' ')}`,
    );
    return { stdout: lines.join('\n'), stderr: '', exitCode: 0 };
  };
  const collector = createDarwinProcessCollector(
    { sysRoot: '/', procRoot: '/proc', exec, now: () => 0, fetch: globalThis.fetch },
    () => ({ ok: true, port }),
  );
  return {
    calls,
    table,
    failListing: (fails: boolean) => (listFails = fails),
    async tick(slow: boolean, watchPids: number[] = [], allProcesses = false) {
      const reading = await collector.collect({
        slow,
        allProcesses,
        watchPids: new Set(watchPids),
        servicePorts: new Set(),
      });
      assert.equal(reading.status, 'ok', JSON.stringify(reading));
      return new Map((reading.status === 'ok' ? reading.value.processes! : []).map((p) => [p.pid, p]));
    },
  };
}

const launchd: FakeProcess = {
  pid: 1,
  ppid: 0,
  uid: 0,
  name: 'launchd',
  args: ['/sbin/launchd'],
  cpuSeconds: 700,
  rssKiB: 14_000,
};
const windowServer: FakeProcess = {
  pid: 150,
  ppid: 1,
  uid: 88,
  name: 'WindowServer',
  args: ['/System/WindowServer', '-daemon'],
  cpuSeconds: 9000,
  rssKiB: 300_000,
};
const ollama: FakeProcess = {
  pid: 7101,
  ppid: 1,
  uid: ME,
  name: 'ollama',
  args: ['/opt/homebrew/bin/ollama', 'serve'],
  cpuSeconds: 41.2,
  rssKiB: 48_000,
};
const editor: FakeProcess = {
  pid: 8000,
  ppid: 1,
  uid: ME,
  name: 'Code Helper',
  args: ['/Applications/Code.app/Helper'],
  cpuSeconds: 10,
  rssKiB: 90_000,
};

test('macOS: ps on the slow tier only; between, libproc re-reads the services and new pids and carries the rest', async () => {
  const mac = fakeMac([launchd, windowServer, { ...ollama }, { ...editor }]);
  const first = await mac.tick(true, [7101]);
  assert.equal(mac.calls.ps, 1);
  assert.equal(first.get(7101)!.startKey, '1764007101.000000', 'own processes take libproc’s start time');
  assert.equal(first.get(7101)!.threads, 4);
  assert.match(first.get(150)!.startKey, /^150@/, 'another user’s keeps the ps key');
  assert.equal(first.get(150)!.cpuSeconds, 9000, 'and ps’s CPU time');
  const second = await mac.tick(false, [7101]);
  assert.equal(mac.calls.ps, 1, 'no ps spawn on a fast tick');
  assert.equal(
    second.get(8000)!.stale,
    undefined,
    'each pid read once so far is read again (a rate needs two)',
  );
  assert.equal(second.get(150)!.stale, true, 'another user’s: libproc may not read it');

  mac.table.get(7101)!.cpuSeconds = 43.2;
  mac.table.get(150)!.cpuSeconds = 9010;
  mac.table.get(8000)!.cpuSeconds = 11;
  mac.table.delete(1);
  mac.table.set(7200, {
    pid: 7200,
    ppid: 7101,
    uid: ME,
    name: 'ollama',
    args: ['/Applications/Ollama.app/Contents/Resources/ollama', 'runner', '--model', 'x'],
    cpuSeconds: 0.5,
    rssKiB: 500_000,
  });
  mac.table.set(7300, {
    pid: 7300,
    ppid: 1,
    uid: 0,
    name: 'mdworker',
    args: ['/usr/libexec/mdworker'],
    cpuSeconds: 1,
    rssKiB: 10_000,
  });
  const fast = await mac.tick(false, [7101]);
  assert.equal(mac.calls.ps, 1);
  assert.equal(fast.get(7101)!.cpuSeconds, 43.2, 'a service process: re-read');
  assert.equal(fast.get(7101)!.stale, undefined);
  assert.equal(fast.get(7101)!.command, '/opt/homebrew/bin/ollama serve', 'its command line kept from ps');
  assert.equal(fast.get(8000)!.cpuSeconds, 10, 'another process: its last reading');
  assert.equal(fast.get(8000)!.stale, true);
  assert.equal(fast.get(150)!.stale, true);
  assert.equal(fast.has(1), false, 'an exited pid drops out');
  assert.deepEqual(
    [fast.get(7200)!.name, fast.get(7200)!.command, fast.get(7200)!.ppid],
    ['ollama', '/Applications/Ollama.app/Contents/Resources/ollama runner --model x', 7101],
    'a new pid: read with its arguments',
  );
  assert.equal(fast.has(7300), false, 'a new pid of another user waits for the slow tier');

  mac.table.get(7200)!.cpuSeconds = 1.5;
  const again = await mac.tick(false, [7101]);
  assert.equal(again.get(7200)!.cpuSeconds, 1.5, 'the new pid is read once more on the next tick');
  assert.equal(again.get(8000)!.stale, true);

  const all = await mac.tick(false, [7101], true);
  assert.equal(mac.calls.ps, 2, 'asked for every process: ps runs');
  assert.equal(all.get(8000)!.cpuSeconds, 11);

  const slow = await mac.tick(true, [7101, 7200]);
  assert.equal(mac.calls.ps, 3);
  assert.equal(slow.get(8000)!.cpuSeconds, 11);
  assert.equal(slow.get(150)!.cpuSeconds, 9010);
  assert.equal(slow.get(7300)!.cpuSeconds, 1);
});

test('macOS: a service’s CPU rate continues across slow and fast ticks (one baseline, one key)', async () => {
  const mac = fakeMac([launchd, { ...ollama }]);
  const rates = new CpuRateTracker();
  const rate = (processes: Map<number, ProcessInfo>, at: number) =>
    rates.update([...processes.values()], at).get(7101);
  rate(await mac.tick(true, [7101]), 0);
  const seen: (number | null | undefined)[] = [];
  for (const [i, slow] of [false, false, true, false].entries()) {
    mac.table.get(7101)!.cpuSeconds += 1;
    seen.push(rate(await mac.tick(slow, [7101]), (i + 1) * 2000));
  }
  assert.deepEqual(
    seen.map((r) => r?.toFixed(1)),
    ['50.0', '50.0', '50.0', '50.0'],
  );
});

test('macOS: on the slow tier, ps -M counts threads only of the service processes libproc could not read', async () => {
  const mac = fakeMac([launchd, windowServer, { ...ollama }]);
  const slow = await mac.tick(true, [7101, 150]);
  assert.equal(slow.get(7101)!.threads, 4, 'from libproc');
  assert.deepEqual(
    mac.calls.commands.filter((c) => !c.startsWith('ps -axww')),
    ['ps -M -p 150', 'lsof -nP -F pf -p 150,7101'],
  );
});

test('macOS: without libproc, or when it cannot list pids, ps runs on every tick', async () => {
  const mac = fakeMac([launchd, { ...ollama }]);
  await mac.tick(true);
  mac.failListing(true);
  const fallback = await mac.tick(false, [7101]);
  assert.equal(mac.calls.ps, 2);
  assert.equal(fallback.get(1)!.stale, undefined);

  let psCalls = 0;
  const exec: CommandRunner = async () => {
    psCalls++;
    return { stdout: '1 0 1 14000 11:40.00 launchd          /sbin/launchd', stderr: '', exitCode: 0 };
  };
  const plain = createDarwinProcessCollector(
    { sysRoot: '/', procRoot: '/proc', exec, now: () => 0, fetch: globalThis.fetch },
    () => ({ ok: false, detail: 'libproc exists only on macOS' }),
  );
  for (const slow of [true, false, false])
    await plain.collect({ slow, watchPids: new Set(), servicePorts: new Set() });
  assert.equal(psCalls, 3);
});

test('openKoffiLibproc: binds libSystem, reads the timebase rate, maps errno to denied and gone', () => {
  assert.deepEqual(openKoffiLibproc('linux'), { ok: false, detail: 'libproc exists only on macOS' });
  let errno = 0;
  const info = taskAllInfo({
    ...{ pid: 42, ppid: 1, pgid: 42, uid: ME, comm: 'node', name: 'node' },
    start: [5, 6],
    residentBytes: 1,
    userTicks: TICKS,
    systemTicks: 0,
    threads: 1,
  });
  const fns: Record<string, (...args: unknown[]) => unknown> = {
    sysctlbyname: (name, out, length) => {
      const value = name === 'hw.tbfrequency' ? 24_000_000n : name === 'kern.argmax' ? 4096n : null;
      if (value === null) return -1;
      (out as Buffer).writeBigUInt64LE(value);
      (length as number[])[0] = 8;
      return 0;
    },
    proc_listallpids: (buffer) => {
      if (buffer === null) return 3;
      (buffer as Int32Array).set([1, 42, 99]);
      return 3;
    },
    proc_pidinfo: (pid, flavor, _arg, buffer, size) => {
      assert.equal(flavor, 2, 'PROC_PIDTASKALLINFO');
      if (pid === 42) {
        info.copy(buffer as Buffer, 0, 0, size as number);
        return info.length;
      }
      errno = pid === 1 ? 1 : 3;
      return 0;
    },
    sysctl: (mib, count, out, length) => {
      assert.deepEqual([...(mib as Int32Array)], [1, 49, 42]);
      assert.equal(count, 3);
      const args = procArgs2('/usr/local/bin/node', ['node', 'server.js'], []);
      args.copy(out as Buffer);
      (length as number[])[0] = args.length;
      return 0;
    },
  };
  const fakeKoffi = {
    load: (path: string) => {
      assert.equal(path, '/usr/lib/libSystem.B.dylib');
      return { func: (prototype: string) => fns[/ (\w+)\(/.exec(prototype)![1]!] };
    },
    errno: () => errno,
  } as unknown as typeof Koffi;
  const opened = openKoffiLibproc('darwin', () => fakeKoffi);
  assert.ok(opened.ok, JSON.stringify(opened));
  if (!opened.ok) return;
  const { port } = opened;
  assert.equal(port.ticksPerSecond, 24_000_000);
  assert.deepEqual(port.listPids(), { ok: true, pids: [1, 42, 99] });
  const read = port.taskAllInfo(42);
  assert.ok(read.ok);
  assert.deepEqual(read.ok && [...read.bytes], [...info]);
  assert.deepEqual(port.taskAllInfo(1), { ok: false, reason: 'denied', detail: 'proc_pidinfo: errno 1' });
  assert.deepEqual(port.taskAllInfo(99), { ok: false, reason: 'gone', detail: 'proc_pidinfo: errno 3' });
  const args = port.procArgs(42);
  assert.ok(args.ok);
  assert.equal(
    args.ok && args.bytes.length,
    procArgs2('/usr/local/bin/node', ['node', 'server.js'], []).length,
  );

  const broken = openKoffiLibproc('darwin', () => {
    throw new Error('no darwin package');
  });
  assert.deepEqual(broken, { ok: false, detail: 'libproc could not be loaded: no darwin package' });
});

test('a recording being replayed or made gets no libproc: its ps output is read on every tick', async (t) => {
  const env = (exec: CommandRunner) => ({
    sysRoot: '/',
    procRoot: '/proc',
    exec,
    now: () => 0,
    fetch: globalThis.fetch,
  });
  const replay = await createReplayRunner(join(FIXTURES, 'replay', 'darwin-m4max-stack'));
  assert.deepEqual(libprocOpenerFor(env(replay))(), {
    ok: false,
    detail: 'a recording holds command output for every tick',
  });
  const base: CommandRunner = async () => ({ stdout: '', stderr: '', exitCode: 0 });
  const recording = createRecordingRunner(base, join(tempDir(t), 'rec'), {
    intervalMs: 2000,
    platform: 'darwin',
  });
  assert.equal(libprocOpenerFor(env(recording))().ok, false);
  assert.deepEqual(libprocOpenerFor(env(base))(), { ok: false, detail: 'libproc exists only on macOS' });
  const shared = env(base);
  assert.equal(
    libprocOpenerFor(shared)(),
    libprocOpenerFor(shared)(),
    'one port per environment, for every collector',
  );
});

test('openKoffiLibproc: the TCP table is sized, read, and sized again once when it grew in between', () => {
  let errno = 0;
  let table = 1000;
  let growOnce = 0;
  let growEach = 0;
  const log: string[] = [];
  const sysctlbyname = (name: unknown, out: unknown, length: unknown) => {
    const len = length as number[];
    if (name === 'hw.tbfrequency' || name === 'kern.argmax') {
      (out as Buffer).writeBigUInt64LE(name === 'kern.argmax' ? 4096n : 24_000_000n);
      len[0] = 8;
      return 0;
    }
    if (out === null) {
      log.push(`size ${table}`);
      len[0] = table;
      table += growOnce + growEach; // sockets opened between sizing and reading
      growOnce = 0;
      return 0;
    }
    if ((out as Buffer).length < table) {
      log.push('ENOMEM');
      errno = 12;
      return -1;
    }
    log.push('read');
    Buffer.alloc(table, 7).copy(out as Buffer);
    len[0] = table;
    return 0;
  };
  const fakeKoffi = {
    load: () => ({
      func: (prototype: string) => (/ sysctlbyname\(/.test(prototype) ? sysctlbyname : () => 0),
    }),
    errno: () => errno,
  } as unknown as typeof Koffi;
  const opened = openKoffiLibproc('darwin', () => fakeKoffi);
  assert.ok(opened.ok);
  if (!opened.ok) return;
  const first = opened.port.tcpPcbList();
  assert.equal(first.ok && first.bytes.length, 1000);
  table = 100_000;
  growOnce = 100_000;
  const grown = opened.port.tcpPcbList();
  assert.equal(grown.ok && grown.bytes.length, 200_000);
  assert.deepEqual(log, ['size 1000', 'read', 'size 100000', 'ENOMEM', 'size 200000', 'read']);
  growEach = 1_000_000;
  const runaway = opened.port.tcpPcbList();
  assert.deepEqual(runaway, {
    ok: false,
    reason: 'failed',
    detail: 'sysctl net.inet.tcp.pcblist_n: the table kept growing',
  });
});
