import * as electron from 'electron';
import ElectronStore from 'electron-store';
import { menubar, type Menubar } from 'menubar';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  IPC_EVENTS,
  MONITOR_API_METHODS,
  type AlertEvent,
  type MonitorApi,
  type PowerPermission,
} from '../contract/index.js';
import type { Consumers } from '../assembly/consumers.js';
import type { MonitorCore } from '../assembly/types.js';
import { defaultDataDir } from '../paths.js';
import { openSettingsStore, type SettingsStore } from '../settings/index.js';
import { electronSurface, type TraySurface } from './electron-surface.js';
import { createElevationFlow, type ElevationMemory } from './elevation-flow.js';
import { createSenderCheck, registerIpcHandlers } from './ipc-handlers.js';
import { applyLaunchAtLogin } from './login-item.js';
import { delegateMonitorApi } from './monitor-api.js';
import { createNotifier, type NotificationRequest } from './notifier.js';
import { attachPowerSignals } from './power-signals.js';
import { hardenWebContents, popoverWebPreferences, withCspHeader } from './security.js';
import { createShutdown } from './shutdown.js';
import { createTrayController, type TrayController, type TrayMenuItem } from './tray-controller.js';
import { trayIconPath } from './tray-icons.js';

const { app, BrowserWindow, ipcMain, Menu, nativeImage, Notification, powerMonitor, session, Tray } =
  electronSurface(electron);

/** What the app needs to run a monitor; everything here is Electron-free and injected by main/index.ts. */
export interface CoreContext {
  mode: 'app' | 'replay';
  settings: SettingsStore;
  dataDir: string;
  /** A recording to replay instead of live collectors (IDLEWATT_REPLAY or --replay DIR). */
  replayDir: string | null;
  /** IDLEWATT_API_PORT overrides settings.api.port for this run (0: any free port, e.g. in tests). */
  apiPort: number | null;
  log(line: string): void;
}

export interface RunningMonitor {
  core: MonitorCore;
  /** History health, Prometheus, OTLP, the HTTP API, the webhook and `alertSinks`, as the headless monitor has them. */
  consumers: Consumers;
}

export interface AppDependencies {
  startMonitor(context: CoreContext, alertSinks: ((event: AlertEvent) => void)[]): Promise<RunningMonitor>;
}

export const APP_NAME = 'IdleWatt';
const log = (line: string): void => console.log(line);
const PAUSE_MINUTES = 60;
const MAX_UNDELIVERED = 3;

function replayDirFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  const flag = argv.indexOf('--replay');
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1]!;
  return env.IDLEWATT_REPLAY || null;
}

function apiPortFromEnv(env: NodeJS.ProcessEnv): number | null {
  const value = env.IDLEWATT_API_PORT;
  if (value === undefined || value === '') return null;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  log(`IdleWatt: IDLEWATT_API_PORT=${value} is not a port (0–65535); using the api.port setting`);
  return null;
}

function buildMenu(items: TrayMenuItem[]): Electron.Menu {
  return Menu.buildFromTemplate(
    items.map((item) =>
      'type' in item
        ? { type: 'separator' as const }
        : { label: item.label, click: item.click, enabled: item.enabled ?? true },
    ),
  );
}

/** Remembers the power-readings choice next to the settings (electron-store, its own file). */
function elevationMemory(dataDir: string): { read(): unknown; write(memory: ElevationMemory): void } {
  const store = new ElectronStore<{ elevation: unknown }>({
    cwd: dataDir,
    name: 'app-state',
    clearInvalidConfig: true,
    defaults: { elevation: {} },
  });
  return { read: () => store.get('elevation'), write: (memory) => store.set('elevation', memory) };
}

/** Test hooks for tests/electron (IDLEWATT_TEST=1 only): read through Playwright's app.evaluate. */
interface TestHooks {
  menubar: Menubar;
  tray: TrayController;
  notifications: NotificationRequest[];
  permission: PowerPermission | null;
}

/**
 * Starts the menu-bar app. The name and the data folder are set before the single-instance lock
 * (it is keyed on the user-data folder), so from source the app is "IdleWatt", not Electron's
 * default app, and each data folder is its own instance.
 */
export function startApp(deps: AppDependencies): void {
  const dataDir = defaultDataDir();
  app.setName(APP_NAME);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    app.setPath('userData', dataDir);
  } catch (error) {
    log(`IdleWatt: cannot use the data folder ${dataDir}: ${(error as Error).message}`);
    app.exit(1);
    return;
  }
  if (!app.requestSingleInstanceLock()) {
    log(
      `IdleWatt is already running with the data folder ${dataDir}: its popover opens instead, and this ` +
        'second copy quits. Set IDLEWATT_DATA_DIR to run another instance on its own data.',
    );
    app.quit();
    return;
  }
  launchApp(deps, dataDir);
}

