// A fake of the `electron` module for the shell harness: dist/main.cjs (with the real menubar bundled
// in) runs against it in a plain Node process. It implements ElectronSurface — Picks of Electron's
// own typings — so it cannot drift from the members the shell and menubar use. It reports what the
// app does to the test (process.send) and obeys the test's commands (click the tray menu, call the
// popover's IPC, fail notifications, …).
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElectronSurface, WebContentsSurface } from '../../main/shell/electron-surface.js';

/** What the fake reports to the test. */
export type FakeEvent =
  | { type: 'ready' }
  | { type: 'lock'; granted: boolean }
  | { type: 'tray'; title: string; tooltip: string; menu: string[] | null }
  | { type: 'window-created'; skipTaskbar: boolean; sandbox: boolean | undefined }
  | { type: 'window-load'; url: string; ok: boolean }
  | { type: 'window-shown' }
  | { type: 'window-hidden' }
  | { type: 'notification'; title: string; body: string }
  | { type: 'modal'; method: string; args: unknown[] }
  | { type: 'login-item'; settings: unknown }
  | { type: 'quit-prevented' }
  | { type: 'second-instance'; trayExists: boolean }
  /** The OS announced a shutdown; `delayed`: the app called preventDefault() to finish first. */
  | { type: 'os-shutdown'; delayed: boolean }
  | { type: 'exit'; code: number };

export type FakeCommand =
  | { cmd: 'click-menu'; label: string }
  | { cmd: 'tray-click' }
  | { cmd: 'hide-popover' }
  | { cmd: 'invoke'; method: string; args: unknown[] }
  | { cmd: 'os-shutdown' }
  | { cmd: 'thermal-state'; state: ThermalState }
  | { cmd: 'state' };

type ThermalState = 'unknown' | 'nominal' | 'fair' | 'serious' | 'critical';

const report = (event: FakeEvent): void => {
  process.send?.(event);
};

type Listener = (...args: any[]) => void;

/**
 * Electron's objects are EventEmitters whose typed `on` overloads all reduce to this. Their `this`
 * return type means the whole real class, which a fake cannot be: `any` there, and nowhere else.
 */
class Emitter {
  protected readonly emitter = new EventEmitter();
  on(event: string, listener: Listener): any {
    this.emitter.on(event, listener);
    return this;
  }
  removeListener(event: string, listener: Listener): any {
    this.emitter.removeListener(event, listener);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.emitter.emit(event, ...args);
  }
}

interface FakeMenu {
  items: Electron.MenuItemConstructorOptions[];
}
const menuOf = (menu: unknown): FakeMenu | null => (menu ? (menu as FakeMenu) : null);

const preventable = () => {
  let prevented = false;
  return {
    event: {
      preventDefault: () => {
        prevented = true;
      },
    },
    prevented: () => prevented,
  };
};

// --- app, with a real single-instance lock keyed on the user-data folder ---------------------------

const paths = new Map<string, string>([['userData', join(process.cwd(), 'fake-electron-user-data')]]);
let lockFile: string | null = null;

class FakeApp extends Emitter {
  private name = 'Electron';
  private ready = false;
  private readonly readyPromise: Promise<void>;
  readonly isPackaged = false;
  readonly dock = process.platform === 'darwin' ? { hide: () => {} } : undefined;

