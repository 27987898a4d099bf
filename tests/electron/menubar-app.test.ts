import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { defaultSettings } from '../../main/contract/settings.js';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { electronAvailability, electronSkipReason } from './electron.js';

// Drives the real menu-bar app (dist/main.cjs) from a replay recording instead of powermetrics.
// Reads the app's state through the IDLEWATT_TEST hooks that main/shell/app.ts installs. Replay mode
// never explains or asks for a password, and the app shows no modal at all, so nothing blocks a run.
const REPLAY_DIR = join(REPO_ROOT, 'tests', 'fixtures', 'replay', 'darwin-m4max-stack');

function skipReason(): string | false {
  const electronReason = electronSkipReason();
  if (electronReason) return electronReason;
  if (!existsSync(join(REPO_ROOT, 'dist', 'main.cjs'))) {
    const reason = 'Electron tests skipped: dist/main.cjs is missing (run node build/build.mjs)';
    console.log(reason);
    return reason;
  }
  if (!existsSync(join(REPLAY_DIR, 'recording.json'))) {
    const reason = `Electron tests skipped: no replay recording at ${REPLAY_DIR}`;
    console.log(reason);
    return reason;
  }
  return false;
}
const skip = skipReason();

/**
 * Launches the app with its own data directory (so its own single-instance lock) and any free API
 * port; `breach` lowers the idle-service CPU alert so the recording's VibeVoice fires it at once.
 */
async function launch(t: TestContext, options: { breach?: boolean } = {}): Promise<ElectronApplication> {
  const availability = electronAvailability();
  assert.ok('binary' in availability);
  const dataDir = tempDir(t, 'idlewatt-electron-');
  const settings = defaultSettings();
  if (options.breach) {
    settings.sampling.intervalSeconds = 1;
    settings.alerts.cooldownMinutes = 0;
    settings.alerts.idleServiceCpu = { enabled: true, warning: 10, critical: 90, windowSeconds: 2 };
  }
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings));
  const app = await electron.launch({
    executablePath: availability.binary,
    args: [join(REPO_ROOT, 'dist/main.cjs'), '--replay', REPLAY_DIR],
    env: { ...process.env, IDLEWATT_TEST: '1', IDLEWATT_DATA_DIR: dataDir, IDLEWATT_API_PORT: '0' },
  });
  t.after(() => app.close());
  return app;
}

/** Polls an expression in the main process until it returns a truthy value. */
async function waitInMain<T>(
  app: ElectronApplication,
  read: () => T | null | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await app.evaluate(read as never);
    if (value) return value as T;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${read.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('showWindow() opens the sandboxed popover and it renders the monitor', { skip }, async (t) => {
  const app = await launch(t);
  await waitInMain(app, () => Boolean((globalThis as any).__idlewattTest?.menubar));
  await app.evaluate(() => (globalThis as any).__idlewattTest.menubar.showWindow());
  const window = await app.firstWindow();
  await window.waitForSelector('#app');
  await window.waitForFunction(
    () => /\d W/.test((globalThis as any).document.querySelector('#app')?.textContent ?? ''),
    null,
    { timeout: 30_000 },
  );
  // Sandboxed, isolated, no Node: the page sees neither require nor process, only the bridged API.
  const page = await window.evaluate(() => {
    const g = globalThis as any;
    return { require: typeof g.require, process: typeof g.process, api: typeof g.idlewatt?.getStatus };
  });
  assert.deepEqual(page, { require: 'undefined', process: 'undefined', api: 'function' });
  const opened = await window.evaluate(() => (globalThis as any).open('https://example.com'));
  assert.equal(opened, null, 'new windows are denied');
});

test('the tray title shows the replayed watts', { skip }, async (t) => {
  const app = await launch(t);
  const title = await waitInMain(app, () => (globalThis as any).__idlewattTest?.tray?.view.title as string);
  assert.match(title, /^\d+(\.\d)? W$/);
  if (process.platform === 'darwin') {
    assert.equal(await app.evaluate(() => (globalThis as any).__idlewattTest.menubar.tray.getTitle()), title);
  }
  const state = await app.evaluate(() => (globalThis as any).__idlewattTest.tray.view.state as string);
  assert.match(state, /^(nominal|fair|serious|critical|unknown)$/);
});

test('an injected idle-service CPU breach requests a notification naming it', { skip }, async (t) => {
  const app = await launch(t, { breach: true });
  const notifications = await waitInMain(
    app,
    () => {
      const list = (globalThis as any).__idlewattTest?.notifications as
        { title: string; body: string }[] | undefined;
      return list && list.length > 0 ? list : null;
    },
    60_000,
  );
  assert.ok(notifications[0]!.title.length > 0);
  assert.ok(notifications[0]!.body.length > 0);
});
