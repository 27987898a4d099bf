// Real processes and real sockets on this machine: a service polled by another monitored service
// over a kept-alive connection (internal traffic), then one request from an unrelated process
// (a user's), then one from IdleWatt's own process.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { defaultSettings } from '../../main/contract/index.js';
import { createCollectors } from '../../main/collectors/setup.js';
import { Sampler } from '../../main/sampler/sampler.js';
import { startPeer } from './burner.js';

const linuxOnly =
  process.platform === 'linux' ? false : 'reads this machine’s /proc and sockets (Linux only)';
if (linuxOnly) console.log(`activity-live tests skipped: ${linuxOnly}`);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test(
  'requests are told apart by client: a polling service is internal, another process is a user, IdleWatt is itself',
  { skip: linuxOnly },
  async (t) => {
    const target = await startPeer(['serve']);
    t.after(() => target.child.kill());
    const poller = await startPeer(['poll', String(target.port), '300']);
    t.after(() => poller.child.kill());
    const settings = defaultSettings();
    settings.services = [
      { id: 'target', name: 'Target', ports: [target.port!], processNames: [] },
      { id: 'poller', name: 'Poller', ports: [poller.port!], processNames: [] },
    ];
    const collectors = createCollectors({ platform: 'linux', sysRoot: '/sys', procRoot: '/proc' }).filter(
      (c) => ['procfs', 'tcp-sockets'].includes(c.definition.id),
    );
    const sampler = new Sampler({ collectors, settings: () => settings, platform: 'linux' });
    const service = (s: Awaited<ReturnType<Sampler['tick']>>) => s.services.find((x) => x.id === 'target')!;

    await sampler.tick(); // baseline
    await pause(1200);
    const polled = await sampler.tick();
    const source = polled.sources['services.activity']?.source;
    console.log(`socket source: ${source}`);
    const a = service(polled);
    assert.deepEqual(a.pids, [target.child.pid]);
    assert.equal(a.active, false, 'internal polling is not activity');
    assert.equal(a.lastActiveAt, null);
    assert.ok(a.activity, 'activity figures');
    assert.equal(a.activity.activeConnections, 1, 'the poller’s kept-alive connection');
    assert.equal(a.connections, 1);
    assert.ok(a.activity.requestCount5m.internal >= 1, JSON.stringify(a.activity));
    assert.equal(a.activity.requestCount5m.user, 0);
    assert.deepEqual(
      a.activity.internalClients.map((c) => [c.id, c.name]),
      [['poller', 'Poller']],
    );
    if (source === 'sock-diag' || source === 'ss') {
      assert.ok(a.activity.bytesIn! > 0 && a.activity.bytesOut! > 0, 'bytes flowed on the polled connection');
    } else {
      assert.equal(a.activity.bytesIn, null, `${source} has no byte counters: unknown, not 0`);
    }

    const user = await startPeer(['request', String(target.port)]);
    t.after(() => user.child.kill());
    const requested = service(await sampler.tick());
    assert.equal(requested.active, true, 'a request from another process is a user’s');
    assert.equal(requested.lastActiveAt, requested.activity!.lastUserRequestAt);
    assert.deepEqual(requested.activity!.connectionsOpened, { user: 1, internal: 0 });
    assert.equal(requested.activity!.requestCount5m.user, 1);

    const own = connect(target.port!, '127.0.0.1');
    t.after(() => own.destroy());
    await once(own, 'connect');
    own.write('GET / HTTP/1.1\r\n\r\n');
    await once(own, 'data');
    const self = service(await sampler.tick());
    assert.equal(self.active, false, 'IdleWatt’s own request is not activity');
    assert.equal(self.activity!.connectionsOpened.internal, 1);
    assert.ok(self.activity!.internalClients.some((c) => c.id === 'idlewatt' && c.name === 'IdleWatt'));
    assert.equal(self.activity!.requestCount5m.user, 1, 'still the one user request');
  },
);
