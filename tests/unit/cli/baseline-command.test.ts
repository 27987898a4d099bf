import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../../main/cli.js';
import { BaselinePins } from '../../../main/baseline/index.js';
import { openHistoryStore } from '../../../main/store/history-store.js';
import { recordingIo, tempDir } from '../../helpers.js';
import { makeSample } from '../store/sample-factory.js';

test('idlewatt baseline learns from stored history, and --set pins the last minute', async (t) => {
  const dir = tempDir(t);
  const end = Date.now();
  const store = await openHistoryStore({ dataDir: dir, rawDays: 7, rollupDays: 90 });
  // 40 idle minutes at 6 W, then the last two at 6.5 W.
  for (let at = end - 42 * 60_000; at <= end; at += 5000) {
    const watts = at > end - 2 * 60_000 ? 6.5 : 6;
    store.append(makeSample({ at, power: { systemWatts: watts, packageWatts: watts - 1 } }));
  }
  await store.close();

  const io = recordingIo();
  assert.equal(await main(['baseline', '--data-dir', dir], io), 0, io.stderr.join('\n'));
  const text = io.stdout.join('\n');
  assert.match(text, /^Now 0\.50 W above your idle baseline\.$/m);
  assert.match(
    text,
    /^Idle baseline 6\.0 W, learned from \d+ min of idle time, on battery, power-supply-discharge\.$/m,
  );

  const set = recordingIo();
  assert.equal(await main(['baseline', '--set', '--data-dir', dir, '--format', 'json'], set), 0);
  const state = JSON.parse(set.stdout.join('\n'));
  assert.equal(state.current.kind, 'pinned');
  assert.equal(state.current.systemWatts, 6.5);
  assert.equal(new BaselinePins(dir).list()[0]!.systemWatts, 6.5, 'a running monitor reads the same file');

  const both = recordingIo();
  assert.equal(await main(['baseline', '--set', '--clear', '--data-dir', dir], both), 2);
  assert.match(both.stderr.join('\n'), /either --set or --clear/);
});
