// The popover suite against the real headless monitor: replaying the demo Mac recording (after a day of
// seeded history, so the long ranges have data) and on this machine's live data.
import { openHistoryStore } from '../../main/store/index.js';
import { tempDir } from '../helpers.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO_RECORDING,
  eventually,
  RECORDING,
  startMonitor,
  writeSettings,
} from '../integration/monitor-process.js';
import { makeAlert, makeStackSample } from '../unit/store/sample-factory.js';
import type { Backend, Scenario } from './fake-backend.js';
import { definePopoverSuite } from './popover-suite.js';
import { after } from 'node:test';

const DAY = 24 * 3600_000;
const DEMO = JSON.parse(readFileSync(join(DEMO_RECORDING, 'recording.json'), 'utf8')) as {
  intervalMs: number;
  ticks: number;
};
/** The demo's first pass is placed to end when the monitor starts. */
const DEMO_PASS_MS = DEMO.intervalMs * DEMO.ticks;

/** A day of minute samples ending before the demo's first pass, so 24 h and 7 d views have history to draw. */
async function seedHistory(dataDir: string): Promise<void> {
  const store = await openHistoryStore({ dataDir, rawDays: 7, rollupDays: 90 });
  const end = Date.now() - DEMO_PASS_MS - 2 * 60_000;
  for (let at = end - DAY; at <= end; at += 60_000) {
    const phase = (at / 3600_000) % 24;
    const busy = phase > 9 && phase < 17;
    store.append(
      makeStackSample({
        at,
        intervalMs: 60_000,
        platform: 'darwin',
        power: {
          systemWatts: busy ? 9 + Math.sin(at / 600_000) : 4.2,
          packageWatts: busy ? 8 : 3.6,
          cpuWatts: busy ? 6 : 2.9,
        },
        idle: {
          stackIdle: !busy,
          stackIdleSinceAt: busy ? null : at - 600_000,
          lastActivityAt: at - (busy ? 0 : 600_000),
        },
        energy: { systemWattHours: ((busy ? 9 : 4.2) * 60) / 3600 },
      }),
    );
  }
  store.appendAlert(
    makeAlert({
      id: 'seed-idle-power',
      at: end - 2 * 3600_000,
      serviceId: 'vibevoice',
      value: 7.8,
      title: 'Idle power 7.8 W',
      message: 'Idle power 7.8 W for 5 min — vibevoice ≈ 4.1 W, model loaded, no requests for 2 h',
    }),
  );
  await store.close();
}

const cleanups: (() => Promise<unknown>)[] = [];
after(() => Promise.all(cleanups.map((c) => c())));

async function realBackend(
  setup: (dataDir: string) => Promise<void> | void,
  args: string[],
  options: { waitForFirstPass?: boolean } = {},
): Promise<Backend> {
  const dataDir = tempDir({ after: (fn) => cleanups.push(async () => fn()) });
  await setup(dataDir);
  const launchedAt = Date.now();
  const monitor = await startMonitor(dataDir, args);
  const backend = {
    url: monitor.dashboardUrl,
    origin: monitor.base,
    close: async () => void (await monitor.stop()),
  };
  if (options.waitForFirstPass) {
    // The replay reads its first pass at once; the page opens on all of it.
    const passEnd = launchedAt - 60_000;
    await eventually(
      async () => {
        const { body } = await monitor.api('/api/sample/latest');
        return typeof body?.at === 'number' && body.at >= passEnd ? true : undefined;
      },
      180_000,
      "the replay's first pass",
    ).catch(async (error: Error) => {
      await backend.close();
      throw error;
    });
  }
  return backend;
}

definePopoverSuite(
  'real monitor (replay)',
  async (scenario: Scenario) => {
    if (scenario === 'live') {
      return realBackend(seedHistory, ['--replay', DEMO_RECORDING], { waitForFirstPass: true });
    }
    if (scenario === 'no-services') {
      return realBackend(
        (dir) => writeSettings(dir, (s) => (s.services = [])),
        ['--replay', RECORDING, '--interval', '1'],
      );
    }
    return null; // first-run and permission-needed are states of a fresh Mac, covered with the fake backend
  },
  // The recording's battery says the whole Mac draws 9.12 W (SystemLoad) while powermetrics says the
  // SoC draws 3.248 W: the header shows both, each named, in the README's picture too.
  { readmeScreenshot: true, header: { label: 'System', watts: '9.1 W', secondary: 'SoC 3.2 W' } },
);
