import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseHidIdle } from '../../../../main/collectors/darwin/hid-idle.js';
import { batteryObservation, parseIoregBattery } from '../../../../main/collectors/darwin/ioreg-battery.js';
import { parseIoregBlocks, parseIoregValue } from '../../../../main/collectors/darwin/ioreg-value.js';
import { parseLsofTcp, parseOpenFileCounts } from '../../../../main/collectors/darwin/lsof.js';
import { parseNetstat } from '../../../../main/collectors/darwin/netstat.js';
import {
  createPmsetThermCollector,
  parsePmsetTherm,
} from '../../../../main/collectors/darwin/pmset-therm.js';
import {
  executableOf,
  parseCpuTime,
  parsePs,
  PS_ARGS,
  parseThreadCounts,
} from '../../../../main/collectors/darwin/ps.js';
import type { ServiceConfig } from '../../../../main/contract/index.js';
import { matchServices } from '../../../../main/sampler/service-matcher.js';
import { FIXTURES } from '../../../helpers.js';

const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

test('ioreg values: unsigned 64-bit registers read as signed, nested dicts with =, arrays, data', () => {
  assert.equal(parseIoregValue('18446744073709550563'), -1053);
  assert.equal(parseIoregValue('Yes'), true);
  assert.deepEqual(parseIoregValue('(4269,4270,0,0)'), [4269, 4270, 0, 0]);
  assert.deepEqual(parseIoregValue('<000a12ff>'), { hex: '000a12ff' });
  assert.deepEqual(parseIoregValue('{"Amperage"=18446744073709550563,"Cycle Count"=155,"A"={"B"=(1,2)}}'), {
    Amperage: -1053,
    'Cycle Count': 155,
    A: { B: [1, 2] },
  });
  assert.equal(parseIoregValue('{"broken"='), null);
  // Up to 15 digits is read directly; longer goes through BigInt; both land on the same numbers.
  assert.equal(parseIoregValue('-12345678901234'), -12345678901234);
  assert.equal(parseIoregValue('123456789012345'), 123456789012345);
  assert.equal(parseIoregValue('1234567890123456'), 1234567890123456);
  assert.equal(parseIoregValue('9223372036854775808'), -9223372036854775808);
  assert.equal(parseIoregValue(' 42 '), 42);
  assert.ok(Object.is(parseIoregValue('-0'), 0), "'-0' is 0, not -0");
  assert.equal(parseIoregValue('Some Name'), 'Some Name');
});

test('ioreg blocks: with a key set, only those properties are parsed and kept', () => {
  const text = [
    '+-o AppleSmartBattery  <class AppleSmartBattery>',
    '    {',
    '      "Voltage" = 12612',
    '      "BatteryData" = {"broken"=',
    '      "Serial" = "X"',
    '      "PowerTelemetryData" = {"SystemLoad"=9120}',
    '    }',
  ].join('\n');
  assert.deepEqual(parseIoregBlocks(text), [
    { Voltage: 12612, Serial: 'X', PowerTelemetryData: { SystemLoad: 9120 } },
  ]);
  assert.deepEqual(parseIoregBlocks(text, new Set(['Voltage', 'PowerTelemetryData', 'Absent'])), [
    { Voltage: 12612, PowerTelemetryData: { SystemLoad: 9120 } },
  ]);
});

test('ioreg battery (BSD batlog capture, MacBook Air 2012): on battery, at rest, 100 %', () => {
  const parsed = parseIoregBattery(
    fixture('ioreg/batlog-macbookair-2012-osx10_8-ioreg-rk-BatterySerialNumber.txt'),
  );
  assert.ok(parsed.ok);
  const b = parsed.value;
  assert.equal(b.percent, 100);
  assert.equal(b.cycleCount, 8);
  assert.equal(b.temperatureCelsius, 30.41);
  assert.equal(b.externalConnected, false);
  assert.equal(b.state, 'discharging');
  assert.equal(b.amperageMilliamps, 0);
  assert.equal(b.batteryWatts, 0);
  assert.equal(b.telemetry, null);
  // Intel: MaxCapacity is mAh. 7171 mAh × 8539 mV.
  assert.equal(b.fullChargeWattHours, 61.2);
});

