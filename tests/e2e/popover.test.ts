import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePopoverSuite } from './popover-suite.js';
import { findChromium, launchChromium, NO_CHROMIUM_REASON } from './browser.js';
import { startFakeBackend } from './fake-backend.js';

// On first run the stream's first sample comes after 4 s, leaving the empty state on screen long enough to check.
definePopoverSuite('fake backend', (scenario) =>
  startFakeBackend({ scenario, tickMs: scenario === 'first-run' ? 4000 : 1000 }),
);

const chromiumPath = findChromium();

test(
  'fake backend: a monitor notice that appears later (history not saved) is shown within 30 s',
  { skip: chromiumPath ? false : NO_CHROMIUM_REASON },
  async (t) => {
    const backend = await startFakeBackend({ scenario: 'live' });
    t.after(() => backend.close());
    const browser = await launchChromium(chromiumPath!);
    t.after(() => browser.close());
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(backend.url);
    await page.waitForFunction(() => Boolean((globalThis as any).idlewattUi));
    await page.evaluate(() => (globalThis as any).idlewattUi.ready);
    assert.equal(await page.locator('#banners', { hasText: 'ENOSPC' }).count(), 0);
    backend.notices = ['History: cannot save history: ENOSPC (no space left on device)'];
    await page.clock.runFor(31_000);
    await page.locator('#banners', { hasText: 'ENOSPC' }).waitFor({ timeout: 5000 });
  },
);
