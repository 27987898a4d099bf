import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options?: object): string[];
  statFile(archive: string, filename: string, followLinks?: boolean): { files?: object; unpacked?: boolean };
};

/**
 * A stand-in for Electron's unpacked runtime (electron-builder's `electronDist` option takes a
 * folder instead of downloading the zip): the layout electron-builder copies, with a script in
 * place of the `electron` binary, so packaging runs offline.
 */
function standInElectron(dir: string): string {
  const folder = join(dir, 'electron-dist');
  mkdirSync(join(folder, 'resources'), { recursive: true });
  writeFileSync(join(folder, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n');
  chmodSync(join(folder, 'electron'), 0o755);
  writeFileSync(join(folder, 'version'), `v${require('electron/package.json').version}\n`);
  writeFileSync(join(folder, 'LICENSE'), '');
  return folder;
}

const skip =
  process.platform === 'linux'
    ? existsSync(join(REPO_ROOT, 'dist', 'main.cjs'))
      ? false
      : 'dist/main.cjs is missing (run node build/build.mjs)'
    : 'the stand-in runtime has the Linux layout; packaging is checked on Linux';
if (skip) console.log(`packaging test skipped: ${skip}`);

test('electron-builder --dir packs dist/, assets/ and only koffi of node_modules', { skip }, (t) => {
  const dir = tempDir(t, 'idlewatt-pack-');
  const output = join(dir, 'release');
  const run = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--config',
      'build/electron-builder.yml',
      '--linux',
      'dir',
      `-c.electronDist=${standInElectron(dir)}`,
      `-c.directories.output=${output}`,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: 'true' } },
  );
  assert.equal(run.status, 0, `electron-builder failed:\n${run.stdout}\n${run.stderr}`);
  const unpacked = join(output, 'linux-unpacked');
  assert.ok(existsSync(join(unpacked, 'idlewatt')), 'the binary is renamed to the executableName');
  assert.ok(
    !existsSync(join(unpacked, 'resources', 'default_app.asar')),
    "Electron's default app is dropped",
  );
  const files = asar.listPackage(join(unpacked, 'resources', 'app.asar'), { isPack: false });
  for (const expected of [
    '/dist/main.cjs',
    '/dist/preload.cjs',
    '/dist/cli.cjs',
    '/dist/renderer/index.html',
    '/dist/renderer/app.js',
    '/assets/tray/unknown-16.png',
    '/package.json',
  ]) {
    assert.ok(files.includes(expected), `${expected} is packed`);
  }
  // Everything is bundled into dist/ except koffi (native, required at run time on macOS): it and its
  // prebuilt platform package sit outside the archive (app.asar.unpacked), where dlopen() reaches them.
  const archive = join(unpacked, 'resources', 'app.asar');
  const packedModuleFiles = files.filter((file) => {
    if (!file.startsWith('/node_modules/')) return false;
    const entry = asar.statFile(archive, file.slice(1), false);
    return !('files' in entry) && !entry.unpacked;
  });
  assert.deepEqual(packedModuleFiles, [], 'no module code inside the archive');
  const modules = files.filter((file) => /^\/node_modules\/(@[^/]+\/)?[^/@]+$/.test(file));
  assert.deepEqual(modules.sort(), [
    `/node_modules/@koromix/koffi-${process.platform}-${process.arch}`,
    '/node_modules/koffi',
  ]);
  const koffi = require(join(unpacked, 'resources', 'app.asar.unpacked', 'node_modules', 'koffi')) as {
    load(path: string): unknown;
  };
  assert.equal(typeof koffi.load, 'function', 'the unpacked koffi finds its native build');
  assert.deepEqual(
    files.filter((file) => file.endsWith('.map')),
    [],
  );
});
