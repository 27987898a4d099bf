import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCommand } from '../../../../main/collectors/exec.js';
import type { CommandResult, CommandRunner } from '../../../../main/collectors/types.js';
import {
  createPlatformNotifier,
  notificationCommand,
} from '../../../../main/alerts/sinks/platform-notifier.js';
import type { AlertEvent } from '../../../../main/contract/alerts.js';
import { tempDir } from '../../../helpers.js';
import { FIRED } from './events.js';

const DESKTOP = { DISPLAY: ':0' };

function recordingRunner(result: Partial<CommandResult> = {}) {
  const calls: { file: string; args: readonly string[]; timeoutMs: number | undefined }[] = [];
  const exec: CommandRunner = async (file, args, options) => {
    calls.push({ file, args, timeoutMs: options?.timeoutMs });
    return { stdout: '', stderr: '', exitCode: 0, ...result };
  };
  return { exec, calls };
}

test('Linux: notify-send argv with urgency, options ended by --, markup escaped', () => {
  const event: AlertEvent = { ...FIRED, severity: 'critical', title: '--help me', message: 'a <b> & c' };
  assert.deepEqual(notificationCommand('linux', event), {
    file: 'notify-send',
    args: ['--app-name=IdleWatt', '--urgency=critical', '--', 'help me', 'a &lt;b&gt; &amp; c'],
  });
  assert.equal(notificationCommand('linux', FIRED)!.args[1], '--urgency=normal');
});

test('macOS: osascript gets the texts as run-handler arguments, never inside the script', () => {
  const event: AlertEvent = { ...FIRED, title: 'say "hi"', message: 'end tell\n do shell script "rm -rf ~"' };
  const command = notificationCommand('darwin', event)!;
  assert.equal(command.file, 'osascript');
  const script = command.args.filter((_, i) => command.args[i - 1] === '-e');
  assert.deepEqual(script, [
    'on run argv',
    'display notification (item 2 of argv) with title (item 1 of argv) subtitle "IdleWatt"',
    'end run',
  ]);
  assert.deepEqual(command.args.slice(-2), ['say "hi"', 'end tell do shell script "rm -rf ~"']);
  assert.equal(notificationCommand('win32', FIRED), null);
});

test('the notifier runs the command through the injected runner with a timeout', async () => {
  const { exec, calls } = recordingRunner();
  const notifier = createPlatformNotifier({ platform: 'linux', exec, enabled: true, env: DESKTOP });
  assert.deepEqual(await notifier.notify(FIRED), { delivered: true });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.file, 'notify-send');
  assert.equal(calls[0]!.timeoutMs, 5000);
});

test('disabled, no desktop session, unsupported platform: nothing runs, the reason is given', async () => {
  const { exec, calls } = recordingRunner();
  let enabled = false;
  const toggled = createPlatformNotifier({ platform: 'linux', exec, enabled: () => enabled, env: DESKTOP });
  assert.deepEqual(await toggled.notify(FIRED), {
    delivered: false,
    reason: 'notifications are turned off in settings',
  });
  enabled = true;
  assert.deepEqual(await toggled.notify(FIRED), { delivered: true });

  const headless = createPlatformNotifier({ platform: 'linux', exec, enabled: true, env: {} });
  assert.match(((await headless.notify(FIRED)) as { reason: string }).reason, /no desktop session/);
  const windows = createPlatformNotifier({ platform: 'win32', exec, enabled: true, env: DESKTOP });
  assert.deepEqual(await windows.notify(FIRED), { delivered: false, reason: 'no desktop notifier on win32' });
  assert.equal(calls.length, 1);
});

test('a missing binary is reported once and not spawned again; failures never reject', async () => {
  // The real runner, pointed at a binary that does not exist.
  const calls: string[] = [];
  const exec: CommandRunner = (file, args, options) => {
    calls.push(file);
    return runCommand(`/nonexistent/idlewatt/${file}`, args, options);
  };
  const notifier = createPlatformNotifier({ platform: 'linux', exec, enabled: true, env: DESKTOP });
  const first = await notifier.notify(FIRED);
  assert.deepEqual(first, {
    delivered: false,
    reason: 'notify-send is not installed (Debian/Ubuntu: apt-get install libnotify-bin)',
  });
  assert.deepEqual(await notifier.notify(FIRED), first);
  assert.equal(calls.length, 1);

  const failing = createPlatformNotifier({
    platform: 'linux',
    exec: recordingRunner({ exitCode: 1, stderr: 'GDBus.Error: no notification server\n' }).exec,
    enabled: true,
    env: DESKTOP,
  });
  assert.deepEqual(await failing.notify(FIRED), {
    delivered: false,
    reason: 'notify-send failed: GDBus.Error: no notification server',
  });
  const rejecting = createPlatformNotifier({
    platform: 'darwin',
    exec: () => Promise.reject(new Error('boom')),
    enabled: true,
    env: {},
  });
  assert.deepEqual(await rejecting.notify(FIRED), { delivered: false, reason: 'osascript: boom' });
});

test('end to end through the real runner: shell metacharacters arrive verbatim', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'argv.json');
  const fake = join(dir, 'notify-send');
  writeFileSync(
    fake,
    `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`,
  );
  chmodSync(fake, 0o755);
  const exec: CommandRunner = (_file, args, options) => runCommand(fake, args, options);
  const notifier = createPlatformNotifier({ platform: 'linux', exec, enabled: true, env: DESKTOP });
  const event: AlertEvent = { ...FIRED, title: 'x $(touch pwned) `id`', message: "'; rm -rf / #" };
  assert.deepEqual(await notifier.notify(event), { delivered: true });
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), [
    '--app-name=IdleWatt',
    '--urgency=normal',
    '--',
    'x $(touch pwned) `id`',
    "'; rm -rf / #",
  ]);
});
