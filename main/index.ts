// Electron entry: the composition root only. The shell (main/shell) gets the monitor as an injected
// function, so every part is testable without Electron; the monitor and its consumers are composed
// exactly as the headless monitor composes them (main/assembly).
import { join } from 'node:path';
import { raiseFileLimit } from './api/file-limit.js';
import { wireConsumers } from './assembly/consumers.js';
import { openLocalCore } from './assembly/local-core.js';
import { startApp } from './shell/app.js';

raiseFileLimit();

startApp({
  async startMonitor(context, alertSinks) {
    const { core, store } = await openLocalCore({
      dataDir: context.dataDir,
      settingsStore: context.settings,
      mode: context.mode,
      replayDir: context.replayDir,
      deferElevation: true,
      onError: (error) => context.log(`IdleWatt: ${error.message}`),
    });
    try {
      const consumers = await wireConsumers({
        core,
        store,
        settings: () => context.settings.get(),
        dataDir: context.dataDir,
        log: (line) => context.log(`IdleWatt: ${line}`),
        // Another IdleWatt (e.g. a headless monitor) may hold the port: the app runs without its API then.
        api: {
          port: context.apiPort ?? context.settings.get().api.port,
          staticDir: join(__dirname, 'renderer'),
          required: false,
        },
        alertSinks,
      });
      if (consumers.server) context.log(`IdleWatt API and dashboard: ${consumers.server.dashboardUrl}`);
      return { core, consumers };
    } catch (error) {
      await core.close();
      throw error;
    }
  },
});
