/**
 * The soak, scaled to one simulated day (about 6 s here): 17,281 samples of the six-service stack with
 * alerts firing and clearing every hour, through the real sampler, alert engine and history store.
 * Memory stays flat beyond the ring buffer, retention deletes exactly the expired segments, and the
 * report over what is kept matches the script. The full seven days run with `npm run test:soak`
 * (tests/soak/run.ts), with the same checks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSoakChild } from './soak-run.js';
import { soakProblems } from './soak-replay.js';

test(
  'one simulated day of 5 s samples: flat memory, exact retention, a report that matches the script',
  { timeout: 120_000 },
  () => {
    // Six hours of raw samples and 0.4 days of rollups: both retentions expire something within the day.
    const result = runSoakChild({ days: 1, rawDays: 0.25, rollupDays: 0.4 });
    assert.deepEqual(soakProblems(result), []);
    assert.equal(result.ticks, 17_281);
    assert.equal(result.rawFiles.kept.length, 7, 'six hours of hourly segments plus the one in progress');
    assert.deepEqual(result.rollupDays.kept, ['2025-01-07'], 'the first calendar day of rollups expired');
    assert.ok(
      result.alertsExpected.length < result.events.fired + result.events.cleared,
      'old alerts expired',
    );
  },
);
