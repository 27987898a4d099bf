#!/usr/bin/env node
// `npm start`: launch the Electron app; where Electron cannot run here, say why in one line and run
// the headless monitor instead (same UI, served to a browser).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** Returns the Electron binary path, or the reason it cannot be used. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) {
    // Electron downloads its runtime lazily; try once, with a bound on time.
    process.stdout.write('IdleWatt: downloading the Electron runtime (first start only)…\n');
    const install = spawnSync(process.execPath, [join(pkgDir, 'install.js')], {
      encoding: 'utf8',
      timeout: DOWNLOAD_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (install.status !== 0 || !existsSync(pathFile)) {
      const detail = (install.stderr || '').split('\n').find((l) => /error/i.test(l)) ?? 'download failed';
      return { reason: `the Electron runtime could not be downloaded (${detail.trim().slice(0, 120)})` };
    }
  }
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `the Electron runtime is missing at ${binary}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { binary };
}

function run(command, args) {
  const child = spawn(command, args, { stdio: 'inherit', cwd: root });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

const electron = electronBinary();
if (electron.binary) {
  run(electron.binary, [join(root, 'dist/main.cjs'), ...process.argv.slice(2)]);
} else {
  console.log(
    `IdleWatt: Electron cannot start here — ${electron.reason}; running the headless monitor instead.`,
  );
  run(process.execPath, [join(root, 'dist/cli.cjs'), 'monitor', ...process.argv.slice(2)]);
}
