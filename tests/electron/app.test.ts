import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { electronAvailability, electronSkipReason } from './electron.js';

const skip = electronSkipReason();

test('the app starts and its popover window loads the renderer', { skip }, async (t) => {
  const availability = electronAvailability();
  assert.ok('binary' in availability);
  const app = await electron.launch({
    executablePath: availability.binary,
    args: [
      join(REPO_ROOT, 'dist/main.cjs'),
      '--replay',
      join(REPO_ROOT, 'tests/fixtures/replay/darwin-m4max-stack'),
    ],
    // Its own data folder: its own single-instance lock, whatever else runs.
    env: {
      ...process.env,
      IDLEWATT_TEST: '1',
      IDLEWATT_DATA_DIR: tempDir(t, 'idlewatt-electron-'),
      IDLEWATT_API_PORT: '0',
    },
  });
  try {
    const window = await app.firstWindow();
    await window.waitForSelector('#app');
    assert.match(await window.title(), /IdleWatt/);
  } finally {
    await app.close();
  }
});
