import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suppliedByThePlatform } from '../../../main/assembly/local-core.js';
import { createCollectors } from '../../../main/collectors/setup.js';

for (const platform of ['darwin', 'linux'] as const) {
  test(`${platform}: the app leaves out the collectors that only read the user's idle time (Electron gives it); headless keeps them`, () => {
    const collectors = createCollectors({ platform, sysRoot: '/nonexistent', procRoot: '/nonexistent' });
    const dropped = (mode: 'app' | 'headless' | 'replay') =>
      collectors.filter((c) => suppliedByThePlatform(c, mode)).map((c) => c.definition.id);
    assert.deepEqual(dropped('app'), [platform === 'darwin' ? 'darwin-hid-idle' : 'linux-user-idle']);
    assert.deepEqual(dropped('headless'), []);
    assert.deepEqual(dropped('replay'), [], 'a replay serves the recorded idle time');
  });
}