  // Electron's own loop keeps an app alive until it quits; Node needs a handle for that.
  private readonly alive = setInterval(() => {}, 1 << 30);

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => {
      setImmediate(() => {
        this.ready = true;
        this.emit('ready', {}, {});
        report({ type: 'ready' });
        resolve();
      });
    });
  }
  override on(event: string, listener: Listener): any {
    super.on(event, listener);
    // A second launch that arrives the moment the app listens for one: before it has a tray or a popover.
    if (event === 'second-instance' && process.env.FAKE_ELECTRON_SECOND_INSTANCE_EARLY === '1') {
      report({ type: 'second-instance', trayExists: trays.length > 0 });
      listener({}, [], process.cwd(), {});
    }
    return this;
  }
  setName(name: string): void {
    this.name = name;
  }
  getName(): string {
    return this.name;
  }
  setPath(name: string, path: string): void {
    if (!existsSync(path)) throw new Error(`Failed to set path: ${path} does not exist`);
    paths.set(name, path);
  }
  getPath(name: string): string {
    const path = paths.get(name);
    if (!path) throw new Error(`Failed to get '${name}' path`);
    return path;
  }
  getAppPath(): string {
    return process.cwd();
  }
  getVersion(): string {
    return '45.5.0';
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.ready;
  }
  requestSingleInstanceLock(): boolean {
    const dir = this.getPath('userData');
    const file = join(dir, 'fake-singleton-lock');
    let granted = true;
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(file, 'utf8'));
      if (isAlive(holder)) {
        writeFileSync(join(dir, `fake-second-instance-${process.pid}`), process.argv.join('\n'));
        granted = false;
      } else {
        writeFileSync(file, String(process.pid));
      }
    }
    report({ type: 'lock', granted });
    if (granted) {
      lockFile = file;
      // The first instance hears of a second one, as Chromium's process singleton tells it.
      setInterval(() => {
        for (const entry of readdirSync(dir)) {
          if (!entry.startsWith('fake-second-instance-')) continue;
          const argv = readFileSync(join(dir, entry), 'utf8').split('\n');
          rmSync(join(dir, entry), { force: true });
          this.emit('second-instance', {}, argv, process.cwd(), {});
        }
      }, 50).unref();
    }
    return granted;
  }
  setLoginItemSettings(settings: Electron.Settings): void {
    report({ type: 'login-item', settings });
  }
  quit(): void {
    const { event, prevented } = preventable();
    this.emit('before-quit', event);
    if (prevented()) {
      report({ type: 'quit-prevented' });
      return;
    }
    this.emit('will-quit', preventable().event);
    this.emit('quit', {}, 0);
    setImmediate(() => this.exit(0));
  }
  exit(code = 0): void {
    if (lockFile) rmSync(lockFile, { force: true });
    report({ type: 'exit', code });
    process.exit(code);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const app = new FakeApp();

// --- windows, web contents, tray, notifications ------------------------------------------------------

class FakeWebContents extends Emitter implements WebContentsSurface {
  url = '';
  readonly sent = new Map<string, number>();
  windowOpenHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | null = null;
  send(channel: string): void {
    this.sent.set(channel, (this.sent.get(channel) ?? 0) + 1);
  }
  isDestroyed(): boolean {
    return false;
  }
  getURL(): string {
    return this.url;
  }
  setWindowOpenHandler(
    handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse,
  ): void {
    this.windowOpenHandler = handler;
  }
}

const windows: FakeBrowserWindow[] = [];

class FakeBrowserWindow extends Emitter {
  readonly webContents = new FakeWebContents();
  private visible = false;
  constructor(readonly options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    windows.push(this);
    report({
      type: 'window-created',
      skipTaskbar: options.skipTaskbar === true,
      sandbox: options.webPreferences?.sandbox,
    });
    app.emit('web-contents-created', {}, this.webContents);
  }
  static fromWebContents(webContents: WebContentsSurface): FakeBrowserWindow | null {
    return windows.find((w) => (w.webContents as unknown) === webContents) ?? null;
  }
  async loadURL(url: string): Promise<void> {
    const failing = process.env.FAKE_ELECTRON_LOAD_FAILS === '1';
    report({ type: 'window-load', url, ok: !failing });
    if (failing) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url}'`);
    this.webContents.url = url;
  }
  isAlwaysOnTop(): boolean {
    return false;
  }
  setVisibleOnAllWorkspaces(): void {}
  setPosition(): void {}
  getSize(): number[] {
    return [this.options.width ?? 800, this.options.height ?? 600];
  }
  show(): void {
    this.visible = true;
    report({ type: 'window-shown' });
  }
  hide(): void {
    this.visible = false;
    report({ type: 'window-hidden' });
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return false;
  }
}

const trays: FakeTray[] = [];
const currentTray = (): FakeTray | null => trays.at(-1) ?? null;

class FakeTray extends Emitter {
  title = '';
  tooltip = '';
  contextMenu: FakeMenu | null = null;
  lastPopUp: FakeMenu | null = null;
  constructor(readonly image: Electron.NativeImage | string) {
    super();
    trays.push(this);
  }
  private changed(): void {
    report({
      type: 'tray',
      title: this.title,
      tooltip: this.tooltip,
      menu: this.contextMenu ? this.contextMenu.items.map((i) => i.label ?? '—') : null,
    });
  }
  setImage(): void {}
  setTitle(title: string): void {
    this.title = title;
    this.changed();
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
    this.changed();
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.contextMenu = menuOf(menu);
    this.changed();
  }
  popUpContextMenu(menu?: Electron.Menu): void {
    this.lastPopUp = menuOf(menu);
  }
  getBounds(): Electron.Rectangle {
    return { x: 1200, y: 0, width: 22, height: 24 };
  }
  destroy(): void {}
}

class FakeNotification extends Emitter {
  constructor(private readonly options: Electron.NotificationConstructorOptions = {}) {
    super();
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    report({ type: 'notification', title: this.options.title ?? '', body: this.options.body ?? '' });
    const failure = process.env.FAKE_ELECTRON_NOTIFICATIONS_FAIL;
    // Electron ≥ 42 on an unsigned macOS app: 'failed' instead of a banner.
    if (failure) setImmediate(() => this.emit('failed', {}, failure));
  }
}

const handlers = new Map<string, (event: any, ...args: any[]) => unknown>();

