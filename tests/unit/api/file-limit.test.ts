import assert from 'node:assert/strict';
import { test } from 'node:test';
import { raiseFileLimit, readFileLimit, setSoftFileLimit } from '../../../main/api/file-limit.js';

const supported = process.platform === 'linux' || process.platform === 'darwin';
if (!supported) console.log(`file-limit test skipped: no RLIMIT_NOFILE on ${process.platform}`);

test('the soft open-file limit is raised to the hard limit', { skip: !supported }, () => {
  const start = readFileLimit();
  assert.ok(start, 'getrlimit is reachable through koffi');
  const hard = start.hard === 'unlimited' ? null : start.hard;
  if (hard !== null && hard <= 256) {
    console.log(`file-limit raise not exercised: the hard limit here is ${hard}`);
    return;
  }
  assert.ok(setSoftFileLimit(256), 'lowering the soft limit is always allowed');
  assert.equal(readFileLimit()!.soft, 256);
  const outcome = raiseFileLimit();
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.reason);
  assert.equal(outcome.before, 256);
  const after = readFileLimit()!;
  if (hard !== null) assert.equal(after.soft, hard);
  else assert.ok(after.soft > 256);
  assert.equal(outcome.after, after.soft);
});
