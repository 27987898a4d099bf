import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { runCommand } from '../../../../main/collectors/exec.js';
import { LINUX_COLLECTORS } from '../../../../main/collectors/linux/index.js';
import type { Reading } from '../../../../main/contract/index.js';
import type { Observation } from '../../../../main/collectors/types.js';
import { linuxEnv, request } from './linux-env.js';

const onLinux = process.platform === 'linux';
const skipReason = onLinux ? undefined : `this machine runs ${process.platform}, not Linux`;
if (skipReason) console.log(`real-machine collector tests skipped: ${skipReason}`);

const env = () => linuxEnv({ sysRoot: '/sys', procRoot: '/proc', exec: runCommand, now: Date.now });

async function collect(id: string, slow = true): Promise<Reading<Observation>> {
  const definition = LINUX_COLLECTORS.find((c) => c.id === id);
  assert.ok(definition, id);
  const instance = definition.create(env());
  await instance.collect(request({ slow }));
  return instance.collect(request({ slow, watchPids: new Set([process.pid]) }));
}

/** Entries under a /sys/class directory, [] when it does not exist. */
const classEntries = (name: string) =>
  existsSync(`/sys/class/${name}`) ? readdirSync(`/sys/class/${name}`) : [];

test(
  'every Linux collector runs on this machine and returns a value or a labelled absence',
  { skip: skipReason },
  async () => {
    for (const definition of LINUX_COLLECTORS) {
      const instance = definition.create(env());
      for (const slow of [true, false]) {
        const reading = await instance.collect(request({ slow }));
        assert.ok(['ok', 'absent'].includes(reading.status), `${definition.id}: ${JSON.stringify(reading)}`);
        if (reading.status === 'absent') assert.ok(reading.reason, `${definition.id} says why`);
      }
      await instance.close?.();
    }
  },
);

test(
  'real /proc: this test process is there, with its command line and open files',
  { skip: skipReason },
  async () => {
    const reading = await collect('procfs');
    assert.equal(reading.status, 'ok');
    const processes = reading.status === 'ok' ? reading.value.processes! : [];
    assert.ok(processes.length > 1);
    const self = processes.find((p) => p.pid === process.pid);
    assert.ok(self, 'own pid listed');
    assert.equal(self.ppid, process.ppid);
    assert.ok(self.command.includes('node') || self.command.includes(process.execPath), self.command);
    assert.ok(self.cpuSeconds > 0);
    assert.ok(self.rssBytes! > 10 * 1024 * 1024, `rss ${self.rssBytes}`);
    assert.ok(self.openFiles! >= 3);
    assert.match(self.startKey, /^\d+$/);
  },
);

test(
  'real /proc/net: a socket this process listens on is attributed to it',
  { skip: skipReason },
  async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const reading = await collect('tcp-sockets');
      assert.equal(reading.status, 'ok');
      const listening = reading.status === 'ok' ? reading.value.sockets!.listening : [];
      assert.ok(
        listening.some((l) => l.port === port && l.pid === process.pid),
        `port ${port} owned by ${process.pid} in ${JSON.stringify(listening)}`,
      );
    } finally {
      server.close();
    }
  },
);

test(
  'real /sys: RAPL, hwmon and battery are absent here exactly where the machine lacks them',
  { skip: skipReason },
  async () => {
    const expectations: [string, boolean][] = [
      ['rapl', classEntries('powercap').some((n) => n.startsWith('intel-rapl:'))],
      ['hwmon', classEntries('hwmon').length > 0],
      ['power-supply', classEntries('power_supply').length > 0],
      ['thermal-zone', classEntries('thermal').some((n) => n.startsWith('thermal_zone'))],
    ];
    for (const [id, present] of expectations) {
      const reading = await collect(id);
      if (present) {
        console.log(`${id}: the source exists on this machine → ${reading.status}`);
        assert.notEqual(reading.status, 'error', `${id}: ${JSON.stringify(reading)}`);
      } else {
        assert.equal(reading.status, 'absent', `${id}: ${JSON.stringify(reading)}`);
        assert.equal(reading.status === 'absent' && reading.reason, 'not-present', id);
      }
    }
  },
);
