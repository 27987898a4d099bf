// The popover against the real headless monitor on this machine's live data: whatever this machine
// has (here: no power source), the page says so instead of showing made-up numbers.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { startMonitor, writeSettings } from '../integration/monitor-process.js';
import { freePort, startBurner } from '../integration/burner.js';
import { seriousAxeViolations } from './axe.js';
import { findChromium, launchChromium, NO_CHROMIUM_REASON } from './browser.js';

const chromium = findChromium();
const skip = !chromium
  ? NO_CHROMIUM_REASON
  : process.platform !== 'linux'
    ? 'reads this machine’s /proc (Linux only)'
    : false;
if (skip) console.log(`live-machine popover test skipped: ${skip}`);

test(
  'the popover on this machine’s live data shows a running service, stopped ones, and power as measured or absent',
  { skip },
  async (t) => {
    const port = await freePort();
    const burner = await startBurner(port, 0.3);
    t.after(() => burner.kill());
    // A port of the test's own for the stopped service: this machine may well run Whisper on 11401.
    const stoppedPort = await freePort();
    const dataDir = tempDir(t);
    writeSettings(dataDir, (s) => {
      s.services = [
        { id: 'local-api', name: 'Local API', ports: [port], processNames: [] },
        { id: 'whisper', name: 'Whisper STT', ports: [stoppedPort], processNames: [] },
      ];
    });
    const monitor = await startMonitor(dataDir, ['--interval', '1']);
    t.after(() => monitor.stop());
    const browser = await launchChromium(chromium!);
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 420, height: 640 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(monitor.dashboardUrl);
    await page.waitForFunction(() => Boolean((globalThis as any).idlewattUi));
    await page.evaluate(() => (globalThis as any).idlewattUi.ready);
    // CPU % needs two ticks: wait until the running service shows a number.
    await page.waitForFunction(
      () => /\d %/.test((globalThis as any).document.querySelector('.svc-row td')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );
    const watts = (await page.textContent('#system-watts'))!.trim();
    const { body: latest } = await monitor.api('/api/sample/latest');
    if (latest.power.systemWatts === null) {
      assert.doesNotMatch(watts, /\d/, `no power source here, so no number (got '${watts}')`);
    } else {
      assert.match(watts, /^\d+\.\d W$/);
    }
    assert.match((await page.textContent('.svc-row .svc-name'))!, /Local API/);
    assert.match((await page.textContent('#stopped-services'))!, /Whisper STT — Stopped/);

    // The story at a glance, with this machine's figures: idle waste in Wh or 'unknown' (never 0 made
    // up), the running service's CPU trail, and the By service view built on what is measured here.
    await page.waitForSelector('#header-waste:not([hidden])', { timeout: 15_000 });
    const waste = (await page.textContent('#header-waste .waste-text'))!.trim();
    if (latest.power.systemWatts === null && latest.power.packageWatts === null) {
      assert.match(waste, /^Idle waste today: unknown/, 'no power source: the waste is unknown');
    } else {
      assert.match(waste, /^Idle waste today: (unknown|\d+(\.\d+)? Wh)/);
    }
    await page.waitForSelector('.svc-row canvas.row-spark:not([hidden])', { timeout: 15_000 });
    assert.match(
      (await page.getAttribute('.svc-row canvas.row-spark:not([hidden])', 'aria-label')) ?? '',
      /CPU, last 15 minutes: .* now \d+(\.\d)? %$/,
    );
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe: the overview on live data');
    await page.click('button[data-chart-mode="services"]');
    await page.waitForFunction(
      () => ((globalThis as any).document.getElementById('stack-basis')?.textContent ?? '') !== '',
      undefined,
      { timeout: 15_000 },
    );
    const basis = (await page.textContent('#stack-basis'))!.trim();
    if (latest.power.systemWatts === null && latest.power.packageWatts === null) {
      assert.match(basis, /^Nothing measured/, `no power source: nothing to split (got '${basis}')`);
    } else {
      assert.match(basis, /^Adds up to the measured .*; the split between services is an estimate/);
    }
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe: the By service view on live data');
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'popover-live-machine.png') });
    assert.deepEqual(errors, []);
  },
);
