// The popover's browser tests, written against any backend (a function returning {url, close}):
// the fake backend runs them here; the real headless monitor can run the same suite.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HTTP_ROUTES } from '../../main/contract/http.js';
import { REPO_ROOT } from '../helpers.js';
import { seriousAxeViolations } from './axe.js';
import { findChromium, launchChromium, NO_CHROMIUM_REASON } from './browser.js';
import type { Backend, Scenario, StartBackend } from './fake-backend.js';

const RESULTS = join(REPO_ROOT, 'test-results');

interface Opened {
  page: Page;
  context: BrowserContext;
  errors: string[];
}

async function openPopover(
  browser: Browser,
  backend: Backend,
  options: { width?: number; dark?: boolean } = {},
): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 420, height: 640 },
    colorScheme: options.dark ? 'dark' : 'light',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(backend.url);
  await page.waitForFunction(() => Boolean((globalThis as any).idlewattUi));
  await page.evaluate(() => (globalThis as any).idlewattUi!.ready);
  return { page, context, errors };
}

/** Non-transparent pixels in the power chart's plot area. */
async function drawnPixels(page: Page): Promise<number> {
  return page.$eval('.chart-box canvas', (canvas) => {
    const c = canvas as any;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count += 1;
    return count;
  });
}

/** A promise that rejects with `message` after `ms`, so a request that never comes fails the test. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e.textContent ?? '').trim());

const DAY = 24 * 3600_000;

/**
 * Presses Tab through the page's keyboard stops (up to `max`) and names those whose focus ring is
 * missing or cut off by an ancestor that clips its overflow.
 */
async function focusRingProblems(page: Page, max: number): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const found = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const el = doc.activeElement;
      if (!el || el === doc.body) return null;
      const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent ?? '').trim().slice(0, 20)}"`;
      const style = (globalThis as any).getComputedStyle(el);
      const width = parseFloat(style.outlineWidth) || 0;
      if (style.outlineStyle === 'none' || width === 0) return { name, problem: 'no focus ring' };
      const grow = width + (parseFloat(style.outlineOffset) || 0);
      const r = el.getBoundingClientRect();
      const ring = { left: r.left - grow, top: r.top - grow, right: r.right + grow, bottom: r.bottom + grow };
      for (let a = el.parentElement; a && a !== doc.body; a = a.parentElement) {
        const s = (globalThis as any).getComputedStyle(a);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        const b = a.getBoundingClientRect();
        const left = b.left + a.clientLeft;
        const top = b.top + a.clientTop;
        const cut =
          ring.left < left - 0.5 ||
          ring.top < top - 0.5 ||
          ring.right > left + a.clientWidth + 0.5 ||
          ring.bottom > top + a.clientHeight + 0.5;
        if (cut) return { name, problem: `focus ring clipped by ${a.tagName.toLowerCase()}.${a.className}` };
      }
      return { name, problem: null };
    });
    if (!found || seen.has(found.name)) continue;
    seen.add(found.name);
    if (found.problem) problems.push(`${found.name}: ${found.problem}`);
  }
  return problems;
}

/**
 * `readmeScreenshot`: also refresh assets/screenshots/popover-light.png (the README's picture), but
 * only under `npm run screenshots` (IDLEWATT_UPDATE_SCREENSHOTS=1): tests never change tracked files.
 */