test('ioreg battery (written Apple Silicon sample, on battery): watts from InstantAmperage × Voltage, telemetry', () => {
  const parsed = parseIoregBattery(
    fixture('ioreg/written-sample-apple-silicon-on-battery-ioreg-rw0-c-AppleSmartBattery.txt'),
  );
  assert.ok(parsed.ok);
  const b = parsed.value;
  assert.equal(b.percent, 87);
  assert.equal(b.amperageMilliamps, -702);
  assert.equal(b.voltageMillivolts, 12612);
  assert.equal(b.batteryWatts, -8.854);
  assert.deepEqual(b.telemetry, { systemPowerInWatts: 0, systemLoadWatts: 9.12, batteryPowerWatts: 8.874 });
  const observation = batteryObservation(b);
  assert.deepEqual(observation.battery, {
    source: 'ioreg',
    state: 'discharging',
    percent: 87,
    onAc: false,
    dischargeWatts: 8.854,
    // Apple silicon: AppleRawMaxCapacity 5981 mAh × 12612 mV (MaxCapacity is the percentage, 100).
    fullChargeWattHours: 75.4,
    cycleCount: 112,
    temperatureCelsius: 30.55,
  });
  assert.deepEqual(observation.power, { source: 'ioreg-telemetry', systemWatts: 9.12 }, 'SystemLoad');
});

test('ioreg battery (written sample, charging): SystemLoad, not SystemPowerIn (adapter input), is the system figure', () => {
  const parsed = parseIoregBattery(
    fixture('ioreg/written-sample-apple-silicon-charging-ioreg-rw0-c-AppleSmartBattery.txt'),
  );
  assert.ok(parsed.ok);
  assert.equal(parsed.value.state, 'charging');
  const observation = batteryObservation(parsed.value);
  assert.equal(observation.battery!.dischargeWatts, 0);
  assert.equal(
    parsed.value.fullChargeWattHours,
    null,
    'MaxCapacity 100 is a percentage, with no mAh beside it',
  );
  assert.deepEqual(observation.power, { source: 'ioreg-telemetry', systemWatts: 13.45 });
  assert.equal(parseIoregBattery('nothing here').ok, false);
});

test('pmset -g therm (MIT capture, Intel): no warnings, speed limit 100 → nominal', () => {
  const parsed = parsePmsetTherm(fixture('pmset/fmorrisey-intel-mbp-pmset-g-therm.txt'));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value, {
    cpuSpeedLimitPercent: 100,
    cpuSchedulerLimitPercent: 100,
    availableCpus: 12,
    thermalWarningLevel: null,
    performanceWarningLevel: null,
    pressure: 'nominal',
    throttled: false,
  });
});

test('pmset -g therm: a speed limit or a warning level raises the pressure', () => {
  const limited = parsePmsetTherm(
    'CPU Power notify\n\tCPU_Scheduler_Limit \t= 100\n\tCPU_Available_CPUs \t= 8\n\tCPU_Speed_Limit \t= 62\n',
  );
  assert.ok(limited.ok);
  assert.equal(limited.value.pressure, 'serious');
  assert.equal(limited.value.throttled, true);
  const warned = parsePmsetTherm(
    '2025-01-01 10:00:00 +0000 Thermal Warning Level set to 10.\nNote: No performance warning level has been recorded\n',
  );
  assert.ok(warned.ok);
  assert.equal(warned.value.pressure, 'critical');
  assert.equal(parsePmsetTherm('Battery Power: 50%').ok, false);
});

