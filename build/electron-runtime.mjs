// Finds Electron's runtime for `npm start`, downloading it on first use: with progress on the
// terminal, no time limit, a plain reason when it fails, and a partial file kept between attempts so
// a slow or broken link resumes (HTTP Range) instead of starting from zero.
//
// The download goes through @electron/get's downloadArtifact (mirrors, checksums from
// electron/checksums.json, its cache) with our own Downloader; electron's install.js then finds the
// zip in that cache and only unpacks it.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Where partial downloads wait for the next attempt (beside @electron/get's own cache). */
export function partialDownloadDir(env = process.env, platform = process.platform) {
  if (env.electron_config_cache) return join(env.electron_config_cache, 'partial');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron', 'partial');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'electron', 'partial');
}

const megabytes = (bytes) => (bytes / 1_048_576).toFixed(1);

/**
 * A @electron/get Downloader that resumes: bytes already in `<partialDir>/<file>.partial` are asked
 * for with a Range header; a server that ignores it (200) starts the file again. Progress lines go
 * to `log` at most every `progressEveryMs`.
 */
export function createResumableDownloader({ partialDir, log, progressEveryMs = 1000, fetchImpl = fetch }) {
  return {
    async download(url, targetFilePath) {
      await mkdir(partialDir, { recursive: true });
      const partial = join(partialDir, `${basename(targetFilePath)}.partial`);
      const have = await stat(partial).then(
        (s) => s.size,
        () => 0,
      );
      const response = await fetchImpl(url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
      if (response.status === 416) {
        // The partial file is longer than (or equal to) the artifact: it cannot be trusted.
        await rm(partial, { force: true });
        throw new Error(`the server refused to resume (HTTP 416); the partial file was removed, try again`);
      }
      if (!response.ok || !response.body) {
        throw new Error(`HTTP ${response.status} ${response.statusText || ''} for ${url}`.trim());
      }
      const resuming = response.status === 206 && have > 0;
      const length = Number(response.headers.get('content-length')) || null;
      const total = length === null ? null : (resuming ? have : 0) + length;
      let done = resuming ? have : 0;
      if (resuming) log(`resuming at ${megabytes(have)} MB`);
      const out = createWriteStream(partial, { flags: resuming ? 'a' : 'w' });
      let lastReport = 0;
      const report = (force) => {
        const now = Date.now();
        if (!force && now - lastReport < progressEveryMs) return;
        lastReport = now;
        log(
          total
            ? `${megabytes(done)} of ${megabytes(total)} MB (${Math.floor((done / total) * 100)} %)`
            : `${megabytes(done)} MB`,
        );
      };
      try {
        for await (const chunk of response.body) {
          done += chunk.length;
          if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
          report(false);
        }
      } finally {
        await new Promise((resolve) => out.end(resolve));
      }
      report(true);
      if (total !== null && done !== total) {
        throw new Error(
          `the download ended early (${done} of ${total} bytes); run npm start again to resume`,
        );
      }
      await mkdir(dirname(targetFilePath), { recursive: true });
      await rename(partial, targetFilePath).catch(async (error) => {
        if (error.code !== 'EXDEV') throw error;
        const { copyFile } = await import('node:fs/promises');
        await copyFile(partial, targetFilePath);
        await rm(partial, { force: true });
      });
    },
  };
}

/** The electron package's directory and the binary path.txt names, if it is unpacked. */
export function installedElectron() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { pkgDir, missing: true };
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { pkgDir, missing: true };
  return { pkgDir, binary };
}

/** Downloads the runtime zip into @electron/get's cache (resumable), then lets install.js unpack it. */
export async function downloadElectronRuntime(pkgDir, log) {
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const { downloadArtifact } = await import(require.resolve('@electron/get', { paths: [pkgDir] }));
  const checksums = JSON.parse(readFileSync(join(pkgDir, 'checksums.json'), 'utf8'));
  const partialDir = partialDownloadDir();
  await downloadArtifact({
    version,
    artifactName: 'electron',
    platform: process.env.ELECTRON_INSTALL_PLATFORM || process.platform,
    arch: process.env.ELECTRON_INSTALL_ARCH || process.arch,
    cacheRoot: process.env.electron_config_cache,
    checksums,
    downloader: createResumableDownloader({ partialDir, log }),
  });
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(pkgDir, 'install.js')], { stdio: 'inherit' });
    child.on('error', () => resolve(-1));
    child.on('exit', (status) => resolve(status ?? -1));
  });
  if (code !== 0) throw new Error(`unpacking the runtime failed (electron/install.js exited ${code})`);
}

/**
 * Electron's binary, downloading it first where needed, or the reason it cannot run here. Never
 * throws: a failure becomes `{ reason }`.
 */
export async function electronBinary(log) {
  // Before any download: a runtime that cannot show a window here is not worth 100 MB.
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  let found = installedElectron();
  if (found.reason) return found;
  if (found.missing) {
    log('downloading the Electron runtime (first start only; an interrupted download resumes)…');
    try {
      await downloadElectronRuntime(found.pkgDir, (line) => log(`Electron download: ${line}`));
    } catch (error) {
      const message = (error && error.message ? error.message : String(error)).split('\n')[0];
      return { reason: `the Electron runtime could not be downloaded (${message})` };
    }
    found = installedElectron();
    if (!found.binary) return { reason: 'the Electron runtime was downloaded but path.txt is missing' };
  }
  return { binary: found.binary };
}
