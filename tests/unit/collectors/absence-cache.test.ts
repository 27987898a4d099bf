import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absent, failed, ok } from '../../../main/contract/index.js';
import { rememberAbsence } from '../../../main/collectors/absence-cache.js';

test('a not-present answer is remembered for the recheck time; other answers are not', async () => {
  let t = 0;
  let calls = 0;
  const answers = [
    absent('not-present', 'no nvidia-smi'),
    failed('boom'),
    ok({ userIdleSeconds: 3 }, 0),
    absent('permission'),
  ];
  const collect = rememberAbsence(
    async () => answers[Math.min(calls++, answers.length - 1)]!,
    () => t,
    1000,
  );
  assert.equal((await collect()).status, 'absent');
  t = 999;
  assert.equal((await collect()).status, 'absent');
  assert.equal(calls, 1, 'remembered: not asked again');
  t = 1000;
  assert.equal((await collect()).status, 'error');
  assert.equal((await collect()).status, 'ok');
  assert.equal((await collect()).status, 'absent');
  assert.equal((await collect()).status, 'absent');
  assert.equal(calls, 5, 'errors, values and other absences are asked again every time');
});

test('a clock that goes backwards ends the remembered absence instead of stretching it', async () => {
  let t = 1_000_000;
  let calls = 0;
  const collect = rememberAbsence(
    async () => {
      calls++;
      return absent('not-present', 'no nvidia-smi');
    },
    () => t,
    1000,
  );
  await collect();
  t = 1_000_500;
  await collect();
  assert.equal(calls, 1);
  t = 1_000_000 - 86_400_000; // the wall clock was set back a day
  await collect();
  assert.equal(calls, 2, 'asked again after the jump back');
  t += 500;
  await collect();
  assert.equal(calls, 2, 'remembered again from the new clock');
  t += 500;
  await collect();
  assert.equal(calls, 3);
});
