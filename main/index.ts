// Electron entry: the composition root only. The shell (main/shell) gets the core, the API and the
// elevation as injected functions, so every part is testable without Electron.
import { join } from 'node:path';
import { loadOrCreateToken } from './api/auth.js';
import { startApiServer } from './api/server.js';
import { raiseFileLimit } from './api/file-limit.js';
import { openLocalCore } from './assembly/local-core.js';
import type { MonitorCore } from './assembly/types.js';
import { createPrometheusMetrics } from './exporters/prometheus.js';
import { defaultDataDir } from './paths.js';
import { startApp } from './shell/app.js';

let core: MonitorCore | null = null;
raiseFileLimit();

startApp({
  createCore: async (context) => {
    core = (
      await openLocalCore({
        dataDir: context.dataDir,
        settingsStore: context.settings,
        mode: context.mode,
        replayDir: context.replayDir,
        deferElevation: true,
        onError: (error) => console.error(`IdleWatt: ${error.message}`),
      })
    ).core;
    return core;
  },
  // After the shell's explanation: one prompt per run through the powermetrics collector.
  requestElevation: async () => {
    if (!core) return 'unsupported';
    const permission = await core.api.requestPowerPermission();
    if (permission.state === 'granted') return 'granted';
    return permission.state === 'denied' || permission.state === 'needed' ? 'denied' : 'unsupported';
  },
  startApi: async (core, settings) => {
    const metrics = createPrometheusMetrics();
    const unsubscribe = core.onSample((sample) => metrics.update(sample));
    const stopMetrics = async () => {
      unsubscribe();
      await metrics.close();
    };
    try {
      const server = await startApiServer({
        api: core.api,
        port: settings.get().api.port,
        token: await loadOrCreateToken(defaultDataDir()),
        staticDir: join(__dirname, 'renderer'),
        metrics,
        log: (line) => console.log(`IdleWatt API: ${line}`),
      });
      console.log(`IdleWatt API and dashboard: ${server.dashboardUrl}`);
      return {
        close: async () => {
          await server.close();
          await stopMetrics();
        },
      };
    } catch (error) {
      await stopMetrics(); // e.g. a headless monitor already holds the port
      throw error;
    }
  },
});
