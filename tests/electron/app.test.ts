import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { REPO_ROOT } from '../helpers.js';
import { electronAvailability, electronSkipReason } from './electron.js';

const skip = electronSkipReason();

test('the app starts and its popover window loads the renderer', { skip }, async () => {
  const availability = electronAvailability();
  assert.ok('binary' in availability);
  const app = await electron.launch({
    executablePath: availability.binary,
    args: [join(REPO_ROOT, 'dist/main.cjs')],
    env: { ...process.env, IDLEWATT_TEST: '1' },
  });
  try {
    const window = await app.firstWindow();
    await window.waitForSelector('#app');
    assert.match(await window.title(), /IdleWatt/);
  } finally {
    await app.close();
  }
});
