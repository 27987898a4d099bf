import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyLaunchAtLogin, autostartDesktopEntry } from '../../../main/shell/login-item.js';
import { tempDir } from '../../helpers.js';

test('macOS: launch at login goes through app.setLoginItemSettings, without the removed openAsHidden', () => {
  const calls: unknown[] = [];
  const app = { setLoginItemSettings: (s: unknown) => void calls.push(s) };
  assert.ok(applyLaunchAtLogin({ enabled: true, platform: 'darwin', app, command: [], packaged: true }).ok);
  assert.ok(applyLaunchAtLogin({ enabled: false, platform: 'darwin', app, command: [], packaged: true }).ok);
  assert.deepEqual(calls, [{ openAtLogin: true }, { openAtLogin: false }]);
});

test('macOS from source: no login item (it would start bare Electron.app), and the result says so', () => {
  const app = { setLoginItemSettings: () => assert.fail('from source, nothing is registered') };
  const on = applyLaunchAtLogin({ enabled: true, platform: 'darwin', app, command: [], packaged: false });
  assert.deepEqual(on, {
    ok: false,
    detail: 'launch at login needs the packaged app (npm run dist); from source it is not set',
  });
  assert.ok(applyLaunchAtLogin({ enabled: false, platform: 'darwin', app, command: [], packaged: false }).ok);
});

test('Linux: an XDG autostart entry is written and removed', (t) => {
  const configHome = tempDir(t);
  const app = { setLoginItemSettings: () => assert.fail('not on Linux') };
  const env = { XDG_CONFIG_HOME: configHome };
  const file = join(configHome, 'autostart', 'idlewatt.desktop');
  const on = applyLaunchAtLogin({
    enabled: true,
    platform: 'linux',
    app,
    command: ['/opt/Idle Watt/idlewatt'],
    env,
    packaged: true,
  });
  assert.deepEqual(on, { ok: true, detail: `wrote ${file}` });
  assert.match(readFileSync(file, 'utf8'), /^Exec="\/opt\/Idle Watt\/idlewatt"$/m);
  assert.ok(
    applyLaunchAtLogin({ enabled: false, platform: 'linux', app, command: [], env, packaged: true }).ok,
  );
  assert.equal(existsSync(file), false);
});

test('Exec arguments are quoted per the Desktop Entry spec', () => {
  assert.match(autostartDesktopEntry(['/a/$HOME/`x`"q"\\b']), /^Exec="\/a\/\\\$HOME\/\\`x\\`\\"q\\"\\\\b"$/m);
});

test('a failure is a labelled result, not an exception', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'autostart'), 'a file where the directory should be');
  const result = applyLaunchAtLogin({
    enabled: true,
    platform: 'linux',
    app: { setLoginItemSettings: () => {} },
    command: ['idlewatt'],
    env: { XDG_CONFIG_HOME: dir },
    packaged: false,
  });
  assert.equal(result.ok, false);
  assert.match(result.detail, /launch at login could not be changed/);
  const mac = applyLaunchAtLogin({
    enabled: true,
    platform: 'darwin',
    app: {
      setLoginItemSettings: () => {
        throw new Error('not signed');
      },
    },
    command: [],
    packaged: true,
  });
  assert.deepEqual(mac, { ok: false, detail: 'launch at login could not be changed: not signed' });
});
