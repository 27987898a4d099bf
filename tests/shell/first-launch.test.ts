import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MonitorStatus, PowerPermission, Sample } from '../../main/contract/index.js';
import { tempDir } from '../helpers.js';
import {
  assertNoModal,
  harnessSkipReason,
  RECORDING,
  runShell,
  writeSettings,
  type ShellRun,
} from './harness.js';

// The built app (dist/main.cjs) against a fake Electron, one process per test: what a user meets in
// the first minute.
const skip = harnessSkipReason();

function start(t: { after(fn: () => void): void }, options: Parameters<typeof runShell>[0]): ShellRun {
  const run = runShell(options);
  t.after(() => run.kill());
  return run;
}

const status = (run: ShellRun) =>
  run.command({ cmd: 'invoke', method: 'getStatus', args: [] }) as Promise<MonitorStatus>;

test(
  'first run on macOS without a password: the popover explains, nothing asks, no modal',
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    writeSettings(dataDir);
    // No USER: should the prompt be reached, @vscode/sudo-prompt refuses at once instead of building its applet.
    const run = start(t, { dataDir, platform: 'darwin', env: { USER: '' } });
    await run.waitFor('window-shown', undefined, 60_000);
    const first = await status(run);
    assert.equal(first.permission.state, 'needed');
    assert.equal(first.permission.explain?.allowLabel, 'Allow once');
    assert.equal(first.permission.explain?.declineLabel, 'Not now');
    assert.doesNotMatch(run.output(), /password prompt|powermetrics could not run/, 'nothing asked yet');
    assert.deepEqual(JSON.parse(readFileSync(join(dataDir, 'app-state.json'), 'utf8')).elevation, {
      explained: true,
      askAtLaunch: false,
    });

    // "Allow once": one request through the core, whose own answer is reported (here the prompt cannot run).
    const answer = (await run.command({
      cmd: 'invoke',
      method: 'requestPowerPermission',
      args: [],
    })) as PowerPermission;
    assert.notEqual(answer.state, 'needed');
    await run.waitForOutput(
      new RegExp(`^IdleWatt: ${answer.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
    assert.equal((await status(run)).permission.explain, undefined, 'the panel is gone once the user chose');
    assertNoModal(run);

    await run.command({ cmd: 'click-menu', label: 'Quit' });
    assert.equal(await run.exited, 0);
  },
);

test(
  'a monitor that cannot start says why in the popover, the tray and the log; Quit still works',
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    writeSettings(dataDir);
    const missing = join(dataDir, 'no-such-recording');
    const run = start(t, { dataDir, platform: 'darwin', args: ['--replay', missing] });
    const line = await run.waitForOutput(/^IdleWatt could not start: /);
    assert.match(line, /no-such-recording/);
    await run.waitFor('tray', (e) => /Could not start: /.test(e.tooltip));
    await run.waitFor('window-shown');
    await assert.rejects(status(run), /IdleWatt could not start: .*no-such-recording/);
    assertNoModal(run);
    await run.command({ cmd: 'click-menu', label: 'Quit' });
    assert.equal(await run.exited, 0);
  },
);

test(
  "a notification the OS refuses ('failed') reaches the popover's banners and the tray instead",
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    // The recording's VibeVoice burns CPU with no requests: a 2 s window fires within a few ticks.
    writeSettings(dataDir, (settings) => {
      settings.sampling.intervalSeconds = 1;
      settings.alerts.cooldownMinutes = 0;
      settings.alerts.idleServiceCpu = { enabled: true, warning: 10, critical: 90, windowSeconds: 2 };
    });
    const run = start(t, {
      dataDir,
      platform: 'darwin',
      args: ['--replay', RECORDING],
      env: { FAKE_ELECTRON_NOTIFICATIONS_FAIL: 'Notifications are not allowed for this application' },
    });
    const shown = await run.waitFor('notification', undefined, 60_000);
    await run.waitForOutput(/could not be shown \(Notifications are not allowed for this application\)/);
    // The title flags it (macOS) and the tooltip names it.
    await run.waitFor(
      'tray',
      (e) => e.title.startsWith('\u26A0') && e.tooltip.includes(`Alert: ${shown.title}`),
    );
    const notices = (await status(run)).notices;
    assert.ok(
      notices.some((n) => n.includes(shown.title)),
      `a notice names the alert: ${notices.join(' | ')}`,
    );
    // Opening the popover is seeing it: the tray flag goes.
    await run.command({ cmd: 'tray-click' });
    await run.waitFor('tray', (e) => !e.title.startsWith('\u26A0') && e.title !== '');
    assertNoModal(run);
    await run.command({ cmd: 'click-menu', label: 'Quit' });
    assert.equal(await run.exited, 0);
  },
);

test(
  'a second instance on the same data folder says why it quits and opens the first one',
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    writeSettings(dataDir);
    const first = start(t, { dataDir, args: ['--replay', RECORDING] });
    await first.waitFor('lock', (e) => e.granted);
    await first.waitFor('tray');
    const second = start(t, { dataDir, args: ['--replay', RECORDING] });
    assert.equal(await second.exited, 0);
    assert.match(second.output(), new RegExp(`IdleWatt is already running with the data folder ${dataDir}`));
    assert.ok(second.events.some((e) => e.type === 'lock' && !e.granted));
    await first.waitFor('window-shown');

    // Another data folder is another instance (as each test gets its own).
    const other = start(t, { dataDir: tempDir(t, 'idlewatt-shell-'), args: ['--replay', RECORDING] });
    await other.waitFor('lock', (e) => e.granted);
    await other.command({ cmd: 'click-menu', label: 'Quit' });
    await first.command({ cmd: 'click-menu', label: 'Quit' });
    assert.equal(await first.exited, 0);
    assert.equal(await other.exited, 0);
  },
);

test(
  'a second launch that arrives before the tray exists opens the popover once it does',
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    writeSettings(dataDir);
    const run = start(t, {
      dataDir,
      platform: 'linux',
      args: ['--replay', RECORDING],
      env: { FAKE_ELECTRON_SECOND_INSTANCE_EARLY: '1' },
    });
    const early = await run.waitFor('second-instance');
    assert.equal(early.trayExists, false);
    // Nothing else opens the popover on Linux in replay mode: only the queued second launch does.
    await run.waitFor('window-shown');
    await run.command({ cmd: 'click-menu', label: 'Quit' });
    assert.equal(await run.exited, 0);
  },
);

test('a quit during start-up still runs the graceful shutdown', { skip }, async (t) => {
  const dataDir = tempDir(t, 'idlewatt-shell-');
  writeSettings(dataDir);
  const run = start(t, {
    dataDir,
    args: ['--replay', RECORDING],
    env: { FAKE_ELECTRON_QUIT_DURING_START: '1' },
  });
  assert.equal(await run.exited, 0);
  assert.match(run.output(), /IdleWatt: quitting…/);
  assert.doesNotMatch(run.output(), /quitting without waiting|failed while quitting/);
  assert.ok(
    readdirSync(dataDir).some((f) => f === 'history'),
    `the history store was opened and closed: ${readdirSync(dataDir).join(', ')}`,
  );
});

test(
  'Linux: the tray menu exists even when the page fails to load; pause, OS shutdown',
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    writeSettings(dataDir);
    const run = start(t, {
      dataDir,
      platform: 'linux',
      args: ['--replay', RECORDING],
      env: { FAKE_ELECTRON_LOAD_FAILS: '1' },
    });
    const tray = await run.waitFor('tray', (e) => e.menu !== null);
    assert.deepEqual(tray.menu, ['Open IdleWatt', 'Pause alerts for 1 h', '—', 'Quit']);
    await run.waitFor('window-load', (e) => !e.ok);
    const created = await run.waitFor('window-created');
    assert.equal(created.skipTaskbar, true, 'the popover is not listed in Linux taskbars');
    assert.equal(created.sandbox, true);
    // Pausing needs the monitor, not the page.
    await run.waitFor(
      'tray',
      (e) => /\d W\b/.test(e.tooltip.split('\n')[1] ?? '') || /Power:/.test(e.tooltip),
    );
    // The Linux menu carries the tooltip's line, where the tooltip may never show.
    const line = /^\d+(\.\d)? W( \u00b7 .+ \u2248 \d+(\.\d+)? W( while idle)?)?$/;
    const lined = await run.waitFor('tray', (e) => line.test(e.menu?.[0] ?? ''));
    assert.equal(lined.menu![1], '\u2014', 'a separator under the line');
    assert.match(lined.tooltip.split('\n')[1] ?? '', line);
    await run.command({ cmd: 'click-menu', label: 'Pause alerts for 1 h' });
    await run.waitFor('tray', (e) =>
      (e.menu ?? []).some((label) => label.startsWith('Pause alerts for 1 h (paused until')),
    );
    await run.command({ cmd: 'os-shutdown' });
    const shutdown = await run.waitFor('os-shutdown');
    assert.equal(shutdown.delayed, true, 'the OS shutdown waits (preventDefault) while history is flushed');
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /IdleWatt: quitting…/);
    assertNoModal(run);
  },
);

test(
  "macOS: powerMonitor's thermal state fills the sample's thermal pressure where no collector measured one, and follows 'thermal-state-change'",
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-shell-');
    writeSettings(dataDir, (settings) => {
      settings.sampling.intervalSeconds = 1;
    });
    // This machine is not a Mac: pmset, notify(3) and notifyutil read nothing, powermetrics waits for
    // the password, so the OS state Electron reports is the only thermal source.
    const run = start(t, { dataDir, platform: 'darwin', env: { USER: '' } });
    await run.waitFor('window-shown', undefined, 60_000);
    const latest = () =>
      run.command({ cmd: 'invoke', method: 'getLatest', args: [] }) as Promise<Sample | null>;
    const pressureBecomes = async (pressure: string): Promise<Sample> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const sample = await latest();
        if (sample?.thermal.pressure === pressure) return sample;
        if (Date.now() > deadline) {
          throw new Error(`thermal pressure never became ${pressure}: ${JSON.stringify(sample?.thermal)}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const nominal = await pressureBecomes('nominal');
    assert.deepEqual(nominal.sources['thermal.pressure'], { source: 'platform', kind: 'measured' });
    assert.equal(nominal.thermal.osLevel, null, 'thermalState has four levels: no raw OS level from it');
    await run.command({ cmd: 'thermal-state', state: 'serious' });
    const serious = await pressureBecomes('serious');
    assert.deepEqual(serious.sources['thermal.pressure'], { source: 'platform', kind: 'measured' });
    await run.command({ cmd: 'thermal-state', state: 'unknown' });
    const deadline = Date.now() + 30_000;
    let after = await latest();
    while (after?.thermal.pressure !== null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = await latest();
    }
    assert.equal(after?.thermal.pressure, null, "'unknown' is no reading, never nominal");
    await run.command({ cmd: 'click-menu', label: 'Quit' });
    assert.equal(await run.exited, 0);
  },
);