test('ps -axo (written sample): [dd-]hh:mm:ss.cc times, RSS KB → bytes, names with spaces', () => {
  const parsed = parsePs(fixture('ps/written-sample-ps-axo-pid-ppid-rss-time-comm.txt'));
  assert.ok(parsed.ok);
  assert.equal(parsed.value.length, 7);
  assert.deepEqual(parsed.value[0], {
    pid: 1,
    ppid: 0,
    pgid: null,
    rssBytes: 14320 * 1024,
    cpuSeconds: 761.07,
    name: 'launchd',
    command: '/sbin/launchd',
  });
  assert.equal(parsed.value.find((p) => p.pid === 7202)!.cpuSeconds, 86400 + 2 * 3600 + 14 * 60 + 9.31);
  const docker = parsed.value.find((p) => p.pid === 1029)!;
  assert.equal(docker.name, 'Docker Desktop Helper (Renderer)');
  assert.equal(docker.ppid, 973);
  assert.equal(parseCpuTime('123:45.67'), 123 * 60 + 45.67);
  assert.equal(parseCpuTime('1:02:03'), 3723);
  assert.equal(parseCpuTime('soon'), null);
});

test('ps aux (MIT jc capture): headed output by column names', () => {
  const parsed = parsePs(fixture('ps/jc-osx-10.14.6-ps-axu-first22lines.txt'));
  assert.ok(parsed.ok);
  assert.equal(parsed.value.length, 21);
  const hyperkit = parsed.value[0]!;
  assert.equal(hyperkit.pid, 1046);
  assert.equal(hyperkit.ppid, null);
  assert.equal(hyperkit.rssBytes, 498788 * 1024);
  assert.equal(hyperkit.cpuSeconds, 7 * 60 + 53.61);
  assert.equal(hyperkit.name, 'com.docker.hyperkit');
  assert.equal(parsePs('hello world').ok, false);
});

test('ps -M thread counts: lines without their pid belong to the pid above', () => {
  const text =
    'USER   PID   TT  %CPU STAT PRI     STIME     UTIME COMMAND\ndev   7202   ??   0.0 S    31T   0:00.10   0:00.20 python3\n      7202        0.0 S    31T   0:00.00   0:00.00\n             0.0 S    31T   0:00.00   0:00.00\ndev   7303   ??   0.0 S    31T   0:00.10   0:00.20 node\n';
  assert.deepEqual(
    [...parseThreadCounts(text, new Set([7202, 7303]))],
    [
      [7202, 3],
      [7303, 1],
    ],
  );
});

test('lsof -F pcnT (written sample): listening owners and connections', () => {
  const parsed = parseLsofTcp(fixture('lsof/written-sample-lsof-nP-iTCP-F-pcnT.txt'));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.listening, [
    { port: 11434, pid: 7101, command: 'ollama', address: '127.0.0.1' },
    { port: 3000, pid: 7303, command: 'node', address: '*' },
    { port: 8766, pid: 55294, command: 'Python', address: '127.0.0.1' },
  ]);
  assert.equal(parsed.value.connections.length, 3);
  assert.deepEqual(parsed.value.connections[1], {
    localPort: 3000,
    remoteAddress: '::1',
    remotePort: 52001,
    state: 'ESTABLISHED',
    pid: 7303,
    command: 'node',
  });
});

test('lsof table without -n -P (written sample): service names mapped where known, the rest reported', () => {
  const parsed = parseLsofTcp(fixture('lsof/written-sample-lsof-i-no-nP-table.txt'));
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.value.listening.map((l) => [l.port, l.pid]),
    [
      [5432, 812],
      [5432, 812],
    ],
  );
  assert.deepEqual(parsed.value.unresolved, ['localhost:hbci']);
  assert.equal(parsed.value.connections[0]!.localPort, 3000);
  assert.equal(parseLsofTcp('<html>').ok, false);
  assert.deepEqual(
    [...parseOpenFileCounts('p12\nf1\nf2\nfcwd\np13\n')],
    [
      [12, 3],
      [13, 0],
    ],
  );
});

