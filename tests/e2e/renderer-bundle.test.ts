import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers.js';
import { findChromium, launchChromium, NO_CHROMIUM_REASON } from './browser.js';

const chromiumPath = findChromium();

test(
  'the built renderer bundle loads in Chromium under its CSP',
  { skip: chromiumPath ? false : NO_CHROMIUM_REASON },
  async () => {
    const browser = await launchChromium(chromiumPath!);
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(pathToFileURL(join(REPO_ROOT, 'dist/renderer/index.html')).href);
      await page.waitForSelector('#app');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  },
);
