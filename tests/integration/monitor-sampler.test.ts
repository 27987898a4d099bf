// The sampler on this real machine: a local TCP service burning half a core, found by port.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { defaultSettings, type Settings } from '../../main/contract/index.js';
import { createCollectors } from '../../main/collectors/setup.js';
import { Sampler } from '../../main/sampler/sampler.js';
import { tempDir } from '../helpers.js';
import { freePort, startBurner, startPeer } from './burner.js';
import { CLI, writeSettings } from './monitor-process.js';

const linuxOnly = process.platform === 'linux' ? false : 'reads this machine’s /proc (Linux only)';
if (linuxOnly) console.log(`monitor-sampler tests skipped: ${linuxOnly}`);

async function burnerCpuSeconds(child: ChildProcess): Promise<number> {
  child.send('cpu');
  for (;;) {
    const [message] = (await once(child, 'message')) as [{ type: string; cpuSeconds: number }];
    if (message.type === 'cpu') return message.cpuSeconds;
  }
}

function settingsFor(port: number): Settings {
  const settings = defaultSettings();
  settings.services = [{ id: 'burner', name: 'CPU burner', ports: [port], processNames: [] }];
  return settings;
}

test(
  'a CPU-burning local service is found by its port, its CPU % matches, and it is active only after a request',
  { skip: linuxOnly },
  async (t) => {
    const port = await freePort();
    const burner = await startBurner(port, 0.5);
    t.after(() => burner.kill());
    const settings = settingsFor(port);
    const collectors = createCollectors({ platform: 'linux', sysRoot: '/sys', procRoot: '/proc' });
    const sampler = new Sampler({ collectors, settings: () => settings, platform: 'linux' });

    await sampler.tick();
    const cpuBefore = await burnerCpuSeconds(burner);
    const wallBefore = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const quiet = await sampler.tick();
    const truth = (((await burnerCpuSeconds(burner)) - cpuBefore) / ((Date.now() - wallBefore) / 1000)) * 100;
    const service = quiet.services[0]!;
    assert.equal(service.status, 'running');
    assert.deepEqual(service.pids, [burner.pid]);
    assert.deepEqual(service.ports, [port]);
    assert.ok(service.cpuPercent !== null, 'a CPU rate after two ticks');
    assert.ok(
      Math.abs(service.cpuPercent - truth) <= 10,
      `IdleWatt ${service.cpuPercent.toFixed(1)} % vs getrusage ${truth.toFixed(1)} %`,
    );
    assert.ok(service.rssBytes! > 10_000_000, 'RSS of a node process');
    assert.equal(service.active, false, 'burning CPU is not activity');

    // The request comes from another process, as a user's would: this test process is IdleWatt.
    const user = await startPeer(['request', String(port)]);
    t.after(() => user.child.kill());
    const busy = await sampler.tick();
    assert.equal(busy.services[0]!.active, true, 'a new client connection is a request');
    assert.equal(busy.services[0]!.activity?.requestCount5m.user, 1);
    assert.equal(busy.services[0]!.lastActiveAt, busy.at);
  },
);

test(
  '`idlewatt monitor --once --json` prints one Sample with the documented fields',
  { skip: linuxOnly },
  async (t) => {
    const port = await freePort();
    const burner = await startBurner(port, 0.2);
    t.after(() => burner.kill());
    const dataDir = tempDir(t);
    writeSettings(dataDir, (s) => (s.services = settingsFor(port).services));
    const run = spawnSync(
      process.execPath,
      [CLI, 'monitor', '--once', '--json', '--data-dir', dataDir, '--interval', '1'],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    const sample = JSON.parse(run.stdout);
    const service = sample.services[0];
    assert.equal(service.id, 'burner');
    assert.equal(service.status, 'running');
    assert.equal(typeof service.cpuPercent, 'number');
    assert.equal(typeof service.rssBytes, 'number');
    assert.ok('packageWatts' in sample.power);
    if (sample.power.packageWatts === null)
      assert.match(sample.absent['power.packageWatts'], /\w/, 'null power says why');
    assert.ok('pressure' in sample.thermal);
    assert.equal(typeof sample.idle.stackIdle, 'boolean');
    assert.ok(
      Array.isArray(sample.collectors) && sample.collectors.some((c: { id: string }) => c.id === 'procfs'),
    );
  },
);

test('`idlewatt monitor` rejects bad flags with one line and exit 2', () => {
  for (const args of [['--port', 'abc'], ['--interval', '-1'], ['--json'], ['--nope']]) {
    const run = spawnSync(process.execPath, [CLI, 'monitor', ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
});