test('netstat -anv: process:pid (current macOS) and a separate pid column (older releases)', () => {
  const current = parseNetstat(fixture('replay/darwin-m4max-stack/outputs/netstat-2.txt'));
  assert.ok(current.ok);
  assert.equal(current.value.listening.length, 6);
  assert.deepEqual(
    current.value.listening.find((l) => l.port === 11401),
    { port: 11401, pid: 7505 },
  );
  assert.deepEqual(current.value.connections[1], {
    localAddress: '127.0.0.1',
    localPort: 11434,
    remoteAddress: '127.0.0.1',
    remotePort: 52020,
    state: 'ESTABLISHED',
    pid: 7101,
  });
  const older = [
    'Active Internet connections (including servers)',
    'Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)     rhiwat shiwat    pid   epid  state    options',
    'tcp6       0      0  ::1.8766               ::1.50122              TIME_WAIT   131072 131072      0      0 0x2131 0x00000000',
    'tcp4       0      0  127.0.0.1.8880         127.0.0.1.50200        FIN_WAIT_2  408300 146988   7202      0 0x2131 0x00000000',
    'tcp46      0      0  *.3000                 *.*                    LISTEN      131072 131072   7303      0 0x0100 0x00000006',
  ].join('\n');
  const parsed = parseNetstat(older);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.listening, [{ port: 3000, pid: 7303 }]);
  assert.deepEqual(parsed.value.connections, [
    {
      localAddress: '::1',
      localPort: 8766,
      remoteAddress: '::1',
      remotePort: 50122,
      state: 'TIME_WAIT',
      pid: null,
    },
    {
      localAddress: '127.0.0.1',
      localPort: 8880,
      remoteAddress: '127.0.0.1',
      remotePort: 50200,
      state: 'FIN_WAIT2',
      pid: 7202,
    },
  ]);
  assert.equal(parseNetstat('nope').ok, false);
});

test('HIDIdleTime nanoseconds → seconds', () => {
  const parsed = parseHidIdle(fixture('replay/darwin-m4max-stack/outputs/ioreg-hid-idle.txt'));
  assert.deepEqual(parsed, { ok: true, value: 754.21 });
  assert.equal(parseHidIdle('{}').ok, false);
});

test('ps aux / ps -ef: the name is the executable, even where its path holds spaces', () => {
  const parsed = parsePs(fixture('ps/jc-osx-10.14.6-ps-axu-first22lines.txt'));
  assert.ok(parsed.ok);
  const name = (pid: number) => parsed.value.find((p) => p.pid === pid)!.name;
  assert.equal(name(556), 'Terminal');
  assert.equal(name(633), 'plugin_host', '/Applications/Sublime Text.app/…/plugin_host 560 --auto-shell-env');
  assert.equal(name(58), 'JamfDaemon');
  assert.equal(name(8297), 'Microsoft Outlook');
  assert.equal(name(560), 'Sublime Text');
  assert.equal(name(842), 'Microsoft Teams Helper');
  assert.equal(name(571), 'Teams');
  const ef = parsePs(
    '  UID   PID  PPID   C STIME   TTY           TIME CMD\n' +
      '    0   412     1   0 Mon09AM ??         0:01.92 /System/Library/CoreServices/Software Update.app/Contents/Resources/softwareupdated\n' +
      '  501  7202  7101   0 10:02AM ttys001    0:03.10 /opt/homebrew/bin/python3 server.py --port 8880\n',
  );
  assert.ok(ef.ok, ef.ok ? '' : ef.error);
  assert.deepEqual(
    ef.value.map((p) => [p.pid, p.ppid, p.name]),
    [
      [412, 1, 'softwareupdated'],
      [7202, 7101, 'python3'],
    ],
  );
  assert.equal(executableOf('/usr/bin/python3 relative/app.py'), '/usr/bin/python3');
});

test('pmset -g therm on Apple silicon records nothing: no pressure (absent), never a measured nominal', () => {
  const parsed = parsePmsetTherm(fixture('pmset/written-sample-apple-silicon-pmset-g-therm.txt'));
  assert.ok(parsed.ok);
  assert.equal(parsed.value.pressure, null);
  assert.equal(parsed.value.throttled, null);
});

