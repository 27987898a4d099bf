import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { definePopoverSuite } from './popover-suite.js';
import { findChromium, launchChromium, NO_CHROMIUM_REASON } from './browser.js';
import { startFakeBackend } from './fake-backend.js';

// On first run the stream holds its first sample until the suite has checked the empty states.
definePopoverSuite(
  'fake backend',
  (scenario) => startFakeBackend({ scenario, holdSamples: scenario === 'first-run' }),
  { inferencesInHistory: true },
);

const chromiumPath = findChromium();

/** A live fake backend and a page in Chromium, both closed after the test; `prepare` runs before the page loads. */
async function openLivePage(t: TestContext, prepare?: (page: Page) => Promise<void>) {
  const backend = await startFakeBackend({ scenario: 'live' });
  t.after(() => backend.close());
  const browser = await launchChromium(chromiumPath!);
  t.after(() => browser.close());
  const page = await browser.newPage();
  await prepare?.(page);
  await page.goto(backend.url);
  return { backend, page };
}

test(
  'fake backend: a monitor notice that appears later (history not saved) is shown within 30 s',
  { skip: chromiumPath ? false : NO_CHROMIUM_REASON },
  async (t) => {
    const { backend, page } = await openLivePage(t, (p) => p.clock.install());
    await page.waitForFunction(() => Boolean((globalThis as any).idlewattUi));
    await page.evaluate(() => (globalThis as any).idlewattUi.ready);
    assert.equal(await page.locator('#banners', { hasText: 'ENOSPC' }).count(), 0);
    backend.notices = ['History: cannot save history: ENOSPC (no space left on device)'];
    await page.clock.runFor(31_000);
    await page.locator('#banners', { hasText: 'ENOSPC' }).waitFor({ timeout: 5000 });
  },
);

test(
  'fake backend: the expanded row shows traffic, who polls the service and how often, and Ollama’s inferences',
  { skip: chromiumPath ? false : NO_CHROMIUM_REASON },
  async (t) => {
    const { page } = await openLivePage(t);
    const next = page.locator('.svc-row', { hasText: 'Next.js dashboard' });
    await next.locator('.expander').click({ timeout: 15_000 });
    const facts = page.locator('.svc-detail:not([hidden]) .facts', { hasText: 'Requests, 5 min' });
    await facts.waitFor({ timeout: 15_000 });
    const text = (await facts.textContent()) ?? '';
    assert.match(text, /Management Console polls Next\.js dashboard every \u2248 2 s \(150 in 5 min\)/);
    assert.match(text, /Connections \d+ open/);
    assert.match(text, /Threads \d+/);
    assert.match(text, /Open files 40/);
    await page.locator('.svc-row', { hasText: 'Ollama' }).locator('.expander').click({ timeout: 15_000 });
    await page
      .locator('.svc-detail:not([hidden]) .facts', { hasText: /Inferences, 5 min \u2265 \d+/ })
      .waitFor({ timeout: 15_000 });
  },
);

test(
  "fake backend: a recommendation's snooze button silences that service's alerts for an hour, shown in both tabs",
  { skip: chromiumPath ? false : NO_CHROMIUM_REASON },
  async (t) => {
    const { backend, page } = await openLivePage(t);
    await page.click('#tab-idle', { timeout: 15_000 });
    const button = page.locator(
      '#recommendations li[data-service="ollama"] button[data-action="snooze-service"]',
    );
    assert.equal(await button.textContent({ timeout: 15_000 }), 'Snooze Ollama alerts for 1 h');
    await button.click({ timeout: 15_000 });
    await page
      .locator('#idle-action-status', { hasText: /^Ollama alerts snoozed until \d\d:\d\d\./ })
      .waitFor({ timeout: 15_000 });
    assert.ok(backend.requests.includes('POST /api/alerts/snooze'), backend.requests.join(', '));
    await page.click('#tab-alerts', { timeout: 15_000 });
    await page
      .locator('#snooze-status', { hasText: /^Snoozed: ollama alerts until \d\d:\d\d$/ })
      .waitFor({ timeout: 15_000 });
  },
);
