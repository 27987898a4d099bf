import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { defaultSettings } from '../../../main/contract/settings.js';
import { MIN_TICK_SPACING_MS, SamplerClock } from '../../../main/sampler/clock.js';
import { makeSample } from '../../sample-factory.js';

/** Runs a clock on mocked timers with a manual `now`, and returns the times its ticks started at. */
async function tickStarts(options: {
  dueAt?: (now: number) => number;
  runForMs: number;
  watchAfterFirst?: boolean;
}) {
  mock.timers.enable({ apis: ['setTimeout'] });
  let now = 0;
  const starts: number[] = [];
  const settings = defaultSettings();
  const clock = new SamplerClock({
    settings: () => settings,
    now: () => now,
    tick: async () => {
      starts.push(now);
      return makeSample({ at: now });
    },
    ...(options.dueAt ? { dueAt: () => options.dueAt!(now) } : {}),
  });
  try {
    clock.start(() => {});
    for (let elapsed = 0; elapsed <= options.runForMs; elapsed += 10) {
      now += 10;
      mock.timers.tick(10);
      await new Promise((resolve) => setImmediate(resolve));
      if (options.watchAfterFirst && starts.length === 1) clock.setWatched(true);
    }
  } finally {
    clock.stop();
    mock.timers.reset();
  }
  return starts;
}

test('live ticks start at least MIN_TICK_SPACING_MS apart, even when a watcher asks for one at once', async () => {
  const starts = await tickStarts({ runForMs: 3000, watchAfterFirst: true });
  assert.ok(starts.length >= 2, `ticks: ${starts.join(', ')}`);
  for (let i = 1; i < starts.length; i += 1) {
    assert.ok(starts[i]! - starts[i - 1]! >= MIN_TICK_SPACING_MS, `ticks: ${starts.join(', ')}`);
  }
});

test("a replay's catch-up (next tick already due) runs at full speed: its rates come from the recording", async () => {
  const starts = await tickStarts({ dueAt: (now) => now, runForMs: 500 });
  assert.ok(starts.length >= 20, `only ${starts.length} ticks in 500 ms of a due replay`);
});
