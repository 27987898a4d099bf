import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The part of Electron's app used here (macOS and Windows). Electron 45's login item settings have
 * no `openAsHidden` any more (macOS 13's SMAppService has no such option); a menu-bar app starts
 * without a window anyway.
 */
export interface LoginItemPort {
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export type LoginItemResult = { ok: true; detail: string } | { ok: false; detail: string };

/** Quotes one Exec argument per the Desktop Entry spec. */
function desktopExecArgument(value: string): string {
  return `"${value.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartDesktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=IdleWatt',
    'Comment=Finds which local services waste power while idle',
    `Exec=${command.map(desktopExecArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'idlewatt.desktop');
}

/**
 * Applies settings.launchAtLogin: a login item on macOS (and Windows); on Linux, where Electron has
 * no login items, an XDG autostart entry. Never throws.
 */
export function applyLaunchAtLogin(options: {
  enabled: boolean;
  platform: NodeJS.Platform;
  app: LoginItemPort;
  /** Linux: the command that starts the app (the AppImage path when packaged as one). */
  command: readonly string[];
  /** Run from a package (app.isPackaged). From source, a macOS login item would start bare Electron.app. */
  packaged: boolean;
  env?: NodeJS.ProcessEnv;
}): LoginItemResult {
  try {
    if (options.platform !== 'linux') {
      if (!options.packaged) {
        return options.enabled
          ? {
              ok: false,
              detail: 'launch at login needs the packaged app (npm run dist); from source it is not set',
            }
          : { ok: true, detail: 'no login item from source' };
      }
      options.app.setLoginItemSettings({ openAtLogin: options.enabled });
      return { ok: true, detail: options.enabled ? 'login item set' : 'login item removed' };
    }
    const file = autostartFile(options.env);
    if (!options.enabled) {
      rmSync(file, { force: true });
      return { ok: true, detail: `removed ${file}` };
    }
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, autostartDesktopEntry(options.command));
    return { ok: true, detail: `wrote ${file}` };
  } catch (error) {
    return { ok: false, detail: `launch at login could not be changed: ${(error as Error).message}` };
  }
}