function launchApp(deps: AppDependencies, dataDir: string): void {
  const platform = process.platform;
  const appDir = join(__dirname, '..');
  const indexUrl = pathToFileURL(join(__dirname, 'renderer', 'index.html')).href;
  const iconFor = (state: Parameters<typeof trayIconPath>[1]) =>
    nativeImage.createFromPath(trayIconPath(join(appDir, 'assets'), state, platform));
  const hooks: TestHooks | null =
    process.env.IDLEWATT_TEST === '1'
      ? ({ notifications: [], permission: null } as unknown as TestHooks)
      : null;
  if (hooks) (globalThis as { __idlewattTest?: TestHooks }).__idlewattTest = hooks;

  let mb: Menubar | null = null;
  let tray: TrayController | null = null;
  let popoverShown = false;
  let openWhenReady: { serviceId: string | null } | null = null;
  const undelivered: string[] = [];
  // A second launch can arrive before the tray and the popover exist: it opens them once they do.
  app.on('second-instance', () => openPopoverOn(null));

  const sendToPopover = (channel: string, payload: unknown): void => {
    const contents = mb?.window?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  };
  function openPopoverOn(serviceId: string | null): void {
    if (!mb || !menubarReady) {
      openWhenReady = { serviceId };
      return;
    }
    void mb.showWindow().then(() => {
      if (serviceId !== null) sendToPopover(IPC_EVENTS.focusService, serviceId);
    });
  }
  let menubarReady = false;

  const settings = openSettingsStore({
    engine: 'electron-store',
    electronStore: ElectronStore,
    cwd: dataDir,
  });
  settings.notices.forEach(log);
  const replayDir = replayDirFromArgs(process.argv, process.env);
  const mode = replayDir ? 'replay' : 'app';

  let monitor: RunningMonitor | null = null;
  let quitting = false;
  const elevation = createElevationFlow({
    platform,
    mode,
    memory: elevationMemory(dataDir),
    request: () => {
      if (!monitor) return Promise.reject(new Error('the monitor has not started'));
      return monitor.core.api.requestPowerPermission();
    },
    log,
  });

  const notifier = createNotifier({
    createNotification: (request) => {
      hooks?.notifications.push(request);
      return new Notification({
        title: request.title,
        body: request.body,
        urgency: request.urgency,
        timeoutType: request.timeoutType,
        silent: request.silent,
      });
    },
    isSupported: () => Notification.isSupported(),
    settings: () => {
      const current = settings.get();
      return { notifications: current.alerts.notifications, services: current.services };
    },
    openPopoverOn,
    // Unsigned macOS builds: the alert goes to the popover's banners and the tray instead.
    onFailed: (event, request, error) => {
      log(
        `IdleWatt: the notification "${request.title}" could not be shown (${error}); it is in the popover and the tray`,
      );
      undelivered.unshift(
        `Alert at ${new Date(event.at).toLocaleTimeString()}: ${request.title} — ${request.body}`,
      );
      undelivered.splice(MAX_UNDELIVERED);
      if (!popoverShown) tray?.setUndeliveredAlert(request.title);
    },
  });

  const applyLoginItem = (enabled: boolean): void => {
    const command = process.env.APPIMAGE
      ? [process.env.APPIMAGE]
      : [process.execPath, ...(app.isPackaged ? [] : [appDir])];
    const result = applyLaunchAtLogin({ enabled, platform, app, command, packaged: app.isPackaged });
    if (!result.ok) log(`IdleWatt: ${result.detail}`);
  };

  // The popover's API: every call waits for the monitor; a monitor that failed to start answers
  // every call with that reason, which the popover shows as its "unreachable" banner.
  let startMonitorThen: { resolve(api: MonitorApi): void; reject(error: Error): void } | null = null;
  const monitorStarted = new Promise<MonitorApi>((resolve, reject) => {
    startMonitorThen = { resolve, reject };
  });
  const monitorSettled = monitorStarted.then(
    () => undefined,
    () => undefined,
  );
  const lazyApi = Object.fromEntries(
    MONITOR_API_METHODS.map((method) => [
      method,
      async (...args: unknown[]) =>
        ((await monitorStarted)[method] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as Omit<MonitorApi, 'subscribe'>;
  const api: MonitorApi = {
    ...lazyApi,
    subscribe: () => () => {},
    async getStatus() {
      const status = elevation.decorate(await lazyApi.getStatus());
      return undelivered.length ? { ...status, notices: [...status.notices, ...undelivered] } : status;
    },
    async updateSettings(next) {
      const result = await lazyApi.updateSettings(next);
      if (result.ok) applyLoginItem(result.settings.launchAtLogin);
      return result;
    },
    async requestPowerPermission() {
      await monitorStarted;
      const permission = await elevation.request();
      if (hooks) hooks.permission = permission;
      return permission;
    },
  };

  let detachSignals: () => void = () => {};
  let disposeIpc: () => void = () => {};
  const shutdown = createShutdown(
    [
      // A quit during start-up waits for the monitor to finish opening, then closes it like any other.
      { name: 'the monitor start-up', run: () => monitorSettled },
      { name: 'the popover', run: () => disposeIpc() },
      { name: 'platform signals', run: () => detachSignals() },
      {
        name: 'the monitor (API, sampler, history, powermetrics, exports)',
        run: () => monitor?.consumers.close(),
      },
    ],
    { log },
  );
  app.on('before-quit', (event) => {
    if (shutdown.finished) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    log('IdleWatt: quitting…');
    void shutdown.run().then(() => app.quit());
  });
  // A menu-bar app keeps running with its window hidden or closed.
  app.on('window-all-closed', () => {});

  const started = app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: withCspHeader(details.responseHeaders) }),
    );
    app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, indexUrl, log));
    // Electron's powerMonitor docs: preventDefault() on 'shutdown' delays the OS shutdown so the app
    // can exit cleanly (history flushed), then app.quit(). The typings leave the event argument out.
    const onShutdown = (event?: { preventDefault(): void }): void => {
      event?.preventDefault();
      app.quit();
    };
    powerMonitor.on('shutdown', onShutdown as () => void);

    // The tray and its menu come first and do not depend on the page: Quit is always there.
    const electronTray: TraySurface = new Tray(iconFor('unknown'));
    tray = createTrayController({
      tray: electronTray,
      platform,
      iconFor,
      buildMenu,
      actions: {
        open: () => openPopoverOn(null),
        pauseAlertsForAnHour: () =>
          void api
            .snoozeAlerts({ rule: 'all', until: { minutes: PAUSE_MINUTES } })
            .catch((error: Error) => log(`IdleWatt: alerts were not paused: ${error.message}`)),
        quit: () => app.quit(),
      },
    });
    if (hooks) hooks.tray = tray;
    if (quitting) {
      startMonitorThen?.reject(new Error('IdleWatt quit before the monitor started'));
      return;
    }

    mb = menubar({
      index: indexUrl,
      // menubar types its option as Electron's Tray; ours is that object, reached through the surface type.
      tray: electronTray as Electron.Tray,
      preloadWindow: true,
      showDockIcon: false,
      tooltip: 'IdleWatt',
      browserWindow: {
        width: 420,
        height: 640,
        show: false,
        resizable: false,
        // Linux panels list every window in the taskbar unless told; the popover is not an app window.
        skipTaskbar: platform === 'linux',
        webPreferences: popoverWebPreferences(join(__dirname, 'preload.cjs')),
      },
    });
    if (hooks) hooks.menubar = mb;
    mb.on('ready', () => {
      menubarReady = true;
      if (openWhenReady) {
        const { serviceId } = openWhenReady;
        openWhenReady = null;
        openPopoverOn(serviceId);
      }
    });
    mb.on('show', () => {
      popoverShown = true;
      tray?.setUndeliveredAlert(null);
      monitor?.consumers.watchers.set('popover', 1);
    });
    mb.on('after-hide', () => {
      popoverShown = false;
      undelivered.length = 0;
      monitor?.consumers.watchers.set('popover', 0);
    });

    disposeIpc = registerIpcHandlers({
      ipcMain,
      api,
      checkSender: createSenderCheck({
        indexUrl,
        windowOf: (sender) => BrowserWindow.fromWebContents(sender as Electron.WebContents),
        popoverWindow: () => mb?.window ?? null,
      }),
      log,
    });

    if (quitting) {
      startMonitorThen?.reject(new Error('IdleWatt quit before the monitor started'));
      return;
    }
    let running: RunningMonitor;
    try {
      running = await deps.startMonitor(
        { mode, settings, dataDir, replayDir, apiPort: apiPortFromEnv(process.env), log },
        [
          // The engine raises no fired or escalated event while its rule is snoozed, so the notifier
          // needs no snooze state; a snooze from the tray, the popover or the API updates the tray's pause.
          (event) => notifier.handle(event),
          (event) => {
            if (event.kind === 'snoozed' && monitor) {
              tray?.setAlertsPausedUntil(monitor.core.snoozeState().snoozedUntil.all ?? null);
            }
          },
          (event) => sendToPopover(IPC_EVENTS.alert, event),
        ],
      );
    } catch (error) {
      const startError = (error as Error).message;
      log(`IdleWatt could not start: ${startError}`);
      tray.setStartError(startError);
      startMonitorThen?.reject(new Error(`IdleWatt could not start: ${startError}`));
      openPopoverOn(null);
      return;
    }
    monitor = running;
    startMonitorThen?.resolve(delegateMonitorApi(running.core.api));
    if (quitting) return;
    const { core } = running;
    core.onSample((sample) => {
      tray?.update(sample);
      sendToPopover(IPC_EVENTS.sample, sample);
    });
    running.consumers.watchers.set('popover', popoverShown ? 1 : 0);
    applyLoginItem(settings.get().launchAtLogin);
    detachSignals = attachPowerSignals({
      powerMonitor,
      signals: core.signals,
      platform,
      onThermalState: (state) => tray?.setPlatformThermalState(state),
    });
    core.start();
    const launch = await elevation.atLaunch();
    if (launch.kind === 'explain') openPopoverOn(null);
    if (launch.kind === 'asked' && hooks) hooks.permission = launch.permission;
  });
  started.catch((error: Error) => {
    // Nothing to show it in (the tray itself failed): the reason goes to the log and the exit code.
    log(`IdleWatt could not start: ${error.stack ?? error.message}`);
    startMonitorThen?.reject(error);
    app.exit(1);
  });
}
