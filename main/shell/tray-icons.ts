import { join } from 'node:path';
import type { TrayState } from './tray-controller.js';

/**
 * The tray image for a state: 16 px for the macOS menu bar, 22 px for Linux panels. Electron picks
 * the `@2x` sibling on high-density displays when it loads the 1x path.
 */
export function trayIconPath(assetsDir: string, state: TrayState, platform: NodeJS.Platform): string {
  const size = platform === 'darwin' ? 16 : 22;
  return join(assetsDir, 'tray', `${state}-${size}.png`);
}
