// Popover performance in Debian Chromium, measured with performance.now() inside the page:
//  - first paint with data: navigation start → the app's 'idlewatt:first-data' mark (target < 300 ms);
//  - a chart update with 720 points: setHistory + update('none') (target < 5 ms);
//  - the page's own CPU while hidden vs visible, from Chromium's TaskDuration metric (target: near zero).
// Serves the built renderer (run `node build/build.mjs` first) from the tests' fake backend, or from
// a running monitor with --url <dashboard URL with ?token=>. Prints one JSON object.
// Usage: node --import tsx bench/ui.bench.ts [--loads 10] [--updates 100] [--idle-seconds 5] [--url URL]
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';

/** The page's globals as the benchmark sees them (the bench is type-checked without DOM types). */
type PageGlobal = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
import { findChromium, launchChromium, NO_CHROMIUM_REASON } from '../tests/e2e/browser.js';
import { startFakeBackend } from '../tests/e2e/fake-backend.js';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '10' },
    updates: { type: 'string', default: '100' },
    'idle-seconds': { type: 'string', default: '5' },
    url: { type: 'string' },
  },
});

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const summary = (xs: number[]) => ({
  runs: xs.length,
  medianMs: Number(percentile(xs, 50).toFixed(2)),
  p95Ms: Number(percentile(xs, 95).toFixed(2)),
  maxMs: Number(Math.max(...xs).toFixed(2)),
});

async function taskSeconds(page: Page, cdp: { send(method: string): Promise<unknown> }): Promise<number> {
  void page;
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
}

const chromium = findChromium();
if (!chromium) {
  console.log(JSON.stringify({ skipped: NO_CHROMIUM_REASON }));
  process.exit(0);
}
const backend = values.url ? null : await startFakeBackend({ tickMs: 1000 });
const url = values.url ?? backend!.url;
const browser = await launchChromium(chromium);
try {
  const context = await browser.newContext({ viewport: { width: 420, height: 640 } });
  const page = await context.newPage();

  const firstPaint: number[] = [];
  for (let i = 0; i < Number(values.loads); i++) {
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as PageGlobal).idlewattUi);
    firstPaint.push(
      await page.evaluate(async () => {
        const g = globalThis as PageGlobal;
        await g.idlewattUi.ready;
        const mark = g.performance.getEntriesByName('idlewatt:first-data')[0];
        return mark ? mark.startTime : NaN;
      }),
    );
  }

  const chartUpdate: number[] = await page.evaluate((updates: number) => {
    const g = globalThis as PageGlobal;
    const now = Date.now();
    const times: number[] = [];
    // No named helper functions in here: tsx's keepNames would reference a __name the page lacks.
    for (let seed = 0; seed < updates + 5; seed++) {
      const points = [];
      for (let i = 0; i < 720; i++) {
        const w = 8 + Math.sin((i + seed) / 20) * 3;
        points.push({
          at: now - (720 - i) * 120_000,
          systemWatts: w,
          systemWattsMin: w - 0.5,
          systemWattsMax: w + 0.5,
          cpuWatts: w * 0.6,
          gpuWatts: 0.5,
          packageWatts: w * 0.9,
          cpuTempCelsius: 55,
          thermalLevel: 0,
          stackIdle: (i + seed) % 100 > 20,
          activeServices: (i + seed) % 100 < 5 ? ['ollama'] : [],
          gap: false,
        });
      }
      const ms = g.idlewattUi.renderChartPoints(points);
      if (seed >= 5) times.push(ms); // the first updates warm up the JIT
    }
    return times;
  }, Number(values.updates));

  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const seconds = Number(values['idle-seconds']);
  const visibleStart = await taskSeconds(page, cdp);
  await page.waitForTimeout(seconds * 1000);
  const visibleCpu = (await taskSeconds(page, cdp)) - visibleStart;
  // Headless Chromium never hides the page by itself: simulate the popover closing.
  // A string, not a function: tsx's keepNames would wrap the getters in a __name the page lacks.
  await page.evaluate(`
    Object.defineProperty(document, 'hidden', { configurable: true, get() { return true; } });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return 'hidden'; } });
    document.dispatchEvent(new Event('visibilitychange'));
  `);
  const hiddenStart = await taskSeconds(page, cdp);
  await page.waitForTimeout(seconds * 1000);
  const hiddenCpu = (await taskSeconds(page, cdp)) - hiddenStart;

  console.log(
    JSON.stringify(
      {
        browser: browser.version(),
        firstPaintWithData: { ...summary(firstPaint), targetMs: 300 },
        chartUpdate720Points: { ...summary(chartUpdate), targetMs: 5 },
        pageCpu: {
          windowSeconds: seconds,
          visiblePercent: Number(((visibleCpu / seconds) * 100).toFixed(2)),
          hiddenPercent: Number(((hiddenCpu / seconds) * 100).toFixed(2)),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await backend?.close();
}
