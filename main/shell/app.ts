import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  session,
} from 'electron';
import ElectronStore from 'electron-store';
import { menubar, type Menubar } from 'menubar';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_EVENTS, type MonitorApi, type PowerPermission } from '../contract/index.js';
import type { MonitorCore } from '../assembly/types.js';
import { defaultDataDir } from '../paths.js';
import { openSettingsStore, type SettingsStore } from '../settings/index.js';
import {
  ELEVATION_EXPLANATION,
  runElevationFlow,
  type ElevationMemory,
  type ElevationOutcome,
} from './elevation-flow.js';
import { createSenderCheck, registerIpcHandlers } from './ipc-handlers.js';
import { applyLaunchAtLogin } from './login-item.js';
import { delegateMonitorApi } from './monitor-api.js';
import { createNotifier, observeSnooze, type NotificationRequest } from './notifier.js';
import { attachPowerSignals } from './power-signals.js';
import { hardenWebContents, popoverWebPreferences, withCspHeader } from './security.js';
import { createShutdown, type ShutdownStep } from './shutdown.js';
import { createTrayController, type TrayController, type TrayMenuItem } from './tray-controller.js';
import { trayIconPath } from './tray-icons.js';

/** What the app needs to run a monitor; everything here is Electron-free and injected by main/index.ts. */
export interface CoreContext {
  mode: 'app' | 'replay';
  settings: SettingsStore;
  dataDir: string;
  /** A recording to replay instead of live collectors (IDLEWATT_REPLAY or --replay DIR). */
  replayDir: string | null;
}

export interface AppDependencies {
  createCore(context: CoreContext): Promise<MonitorCore>;
  /** The loopback HTTP API on settings.api.port, so agents can read the live app. */
  startApi?(core: MonitorCore, settings: SettingsStore): Promise<{ close(): Promise<void> }>;
  /** The powermetrics elevation (macOS); absent: the app never asks at launch. */
  requestElevation?(): Promise<ElevationOutcome>;
}

const log = (line: string): void => console.log(line);
const PAUSE_MINUTES = 60;

function replayDirFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  const flag = argv.indexOf('--replay');
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1]!;
  return env.IDLEWATT_REPLAY || null;
}

function buildMenu(items: TrayMenuItem[]): Menu {
  return Menu.buildFromTemplate(
    items.map((item) =>
      'type' in item ? { type: 'separator' as const } : { label: item.label, click: item.click },
    ),
  );
}

function showNotification(request: NotificationRequest): Notification {
  return new Notification({
    title: request.title,
    body: request.body,
    urgency: request.urgency,
    timeoutType: request.timeoutType,
    silent: request.silent,
  });
}

/** Remembers the first-launch elevation choice next to the settings (electron-store, its own file). */
function elevationMemory(dataDir: string): { read(): ElevationMemory; write(memory: ElevationMemory): void } {
  const store = new ElectronStore<{ elevation: ElevationMemory }>({
    cwd: dataDir,
    name: 'app-state',
    clearInvalidConfig: true,
    defaults: { elevation: { explained: false, declinedAtLaunch: false } },
  });
  return { read: () => store.get('elevation'), write: (memory) => store.set('elevation', memory) };
}

async function explainElevation(): Promise<'continue' | 'not-now'> {
  const { response } = await dialog.showMessageBox({
    type: 'info',
    title: ELEVATION_EXPLANATION.title,
    message: ELEVATION_EXPLANATION.message,
    detail: ELEVATION_EXPLANATION.detail,
    buttons: [ELEVATION_EXPLANATION.continueLabel, ELEVATION_EXPLANATION.notNowLabel],
    defaultId: 0,
    cancelId: 1,
  });
  return response === 0 ? 'continue' : 'not-now';
}

/** Test hooks for tests/electron (IDLEWATT_TEST=1 only): read through Playwright's app.evaluate. */
interface TestHooks {
  menubar: Menubar;
  tray: TrayController;
  notifications: NotificationRequest[];
  permission: PowerPermission | null;
}

/** Starts the menu-bar app: one tray icon, a sandboxed popover, notifications and platform signals. */
export function startApp(deps?: Partial<AppDependencies>): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const createCore = deps?.createCore;
  if (!createCore) {
    app.whenReady().then(() => {
      dialog.showErrorBox(
        'IdleWatt',
        'IdleWatt could not start: no monitor core is wired into main/index.ts.',
      );
      app.quit();
    });
    return;
  }
  launch({ ...deps, createCore }).catch((error: Error) => {
    dialog.showErrorBox('IdleWatt could not start', error.message);
    app.exit(1);
  });
}

