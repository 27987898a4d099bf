import type * as ElectronModule from 'electron';

/**
 * The members of Electron that the shell uses, and those the bundled `menubar` (with
 * electron-positioner) and `electron-store` call: each a Pick of Electron's own typings, so a renamed or removed
 * member fails the type check. The shell reaches Electron only through this type, so using a member
 * not listed here fails too; the shell test harness's fake Electron (tests/shell/fake-electron.ts)
 * implements exactly this type.
 */
type App = Pick<
  Electron.App,
  | 'setName'
  | 'getName'
  | 'setPath'
  | 'getPath'
  | 'getAppPath'
  | 'getVersion'
  | 'requestSingleInstanceLock'
  | 'quit'
  | 'exit'
  | 'whenReady'
  | 'isReady'
  | 'on'
  | 'isPackaged'
  | 'setLoginItemSettings'
> & { dock?: Pick<Electron.Dock, 'hide'> };

export type WebContentsSurface = Pick<
  Electron.WebContents,
  'send' | 'isDestroyed' | 'on' | 'setWindowOpenHandler' | 'getURL'
>;

export type BrowserWindowSurface = Pick<
  Electron.BrowserWindow,
  | 'on'
  | 'isAlwaysOnTop'
  | 'setVisibleOnAllWorkspaces'
  | 'loadURL'
  | 'setPosition'
  | 'getSize'
  | 'show'
  | 'hide'
  | 'isDestroyed'
  | 'isVisible'
> & { readonly webContents: WebContentsSurface };

export type TraySurface = Pick<
  Electron.Tray,
  | 'setImage'
  | 'setTitle'
  | 'setToolTip'
  | 'setContextMenu'
  | 'popUpContextMenu'
  | 'on'
  | 'getBounds'
  | 'destroy'
>;

export type NotificationSurface = Pick<Electron.Notification, 'show' | 'on'>;

export interface ElectronSurface {
  app: App;
  BrowserWindow: {
    new (options?: Electron.BrowserWindowConstructorOptions): BrowserWindowSurface;
    fromWebContents(webContents: WebContentsSurface): BrowserWindowSurface | null;
  };
  Tray: new (image: Electron.NativeImage | string) => TraySurface;
  Menu: { buildFromTemplate(template: Electron.MenuItemConstructorOptions[]): Electron.Menu };
  nativeImage: Pick<typeof Electron.NativeImage, 'createFromPath'>;
  Notification: {
    new (options?: Electron.NotificationConstructorOptions): NotificationSurface;
    isSupported(): boolean;
  };
  ipcMain: Pick<Electron.IpcMain, 'handle' | 'removeHandler' | 'on'>;
  powerMonitor: Pick<
    Electron.PowerMonitor,
    'on' | 'removeListener' | 'getSystemIdleTime' | 'isOnBatteryPower' | 'getCurrentThermalState'
  >;
  screen: Pick<Electron.Screen, 'getDisplayMatching' | 'getCursorScreenPoint' | 'getDisplayNearestPoint'>;
  session: {
    defaultSession: Pick<Electron.Session, 'setPermissionRequestHandler'> & {
      webRequest: Pick<Electron.WebRequest, 'onHeadersReceived'>;
    };
  };
}

/** Compile-time proof that the real module provides the surface. */
export function electronSurface(electron: typeof ElectronModule): ElectronSurface {
  return electron;
}