test('pmset on Apple silicon is asked again after 30 s, not spawned every tick; an Intel Mac is read every tick', async () => {
  for (const [capture, everyTick] of [
    ['pmset/written-sample-apple-silicon-pmset-g-therm.txt', false],
    ['pmset/fmorrisey-intel-mbp-pmset-g-therm.txt', true],
  ] as const) {
    let now = 1_700_000_000_000;
    let calls = 0;
    const collector = createPmsetThermCollector({
      sysRoot: '/nonexistent',
      procRoot: '/nonexistent',
      now: () => now,
      fetch: globalThis.fetch,
      exec: async () => {
        calls++;
        return { stdout: fixture(capture), stderr: '', exitCode: 0 };
      },
    });
    for (let tick = 0; tick < 6; tick++, now += 5_000)
      await collector.collect({ slow: false, watchPids: new Set(), servicePorts: new Set() });
    assert.equal(calls, everyTick ? 6 : 1, capture);
    now += 5_000;
    await collector.collect({ slow: false, watchPids: new Set(), servicePorts: new Set() });
    assert.equal(calls, everyTick ? 7 : 2, `${capture}: after 30 s`);
  }
});

test('lsof table whose header line was dropped (piped through grep) is recognised by its columns', () => {
  const table = fixture('lsof/written-sample-lsof-i-no-nP-table.txt');
  const headerless = table.split('\n').slice(1).join('\n');
  const withHeader = parseLsofTcp(table);
  const without = parseLsofTcp(headerless);
  assert.ok(withHeader.ok && without.ok);
  assert.deepEqual(without.value, withHeader.value);
  assert.ok(without.value.listening.length > 0);
  assert.equal(parseLsofTcp('node 7303 dev hello world').ok, false);
});

test("IdleWatt's ps call (comm cut at 16 bytes, then args): names from comm or the command line, commandPattern sees uvicorn, server.py, next dev", () => {
  const parsed = parsePs(fixture('ps/written-sample-ps-axww-o-pid-ppid-rss-time-comm-args.txt'), 'comm-args');
  assert.ok(parsed.ok);
  const byPid = new Map(parsed.value.map((p) => [p.pid, p]));
  assert.equal(parsed.value.length, 12);
  assert.deepEqual(byPid.get(1), {
    pid: 1,
    ppid: 0,
    pgid: null,
    rssBytes: 14320 * 1024,
    cpuSeconds: 761.07,
    name: 'launchd',
    command: '/sbin/launchd',
  });
  const names = Object.fromEntries(parsed.value.map((p) => [p.pid, p.name]));
  assert.deepEqual(names, {
    1: 'launchd',
    409: 'WindowServer',
    1386: 'ghostty',
    55294: 'Python',
    7101: 'ollama',
    7188: 'ollama',
    7202: 'python3.11',
    7303: 'next-server',
    7290: 'node',
    7404: 'python3',
    7505: 'whisper-server',
    1029: 'Docker Desktop Helper (Renderer)',
  });
  assert.equal(
    byPid.get(7202)!.command,
    '/Users/dev/vibevoice/.venv/bin/python3.11 -m uvicorn vibevoice.server:app --host 127.0.0.1 --port 8880',
  );
  assert.match(byPid.get(55294)!.command, /\/Python server\.py --port 8766$/);
  assert.equal(byPid.get(7290)!.command, 'node /Users/dev/dashboard/node_modules/.bin/next dev -p 3000');
  assert.match(byPid.get(1029)!.command, /Docker Desktop Helper \(Renderer\) --type=renderer --lang=en-US$/);

  const service = (id: string, commandPattern: string): ServiceConfig => ({
    id,
    name: id,
    ports: [],
    processNames: [],
    commandPattern,
  });
  const processes = parsed.value.map((p) => ({
    pid: p.pid,
    ppid: p.ppid ?? 0,
    name: p.name,
    command: p.command,
    cpuSeconds: p.cpuSeconds,
    rssBytes: p.rssBytes,
    threads: null,
    openFiles: null,
    startKey: String(p.pid),
  }));
  const matches = matchServices(
    [service('tts', 'uvicorn'), service('console', 'server\\.py'), service('dashboard', 'next dev')],
    processes,
    new Map(),
    { patternBudgetMs: Infinity },
  );
  assert.deepEqual(matches.get('tts')!.pids, [7202]);
  assert.deepEqual(matches.get('console')!.pids, [55294]);
  assert.deepEqual(matches.get('dashboard')!.pids, [7290, 7303], 'next dev and the next-server it spawned');
});

