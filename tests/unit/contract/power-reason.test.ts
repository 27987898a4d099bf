import assert from 'node:assert/strict';
import { test } from 'node:test';
import { humanPowerReason } from '../../../main/contract/power-reason.js';

test('collector reasons become one human line', () => {
  assert.equal(
    humanPowerReason('rapl: not-present: no powercap interface (no RAPL on this machine or kernel)'),
    'this machine has no power sensor IdleWatt can read',
  );
  assert.equal(
    humanPowerReason('rapl: permission: energy_uj is root-only; battery: not-present: no battery'),
    'power readings need permission',
  );
  assert.equal(humanPowerReason('rapl: warming-up'), 'measuring: the first power reading needs two samples');
  assert.equal(
    humanPowerReason('darwin-powermetrics: powermetrics exited with code 1'),
    'the power reading failed',
  );
  assert.equal(humanPowerReason(undefined), 'this machine has no power sensor IdleWatt can read');
});