export function definePopoverSuite(
  name: string,
  start: StartBackend,
  options: {
    readmeScreenshot?: boolean;
    /** The live header's figures, where the backend's are known: big number and the one beside it. */
    header?: { label: string; watts: string; secondary: string };
    /** The backend's day of history holds Ollama inferences (the fake backend's synthetic day does). */
    inferencesInHistory?: boolean;
  } = {},
): void {
  const chromium = findChromium();
  if (!chromium) console.log(`${name} popover tests skipped: ${NO_CHROMIUM_REASON}`);
  const skip = chromium ? false : NO_CHROMIUM_REASON;
  const suffix =
    '-' +
    name
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/-+$/, '')
      .toLowerCase();

  async function withBackend(
    t: { skip(reason: string): void },
    scenario: Scenario,
    body: (backend: Backend, browser: Browser) => Promise<void>,
  ): Promise<void> {
    const backend = await start(scenario);
    if (!backend) {
      const reason = `the ${name} backend cannot produce the '${scenario}' state`;
      console.log(`skipped: ${reason}`);
      t.skip(reason);
      return;
    }
    const browser = await launchChromium(chromium!);
    try {
      await body(backend, browser);
    } finally {
      await browser.close();
      await backend.close();
    }
  }

  test(`${name}: header, chart, services, live updates and screenshots`, { skip }, async (t) => {
    await withBackend(t, 'live', async (backend, browser) => {
      const { page, errors } = await openPopover(browser, backend);
      assert.match(await text(page, '#system-watts'), /^\d+\.\d W$/);
      if (options.header) {
        // Both figures side by side, each named: the whole machine and the SoC package.
        await page
          .waitForFunction(
            (want) =>
              ((globalThis as any).document.getElementById('secondary-watts')?.textContent ?? '')
                .trim()
                .replace(/^\u00b7\s*/, '') === want,
            options.header.secondary,
            { timeout: 15_000 },
          )
          .catch(async () => {
            throw new Error(
              `the header shows '${await text(page, '#headline-label')} ${await text(page, '#system-watts')}' beside '${await text(page, '#secondary-watts')}', not '${options.header!.secondary}'`,
            );
          });
        assert.equal(await text(page, '#system-watts'), options.header.watts);
        assert.equal(await text(page, '#headline-label'), options.header.label);
      }
      assert.match(await text(page, '.header .source'), /measured|estimated/);
      assert.match(await text(page, '#thermal-badge'), /(Nominal|Fair|Serious|Critical|Unknown)$/);
      assert.match(await text(page, '#battery'), /^(Battery \d+ %|No battery)/);
      assert.match(await text(page, '#idle-state'), /^Stack (idle|active)/);
      // Today's idle waste in Wh and battery time (on battery with a known full charge), or unknown.
      await page.waitForSelector('#header-waste:not([hidden])', { timeout: 15_000 });
      assert.match(
        await text(page, '#header-waste .waste-text'),
        /^Idle waste today: (unknown|\d+(\.\d+)? Wh( \u2248 \d.* of battery| \u00b7 battery time unknown)?( \u00b7 \u2248 [^\u00b7]+)?( \u00b7 .+ \u2248 \d+(\.\d+)? Wh)?)$/,
      );
      assert.match(
        (await page.getAttribute('#header-waste', 'title')) ?? '',
        /while the stack was idle|No whole-machine/,
      );
      await page.waitForFunction(
        () => /CPU/.test((globalThis as any).document.getElementById('self-cost')?.textContent ?? ''),
        undefined,
        { timeout: 15_000 },
      );
      assert.match(
        await text(page, '#self-cost'),
        /^IdleWatt itself: (\d+(\.\d)? %|—) CPU · \d+(\.\d)? (MB|GB)( · powermetrics: (not running|(\d+(\.\d)? %|—) CPU · \d+(\.\d)? (MB|GB)))?$/,
        "the footer shows IdleWatt's own measured cost",
      );

      await page.waitForFunction(() => ((globalThis as any).idlewattUi?.chartPointCount() ?? 0) > 1);
      assert.ok((await drawnPixels(page)) > 500, 'the power chart drew its lines');
      assert.match(
        await text(page, '.legend .l-system'),
        /^system \([\w-]+\)$/,
        'the system line names its source',
      );
      assert.match((await page.getAttribute('.chart-box canvas', 'aria-label')) ?? '', /now \d+\.\d W, peak/);

      const rows = await page.$$eval('.svc-row', (trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll('th, td')).map((c: any) => (c.textContent ?? '').trim()),
        ),
      );
      assert.ok(rows.length > 0, 'at least one running service');
      for (const [nameCell, cpu, memory, status, watts] of rows) {
        assert.ok(nameCell!.length > 0);
        assert.match(cpu!, /^(\d+(\.\d)? %|—)$/);
        assert.match(memory!, /^(\d+(\.\d)? (MB|GB)|—)$/);
        assert.match(
          status!,
          /^(Active|Loaded|Idle \(no models\)|Idle)$/,
          "the Status column uses the plan's words",
        );
        assert.match(watts!, /^(\u2248 \d+\.\d|—)$/);
      }

      // Each running row draws its CPU over the last 15 minutes, described in words.
      await page.waitForSelector('.svc-row canvas.row-spark:not([hidden])', { timeout: 15_000 });
      assert.match(
        (await page.getAttribute('.svc-row canvas.row-spark:not([hidden])', 'aria-label')) ?? '',
        /CPU, last 15 minutes: from \d+(\.\d)? % to \d+(\.\d)? %, now \d+(\.\d)? %$/,
      );
      // A culprit's row says why in one line with its numbers.
      for (const why of await page.$$eval('.svc-why:not([hidden]) .why-text', (els) =>
        els.map((e) => e.textContent ?? ''),
      )) {
        assert.match(
          why,
          /^(\d+(\.\d)? % CPU( over 15 min)?, )?(no requests (seen|for .+)|a request just now)/,
        );
      }

      // Live figures change every tick: inside a live region a screen reader would read them all out.
      assert.equal(
        await page.$$eval('#system-watts, #idle-state, .svc-row td', (els) =>
          els.some((e) => e.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]')),
        ),
        false,
        'live figures sit outside live regions',
      );

      if (options.readmeScreenshot) {
        // The README's picture shows measured service CPU: CPU % needs a second tick of process times.
        await page.waitForFunction(
          () =>
            Array.from((globalThis as any).document.querySelectorAll('.svc-row td') as ArrayLike<any>).some(
              (td) => /\d %$/.test((td.textContent ?? '').trim()),
            ),
          undefined,
          { timeout: 15_000 },
        );
      }
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `popover-light-420${suffix}.png`) });
      if (options.readmeScreenshot && process.env.IDLEWATT_UPDATE_SCREENSHOTS === '1') {
        copyFileSync(
          join(RESULTS, `popover-light-420${suffix}.png`),
          join(REPO_ROOT, 'assets/screenshots/popover-light.png'),
        );
      }

      // A live sample arrives over the stream.
      const firstAt = await page.getAttribute('#app', 'data-sample-at');
      await page.waitForFunction(
        (at) => (globalThis as any).document.getElementById('app')!.dataset.sampleAt !== at,
        firstAt,
        {
          timeout: 15_000,
        },
      );

      // Sorting and expanding a row (sparkline from the service's history, pids, ports).
      await page.click('button[data-sort="name"]');
      assert.equal(await page.getAttribute('th:has(button[data-sort="name"])', 'aria-sort'), 'ascending');
      const names = await page.$$eval('.svc-row .svc-name', (els) => els.map((e) => e.textContent ?? ''));
      assert.deepEqual(
        names,
        [...names].sort((a, b) => a.localeCompare(b)),
      );
      await page.click('.svc-row .expander');
      await page.waitForSelector('.svc-detail:not([hidden]) canvas.spark[data-points]');
      assert.match(await text(page, '.svc-detail:not([hidden]) .facts'), /PIDs .*Ports/);
      // A probe line cut short in the row is whole in the details.
      const ollama = page.locator('.svc-row', { hasText: 'Ollama' });
      if ((await ollama.count()) > 0 && /model/.test((await ollama.textContent()) ?? '')) {
        await ollama.locator('.expander').click();
        await page.waitForFunction(() =>
          [...(globalThis as any).document.querySelectorAll('.svc-detail:not([hidden]) .facts')].some(
            (e: any) => /Status \d+ models? loaded/.test(e.textContent),
          ),
        );
      }

      // The 24 h range fetches a longer window.
      await page.click('button[data-range="24h"]');
      await page.waitForFunction(() => ((globalThis as any).idlewattUi?.chartPointCount() ?? 0) > 200);
      // The legend names every line and marker; the request ticks under the axis are named where the
      // range holds requests (a day of this stack does), the inference dots where it holds inferences.
      const legend = await page.$$eval('.legend .legend-item', (items) =>
        items.map((i: any) => ({ name: (i.textContent ?? '').trim(), off: i.classList.contains('off') })),
      );
      for (const name of ['cpu', 'gpu', 'ANE', 'idle', 'requests', 'inferences', 'alert']) {
        assert.ok(
          legend.some((l) => l.name === name),
          `the legend names ${name}: ${JSON.stringify(legend)}`,
        );
      }
      assert.equal(
        legend.find((l) => l.name === 'requests')!.off,
        false,
        'requests are marked in the 24 h range',
      );
      if (options.inferencesInHistory) {
        assert.equal(
          legend.find((l) => l.name === 'inferences')!.off,
          false,
          'inferences are marked in the 24 h range',
        );
      }

      // 7 d then straight back to 24 h: the slower 7 d answer (three points here) must not land on
      // the 24 h chart.
      let weekServed!: () => void;
      const served = new Promise<void>((resolve) => (weekServed = resolve));
      // The renderer's range query, wherever the contract puts it.
      const historyUrl = (url: URL) => url.pathname === HTTP_ROUTES.getHistory.path;
      await page.route(historyUrl, async (route) => {
        const url = new URL(route.request().url());
        const to = Number(url.searchParams.get('to'));
        if (to - Number(url.searchParams.get('from')) <= 2 * DAY) return route.continue();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const point = (at: number) => ({
          at,
          systemWatts: 5,
          systemWattsMin: 5,
          systemWattsMax: 5,
          cpuWatts: null,
          gpuWatts: null,
          packageWatts: null,
          cpuTempCelsius: null,
          thermalLevel: 0,
          stackIdle: false,
          activeServices: [],
          gap: false,
        });
        await route.fulfill({ json: [point(to - 3 * DAY), point(to - 2 * DAY), point(to - DAY)] });
        weekServed();
      });
      await page.click('button[data-range="7d"]');
      await page.click('button[data-range="24h"]');
      await withTimeout(served, 15_000, 'the 7 d history request never reached the route');
      await page.waitForTimeout(300);
      assert.ok(
        (await page.evaluate(() => (globalThis as any).idlewattUi.chartPointCount())) > 200,
        'the 24 h chart kept its own points',
      );
      await page.unroute(historyUrl);
      await page.click('button[data-range="15m"]');

      // Who used the watts: the same range as a stack of the services' estimates and the rest.
      await page.click('button[data-chart-mode="services"]');
      assert.equal(await page.getAttribute('button[data-chart-mode="services"]', 'aria-pressed'), 'true');
      await page.waitForFunction(
        () => ((globalThis as any).document.getElementById('stack-basis')?.textContent ?? '') !== '',
        undefined,
        { timeout: 15_000 },
      );
      assert.equal(await page.isVisible('#attribution-chart'), true);
      assert.equal(await page.isVisible('.legend .l-system'), false, 'the line chart steps aside');
      const basis = await text(page, '#stack-basis');
      if (!/^Nothing measured/.test(basis)) {
        assert.match(
          basis,
          /^Adds up to the measured (system power \(whole machine\)|SoC power|package power); the split between services is an estimate/,
        );
        await page.waitForSelector('#attribution-chart [data-layer="rest"]');
        assert.ok((await page.$$('#attribution-chart [data-layer]')).length >= 2, 'services and the rest');
        assert.match(
          (await page.getAttribute('#attribution-chart canvas', 'aria-label')) ?? '',
          /^Who used the power over the last 15 m, on average: .*rest of system \u2248 \d+\.\d W; together \d+\.\d W of measured .* The split between services is an estimate\.$/,
        );
        const stacked = await page.$eval('#attribution-chart canvas', (canvas) => {
          const c = canvas as any;
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let count = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count += 1;
          return count;
        });
        assert.ok(stacked > 2000, `the stacked areas are drawn (${stacked} px)`);
      }
      await page.screenshot({ path: join(RESULTS, `popover-stacked-420${suffix}.png`) });
      if (options.readmeScreenshot && process.env.IDLEWATT_UPDATE_SCREENSHOTS === '1') {
        copyFileSync(
          join(RESULTS, `popover-stacked-420${suffix}.png`),
          join(REPO_ROOT, 'assets/screenshots/popover-stacked.png'),
        );
      }
      assert.deepEqual(await seriousAxeViolations(page), [], 'axe: the stacked chart view (light)');
      await page.click('button[data-chart-mode="lines"]');
      assert.equal(await page.isVisible('#attribution-chart'), false);
      assert.deepEqual(await seriousAxeViolations(page), [], 'axe: the overview (light)');

      assert.deepEqual(errors, []);

      const dark = await openPopover(browser, backend, { dark: true });
      await dark.page.waitForFunction(() => ((globalThis as any).idlewattUi?.chartPointCount() ?? 0) > 1);
      await dark.page.screenshot({ path: join(RESULTS, `popover-dark-420${suffix}.png`) });
      assert.deepEqual(await seriousAxeViolations(dark.page), [], 'axe: the overview (dark)');
      const narrow = await openPopover(browser, backend, { width: 360 });
      await narrow.page.waitForFunction(() => ((globalThis as any).idlewattUi?.chartPointCount() ?? 0) > 1);
      const overflow = await narrow.page.evaluate(
        () => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth,
      );
      assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (overflow ${overflow} px)`);
      await narrow.page.screenshot({ path: join(RESULTS, `popover-light-360${suffix}.png`) });
      assert.deepEqual(await seriousAxeViolations(narrow.page), [], 'axe: the overview at 360 px');
      assert.deepEqual([...dark.errors, ...narrow.errors], []);
    });
  });

  test(
    `${name}: keyboard tabs, alerts with snooze, idle analysis, thermal and compare`,
    { skip },
    async (t) => {
      await withBackend(t, 'live', async (backend, browser) => {
        const { page, errors } = await openPopover(browser, backend);
        await page.focus('#tab-overview');
        assert.deepEqual(
          await focusRingProblems(page, 30),
          [],
          'every keyboard stop shows its whole focus ring',
        );
        await page.focus('#tab-overview');
        await page.keyboard.press('ArrowRight');
        assert.equal(await page.getAttribute('#tab-idle', 'aria-selected'), 'true');
        assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.id), 'tab-idle');
        await page.waitForFunction(
          () =>
            !(globalThis as any).document.getElementById('idle-totals')?.textContent?.startsWith('Loading'),
        );
        assert.match(await text(page, '#idle-totals'), /Wh used while idle today/);
        assert.equal(
          await text(page, '#idle-waste .waste-text'),
          await text(page, '#header-waste .waste-text'),
          'the Idle tab leads with the same waste line as the header',
        );
        const unload = await page.$('button[data-action="unload-ollama"]');
        if (unload) {
          await unload.click();
          await page.waitForFunction(
            () =>
              !/^Asking/.test(
                (globalThis as any).document.getElementById('idle-action-status')?.textContent ?? 'Asking',
              ),
          );
          assert.ok((await text(page, '#idle-action-status')).length > 0);
        }
        // A recommendation to lower OLLAMA_KEEP_ALIVE hands over the command, shown whole.
        const copy = await page.$('button[data-action="copy-command"]');
        if (copy) {
          assert.match(await text(page, '.recommendations code.command'), /OLLAMA_KEEP_ALIVE/);
          await copy.click();
          await page.waitForFunction(() =>
            /copied|selected/.test(
              (globalThis as any).document.getElementById('idle-action-status')?.textContent ?? '',
            ),
          );
        }
        // After a fix: the last hour against the hour before, in the Compare tab.
        if (await page.isVisible('#compare-after-fix')) {
          await page.click('#compare-after-fix');
          assert.equal(await page.getAttribute('#tab-compare', 'aria-selected'), 'true');
          assert.equal(await page.inputValue('#compare-preset'), 'hour-vs-previous');
          await page.waitForSelector('#compare-verdict');
          await page.click('#tab-idle');
        }
        assert.deepEqual(await seriousAxeViolations(page), [], 'axe: the Idle tab (light)');
        mkdirSync(RESULTS, { recursive: true });
        await page.screenshot({ path: join(RESULTS, `popover-idle-420${suffix}.png`), fullPage: true });
        if (options.readmeScreenshot && process.env.IDLEWATT_UPDATE_SCREENSHOTS === '1') {
          copyFileSync(
            join(RESULTS, `popover-idle-420${suffix}.png`),
            join(REPO_ROOT, 'assets/screenshots/popover-idle.png'),
          );
        }

        await page.focus('#tab-idle');
        await page.keyboard.press('ArrowRight');
        await page.waitForSelector('#thermal-facts dt');
        assert.match(await text(page, '#thermal-now'), /Nominal|Fair|Serious|Critical|Unknown/);

        await page.click('#tab-alerts');
        await page.waitForSelector('#alert-list li');
        const items = await page.$$('#alert-list .alert-item');
        assert.ok(items.length > 0, 'recent alerts are listed');
        // Samples keep arriving; a keyboard user's focus on an alert's button must survive them.
        await page.focus('#alert-list .alert-item button');
        const focusedAlert = await page.evaluate(
          () => (globalThis as any).document.activeElement?.closest('li')?.dataset.alert,
        );
        const sampleAt = await page.getAttribute('#app', 'data-sample-at');
        await page.waitForFunction(
          (at) => (globalThis as any).document.getElementById('app')!.dataset.sampleAt !== at,
          sampleAt,
          { timeout: 15_000 },
        );
        assert.equal(
          await page.evaluate(() => (globalThis as any).document.activeElement?.closest('li')?.dataset.alert),
          focusedAlert,
          'focus stayed on the alert after a sample',
        );
        await page.selectOption('#snooze-rule', 'all');
        await page.click('.snooze-bar button:has-text("1 h")');
        await page.waitForFunction(() =>
          /^Snoozed: All alerts until \d\d:\d\d$/.test(
            (globalThis as any).document.getElementById('snooze-status')?.textContent ?? '',
          ),
        );

        await page.click('#tab-compare');
        await page.selectOption('#compare-preset', 'hour-vs-yesterday');
        await page.click('#compare-run');
        await page.waitForSelector('#compare-verdict');
        assert.ok((await text(page, '#compare-verdict')).length > 10);
        assert.ok((await page.$$('#compare-table tbody tr')).length > 0);
        await page.selectOption('#compare-preset', 'custom');
        await page.fill('#after-from', '');
        await page.click('#compare-run');
        assert.equal(await text(page, '#compare-error'), 'The after window needs a start and an end.');
        assert.deepEqual(errors, []);
      });
    },
  );

  test(`${name}: settings round-trip, validation errors and focus-service`, { skip }, async (t) => {
    await withBackend(t, 'live', async (backend, browser) => {
      const { page, errors } = await openPopover(browser, backend);
      await page.click('#tab-settings');
      const field = '#f-alerts-idlePower-warning';
      const before = Number(await page.inputValue(field));
      const next = before === 7.5 ? 6.5 : 7.5;
      await page.fill(field, 'seven');
      await page.click('#settings-save');
      assert.equal(await text(page, '#f-alerts-idlePower-warning-error'), 'must be a number');
      assert.equal(await page.getAttribute(field, 'aria-invalid'), 'true');
      await page.fill(field, String(next));
      await page.click('#settings-save');
      await page.waitForFunction(
        () => (globalThis as any).document.getElementById('settings-status')?.textContent === 'Saved',
      );
      await page.reload();
      await page.evaluate(() => (globalThis as any).idlewattUi!.ready);
      await page.click('#tab-settings');
      assert.equal(Number(await page.inputValue(field)), next, 'the threshold survived a reload');
      assert.equal(await page.isVisible('#f-launchAtLogin'), false, 'launch at login is app-only');
      assert.match(await text(page, '#api-token-note'), /api-token/);

      // A service with no port, process or pattern is refused next to its editor.
      await page.click('#settings-add-service');
      await page.fill('.service-editor:last-of-type input[data-field$=".name"]', 'Scratch');
      await page.click('#settings-save');
      const count = await page.$$eval('.service-editor', (e) => e.length);
      assert.match(await text(page, `#f-services-${count - 1}--error`), /needs at least one port/);

      await page.evaluate(() =>
        (globalThis as any).dispatchEvent(
          new (globalThis as any).CustomEvent('idlewatt:focus-service', { detail: 'ollama' }),
        ),
      );
      assert.equal(await page.getAttribute('#tab-overview', 'aria-selected'), 'true');
      await page.waitForSelector('tr[data-service="ollama"].open');
      assert.equal(
        await page.evaluate(() => (globalThis as any).document.activeElement?.closest('tr')?.dataset.service),
        'ollama',
      );
      assert.deepEqual(errors, []);
    });
  });

  test(`${name}: first run shows designed empty states`, { skip }, async (t) => {
    await withBackend(t, 'first-run', async (backend, browser) => {
      const { page } = await openPopover(browser, backend);
      await page.waitForSelector('[data-banner="first-run"]');
      assert.match(await text(page, '[data-banner="first-run"]'), /Collecting the first samples/);
      assert.equal(await text(page, '#system-watts'), '—');
      assert.match(await text(page, '#services-empty'), /Waiting for the first sample/);
      assert.match((await page.getAttribute('.chart-box canvas', 'aria-label')) ?? '', /no data/);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'state-first-run.png') });
      // The first sample replaces the empty states.
      backend.releaseSamples?.();
      await page.waitForSelector('.svc-row', { timeout: 15_000 });
      assert.match(await text(page, '#system-watts'), /^\d+\.\d W$/);
      assert.equal(await page.$('[data-banner="first-run"]'), null);
    });
  });

  test(`${name}: power permission and a failing collector`, { skip }, async (t) => {
    await withBackend(t, 'permission-needed', async (backend, browser) => {
      const { page } = await openPopover(browser, backend);
      await page.waitForSelector('[data-banner="permission"] button');
      assert.match(
        await text(page, '[data-banner="collector-nvidia-smi"]'),
        /nvidia-smi.*failing.*driver not loaded/,
      );
      assert.match(await text(page, '.header .source'), /no power reading/);
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, 'state-permission.png') });
      await page.click('[data-banner="permission"] button');
      await page.waitForFunction(
        () => !(globalThis as any).document.querySelector('[data-banner="permission"] button'),
      );
    });
  });

  test(`${name}: no services configured`, { skip }, async (t) => {
    await withBackend(t, 'no-services', async (backend, browser) => {
      const { page } = await openPopover(browser, backend);
      await page.waitForSelector('#services-empty:not([hidden])');
      assert.match(await text(page, '#services-empty'), /No services configured/);
      await page.click('#services-empty button');
      assert.equal(await page.getAttribute('#tab-settings', 'aria-selected'), 'true');
    });
  });

  test(
    `${name}: the backend going away is shown, and the page recovers state on retry`,
    { skip },
    async (t) => {
      await withBackend(t, 'live', async (backend, browser) => {
        const { page } = await openPopover(browser, backend);
        await backend.close();
        await page.waitForSelector('[data-banner="backend-down"]', { timeout: 15_000 });
        assert.match(
          await text(page, '[data-banner="backend-down"]'),
          /Connection to the monitor lost|unreachable/,
        );
        await page.click('[data-banner="backend-down"] button');
        await page.waitForFunction(() =>
          /unreachable/.test(
            (globalThis as any).document.querySelector('[data-banner="backend-down"]')?.textContent ?? '',
          ),
        );
        mkdirSync(RESULTS, { recursive: true });
        await page.screenshot({ path: join(RESULTS, 'state-backend-down.png') });
      });
    },
  );
}
