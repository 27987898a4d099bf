import { app } from 'electron';
import { menubar } from 'menubar';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Starts the menu-bar app: one tray icon and a sandboxed popover window. */
export function startApp(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const mb = menubar({
    index: pathToFileURL(join(__dirname, 'renderer', 'index.html')).href,
    preloadWindow: true,
    showDockIcon: false,
    browserWindow: {
      width: 420,
      height: 640,
      webPreferences: {
        preload: join(__dirname, 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    },
  });
  mb.on('ready', () => {
    mb.tray.setToolTip('IdleWatt');
  });
}
