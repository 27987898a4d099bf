import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createUserIdleCollector,
  parseLoginctlUser,
  parseXprintidle,
} from '../../../../main/collectors/linux/user-idle.js';
import { linuxEnv, request, scriptedRunner } from './linux-env.js';

const NOW = 1_700_000_000_000;
const LOGINCTL = 'loginctl show-user 1000 -p Display -p IdleHint -p IdleSinceHint';

test('logind: idle since the hint, active is 0 s, no Display is headless, junk is invalid', () => {
  const since = (NOW - 90_000) * 1000;
  assert.deepEqual(parseLoginctlUser(`Display=2\nIdleHint=yes\nIdleSinceHint=${since}\n`, NOW), {
    kind: 'idle',
    seconds: 90,
  });
  assert.deepEqual(parseLoginctlUser('Display=2\nIdleHint=no\nIdleSinceHint=0\n', NOW), {
    kind: 'idle',
    seconds: 0,
  });
  assert.deepEqual(parseLoginctlUser('Display=\nIdleHint=no\nIdleSinceHint=0\n', NOW), {
    kind: 'no-session',
  });
  assert.equal(parseLoginctlUser('whatever', NOW).kind, 'invalid');
  assert.equal(parseLoginctlUser('Display=2\nIdleHint=yes\nIdleSinceHint=soon\n', NOW).kind, 'invalid');
});

test('xprintidle milliseconds', () => {
  assert.deepEqual(parseXprintidle('4200\n'), { kind: 'idle', seconds: 4.2 });
  assert.equal(parseXprintidle("couldn't open display").kind, 'invalid');
});

test('with a display, the X screensaver extension is asked first', async () => {
  const exec = scriptedRunner({ xprintidle: { stdout: '12000\n' } });
  const reading = await createUserIdleCollector(linuxEnv({ exec, now: () => NOW }), {
    uid: 1000,
    display: ':0',
  }).collect(request());
  assert.deepEqual(reading, { status: 'ok', value: { userIdleSeconds: 12 }, at: NOW });
  assert.deepEqual(exec.calls, ['xprintidle']);
});

test('without xprintidle, logind answers; a headless machine is absent', async () => {
  const since = (NOW - 30_000) * 1000;
  const desktop = scriptedRunner({
    [LOGINCTL]: { stdout: `Display=c2\nIdleHint=yes\nIdleSinceHint=${since}\n` },
  });
  const reading = await createUserIdleCollector(linuxEnv({ exec: desktop, now: () => NOW }), {
    uid: 1000,
    display: ':0',
  }).collect(request());
  assert.deepEqual(reading, { status: 'ok', value: { userIdleSeconds: 30 }, at: NOW });

  const headless = scriptedRunner({ [LOGINCTL]: { stdout: 'Display=\nIdleHint=no\nIdleSinceHint=0\n' } });
  const none = await createUserIdleCollector(linuxEnv({ exec: headless }), {
    uid: 1000,
    display: null,
  }).collect(request());
  assert.deepEqual(none, {
    status: 'absent',
    reason: 'not-present',
    detail: 'no desktop session (headless)',
  });

  const noSystemd = scriptedRunner({
    [LOGINCTL]: {
      exitCode: 1,
      stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.\n",
    },
  });
  const container = await createUserIdleCollector(linuxEnv({ exec: noSystemd }), {
    uid: 1000,
    display: null,
  }).collect(request());
  assert.equal(container.status === 'absent' && container.reason, 'not-present');

  const missing = await createUserIdleCollector(linuxEnv(), { uid: 1000, display: null }).collect(request());
  assert.deepEqual(missing, {
    status: 'absent',
    reason: 'not-present',
    detail: 'no logind (loginctl not installed)',
  });
});
