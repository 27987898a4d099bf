import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The Electron binary path, or why the Electron tests cannot run on this machine. */
export function electronAvailability(): { binary: string } | { reason: string } {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      reason: 'the Electron runtime binary is not downloaded (node_modules/electron/path.txt missing)',
    };
  }
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `the Electron binary is missing at ${binary}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (run under xvfb-run on Linux)' };
  }
  return { binary };
}

/** Node's test runner shows the skip reason; print it too so it is visible in CI logs. */
export function electronSkipReason(): string | false {
  const availability = electronAvailability();
  if ('binary' in availability) return false;
  const reason = `Electron tests skipped: ${availability.reason}`;
  console.log(reason);
  return reason;
}