async function launch(deps: AppDependencies): Promise<void> {
  const platform = process.platform;
  const dataDir = defaultDataDir();
  const appDir = join(__dirname, '..');
  const indexUrl = pathToFileURL(join(__dirname, 'renderer', 'index.html')).href;
  const settings = openSettingsStore({
    engine: 'electron-store',
    electronStore: ElectronStore,
    cwd: dataDir,
  });
  settings.notices.forEach(log);
  const replayDir = replayDirFromArgs(process.argv, process.env);

  await app.whenReady();
  const core = await deps.createCore({ mode: replayDir ? 'replay' : 'app', settings, dataDir, replayDir });

  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withCspHeader(details.responseHeaders) }),
  );
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, indexUrl, log));

  const mb = menubar({
    index: indexUrl,
    preloadWindow: true,
    showDockIcon: false,
    tooltip: 'IdleWatt',
    icon: nativeImage.createFromPath(trayIconPath(join(appDir, 'assets'), 'unknown', platform)),
    browserWindow: {
      width: 420,
      height: 640,
      show: false,
      resizable: false,
      webPreferences: popoverWebPreferences(join(__dirname, 'preload.cjs')),
    },
  });

  const sendToPopover = (channel: string, payload: unknown): void => {
    const contents = mb.window?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  };
  const openPopoverOn = (serviceId: string | null): void => {
    void mb.showWindow().then(() => {
      if (serviceId !== null) sendToPopover(IPC_EVENTS.focusService, serviceId);
    });
  };

  const hooks: TestHooks | null =
    process.env.IDLEWATT_TEST === '1' ? ({ notifications: [] } as unknown as TestHooks) : null;
  const notifier = createNotifier({
    createNotification: (request) => {
      hooks?.notifications.push(request);
      return showNotification(request);
    },
    isSupported: () => Notification.isSupported(),
    settings: () => {
      const current = settings.get();
      return { notifications: current.alerts.notifications, services: current.services };
    },
    openPopoverOn,
    now: Date.now,
  });

  let tray: TrayController | null = null;
  const api: MonitorApi = observeSnooze(
    {
      ...delegateMonitorApi(core.api),
      async updateSettings(next) {
        const result = await core.api.updateSettings(next);
        if (result.ok) applyLoginItem(result.settings.launchAtLogin);
        return result;
      },
    },
    (state) => {
      notifier.setSnooze(state);
      tray?.setAlertsPausedUntil(state.snoozedUntil.all ?? null);
    },
  );

  const applyLoginItem = (enabled: boolean): void => {
    const command = process.env.APPIMAGE
      ? [process.env.APPIMAGE]
      : [process.execPath, ...(app.isPackaged ? [] : [appDir])];
    const result = applyLaunchAtLogin({ enabled, platform, app, command });
    if (!result.ok) log(`IdleWatt: ${result.detail}`);
  };
  applyLoginItem(settings.get().launchAtLogin);

  const disposeIpc = registerIpcHandlers({
    ipcMain,
    api,
    checkSender: createSenderCheck({
      indexUrl,
      windowOf: (sender) => BrowserWindow.fromWebContents(sender as Electron.WebContents),
      popoverWindow: () => mb.window ?? null,
    }),
    log,
  });

  const unsubscribe = [
    core.onSample((sample) => {
      tray?.update(sample);
      sendToPopover(IPC_EVENTS.sample, sample);
    }),
    core.onAlert((event) => {
      notifier.handle(event);
      sendToPopover(IPC_EVENTS.alert, event);
    }),
  ];

  core.start();

  mb.on('show', () => core.signals.setWatched(true));
  mb.on('after-hide', () => core.signals.setWatched(false));

  let detachSignals: () => void = () => {};
  mb.on('ready', () => {
    tray = createTrayController({
      tray: mb.tray,
      platform,
      iconFor: (state) => nativeImage.createFromPath(trayIconPath(join(appDir, 'assets'), state, platform)),
      buildMenu,
      actions: {
        open: () => openPopoverOn(null),
        pauseAlertsForAnHour: () =>
          void api
            .snoozeAlerts({ rule: 'all', until: { minutes: PAUSE_MINUTES } })
            .catch((error: Error) => log(error.message)),
        quit: () => app.quit(),
      },
    });
    if (hooks) Object.assign(hooks, { menubar: mb, tray });
    detachSignals = attachPowerSignals({
      powerMonitor,
      signals: core.signals,
      platform,
      onThermalState: (state) => tray?.setPlatformThermalState(state),
    });
    if (deps.requestElevation) {
      const requestElevation = deps.requestElevation;
      void runElevationFlow({
        platform,
        memory: elevationMemory(dataDir),
        explain: explainElevation,
        requestElevation,
      }).then((permission) => {
        if (hooks) hooks.permission = permission;
        if (permission) log(`IdleWatt: ${permission.message}`);
      });
    }
  });
  if (hooks) (globalThis as { __idlewattTest?: TestHooks }).__idlewattTest = hooks;

  let apiServer: { close(): Promise<void> } | null = null;
  if (deps.startApi) {
    apiServer = await deps.startApi(core, settings).catch((error: Error) => {
      log(`IdleWatt: the HTTP API did not start: ${error.message}`);
      return null;
    });
  }

  const steps: ShutdownStep[] = [
    { name: 'the HTTP API', run: () => apiServer?.close() },
    { name: 'the popover', run: () => (disposeIpc(), unsubscribe.forEach((off) => off())) },
    { name: 'platform signals', run: () => detachSignals() },
    { name: 'the monitor (sampler, history, powermetrics)', run: () => core.close() },
  ];
  const shutdown = createShutdown(steps, { log });
  app.on('before-quit', (event) => {
    if (shutdown.finished) return;
    event.preventDefault();
    void shutdown.run().then(() => app.quit());
  });
  powerMonitor.on('shutdown', () => app.quit());
  app.on('second-instance', () => openPopoverOn(null));
  // A menu-bar app keeps running with its window hidden or closed.
  app.on('window-all-closed', () => {});
}