test('ps with args: a short comm is whole; an empty command line keeps comm; the older comm-only layout still parses', () => {
  const text = [
    '  101     1   2048  0:00.10 /usr/sbin/cfpref /usr/sbin/cfprefsd agent',
    '  202     1   1024  0:00.01 /usr/libexec/log ',
    '  303     1   4096  0:01.00 /bin/zsh         -zsh',
  ].join('\n');
  const parsed = parsePs(text, 'comm-args');
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.value.map((p) => [p.name, p.command]),
    [
      ['cfprefsd', '/usr/sbin/cfprefsd agent'],
      ['log', '/usr/libexec/log'],
      ['zsh', '-zsh'],
    ],
  );
  const old = parsePs(fixture('ps/written-sample-ps-axo-pid-ppid-rss-time-comm.txt'));
  assert.ok(old.ok && old.value[0]!.command === '/sbin/launchd');
  assert.ok(
    old.value.every((p) => p.pgid === null),
    'no PGID column: the group is unknown, not guessed',
  );
});

test('ps with pgid (what IdleWatt runs now): the group is read; the layout without it still parses', () => {
  assert.deepEqual(PS_ARGS, ['-axww', '-o', 'pid=,ppid=,pgid=,rss=,time=,comm=,args=']);
  // Written in the layout of the shipped recording's ps lines, with the group column added.
  const withGroup = [
    '    1     0     1  14320 12:41.07 /sbin/launchd    /sbin/launchd',
    ' 7290  6001  7290  65024  0:04.12 node             node /Users/dev/dashboard/node_modules/.bin/next dev -p 3000',
    ' 7303  7290  7290 262144 10:02.55 next-server (v16 next-server (v16.0.1)',
    ' 7101     1  7101  48112  0:41.20 /opt/homebrew/bi /opt/homebrew/bin/ollama serve',
  ].join('\n');
  const parsed = parsePs(withGroup, 'comm-args');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.deepEqual(
    parsed.value.map((p) => [p.pid, p.ppid, p.pgid, p.rssBytes, p.cpuSeconds, p.name]),
    [
      [1, 0, 1, 14320 * 1024, 761.07, 'launchd'],
      [7290, 6001, 7290, 65024 * 1024, 4.12, 'node'],
      [7303, 7290, 7290, 262144 * 1024, 602.55, 'next-server'],
      [7101, 1, 7101, 48112 * 1024, 41.2, 'ollama'],
    ],
  );
  assert.equal(parsed.value[1]!.command, 'node /Users/dev/dashboard/node_modules/.bin/next dev -p 3000');

  const without = parsePs(withGroup.replace(/^(\s*\d+\s+\d+)\s+\d+/gm, '$1'), 'comm-args');
  assert.ok(without.ok);
  assert.deepEqual(
    without.value.map((p) => [p.pid, p.pgid, p.rssBytes, p.name, p.command]),
    parsed.value.map((p) => [p.pid, null, p.rssBytes, p.name, p.command]),
  );

  const headed = parsePs('  PID  PPID  PGID   TIME COMMAND\n  412   400   412 0:00.50 /bin/zsh -l\n');
  assert.ok(headed.ok && headed.value[0]!.pgid === 412);
  assert.equal(parsePs(withGroup.replace('12:41.07', 'soon'), 'comm-args').ok, false);
});