const display: Electron.Display = {
  accelerometerSupport: 'unknown',
  bounds: { x: 0, y: 0, width: 1440, height: 900 },
  colorDepth: 24,
  colorSpace: 'srgb',
  depthPerComponent: 8,
  detected: true,
  displayFrequency: 60,
  id: 1,
  internal: true,
  label: 'fake display',
  maximumCursorSize: { width: 64, height: 64 },
  monochrome: false,
  nativeOrigin: { x: 0, y: 0 },
  rotation: 0,
  scaleFactor: 2,
  size: { width: 1440, height: 900 },
  touchSupport: 'unknown',
  workArea: { x: 0, y: 25, width: 1440, height: 875 },
  workAreaSize: { width: 1440, height: 875 },
};

class FakePowerMonitor extends Emitter {
  thermalState: ThermalState = 'nominal';
  getSystemIdleTime(): number {
    return 0;
  }
  isOnBatteryPower(): boolean {
    return false;
  }
  getCurrentThermalState(): ThermalState {
    return this.thermalState;
  }
}
const powerMonitor = new FakePowerMonitor();

const fake: ElectronSurface = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Menu: { buildFromTemplate: (items) => ({ items }) as unknown as Electron.Menu },
  nativeImage: { createFromPath: (path) => ({ path }) as unknown as Electron.NativeImage },
  Notification: FakeNotification,
  ipcMain: {
    handle: (channel, listener) => {
      // The IPC handlers are registered just before the monitor starts: a quit now is a quit during start-up.
      if (handlers.size === 0 && process.env.FAKE_ELECTRON_QUIT_DURING_START === '1')
        setImmediate(() => app.quit());
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
    // electron-store answers its renderer helper on this channel; the popover never uses it.
    on: (() => fake.ipcMain) as unknown as Electron.IpcMain['on'],
  },
  powerMonitor,
  screen: {
    getDisplayMatching: () => display,
    getDisplayNearestPoint: () => display,
    getCursorScreenPoint: () => ({ x: 0, y: 0 }),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: () => {},
      webRequest: { onHeadersReceived: () => {} },
    },
  },
};

/** Any modal would block the real app's main loop: the fake records a call and refuses it. */
const modal =
  (method: string) =>
  (...args: unknown[]): never => {
    report({ type: 'modal', method, args });
    throw new Error(`dialog.${method} was called: a modal blocks the app`);
  };
export const electronModule = {
  ...fake,
  dialog: {
    showMessageBox: modal('showMessageBox'),
    showMessageBoxSync: modal('showMessageBoxSync'),
    showErrorBox: modal('showErrorBox'),
  },
};

// --- the test's commands -----------------------------------------------------------------------------

function clickMenu(label: string): void {
  const tray = currentTray();
  if (!tray) throw new Error('there is no tray yet');
  let menu = tray.contextMenu;
  if (!menu) {
    tray.emit('right-click', {}, tray.getBounds());
    menu = tray.lastPopUp;
  }
  const item = menu?.items.find((i) => i.label === label);
  if (!item?.click)
    throw new Error(`no tray menu item '${label}' (${menu?.items.map((i) => i.label).join(', ')})`);
  (item.click as () => void)();
}

async function run(command: FakeCommand): Promise<unknown> {
  const popover = windows[0];
  switch (command.cmd) {
    case 'click-menu':
      clickMenu(command.label);
      return null;
    case 'tray-click':
      currentTray()?.emit('click', {}, currentTray()?.getBounds());
      return null;
    case 'hide-popover':
      (
        globalThis as { __idlewattTest?: { menubar?: { hideWindow(): void } } }
      ).__idlewattTest?.menubar?.hideWindow();
      return null;
    case 'invoke': {
      const handler = handlers.get(`idlewatt:${command.method}`);
      if (!handler) throw new Error(`no IPC handler for ${command.method}`);
      if (!popover) throw new Error('there is no popover window');
      return handler(
        { sender: popover.webContents, senderFrame: { url: popover.webContents.url } },
        ...command.args,
      );
    }
    case 'thermal-state':
      // As Electron does on macOS: the state changes, then 'thermal-state-change' carries it.
      powerMonitor.thermalState = command.state;
      powerMonitor.emit('thermal-state-change', { state: command.state });
      return null;
    case 'os-shutdown': {
      const { event, prevented } = preventable();
      powerMonitor.emit('shutdown', event);
      report({ type: 'os-shutdown', delayed: prevented() });
      return null;
    }
    case 'state':
      return {
        tray: trays.map((tray) => ({ title: tray.title, tooltip: tray.tooltip })),
        windows: windows.map((w) => ({
          visible: w.isVisible(),
          url: w.webContents.url,
          sent: Object.fromEntries(w.webContents.sent),
        })),
      };
  }
}

process.on('message', (message: { id: number } & FakeCommand) => {
  run(message).then(
    (result) => process.send?.({ type: 'reply', id: message.id, result }),
    (error: Error) => process.send?.({ type: 'reply', id: message.id, error: error.message }),
  );
});
// The test's channel must not keep the app alive on its own, as nothing does for a real app.
(process.channel as { unref?: () => void } | undefined)?.unref?.();
