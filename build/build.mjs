#!/usr/bin/env node
// Bundles the four targets with esbuild; `--typecheck` also runs tsc on each target's tsconfig.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const typecheck = process.argv.includes('--typecheck');
const started = Date.now();

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'renderer'), { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // ESM-only dependencies (execa, electron-store, conf) are bundled in; Electron is provided at run time,
  // and koffi loads its prebuilt native module from node_modules.
  external: ['electron', 'koffi'],
  // execa & co. use import.meta.url; map it to a CJS equivalent.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...node, entryPoints: [join(root, 'main/index.ts')], outfile: join(dist, 'main.cjs') }),
  build({
    ...node,
    entryPoints: [join(root, 'main/cli.ts')],
    outfile: join(dist, 'cli.cjs'),
    banner: { js: '#!/usr/bin/env node\n' + node.banner.js },
  }),
  // Sandboxed preloads can require only 'electron' and a few polyfilled modules: one self-contained file.
  build({
    ...node,
    entryPoints: [join(root, 'preload/index.ts')],
    outfile: join(dist, 'preload.cjs'),
    define: {},
    banner: {},
  }),
  build({
    bundle: true,
    platform: 'browser',
    target: ['chrome120'],
    format: 'iife',
    sourcemap: 'linked',
    logLevel: 'warning',
    entryPoints: [join(root, 'renderer/main.ts')],
    outfile: join(dist, 'renderer/app.js'),
  }),
]);
for (const file of ['index.html', 'styles.css']) {
  cpSync(join(root, 'renderer', file), join(dist, 'renderer', file));
}

if (typecheck) {
  for (const project of ['tsconfig.json', 'renderer/tsconfig.json', 'preload/tsconfig.json']) {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], {
      cwd: root,
      stdio: 'inherit',
    });
    if (tsc.status !== 0) {
      console.error(`build: type errors in ${project}`);
      process.exit(1);
    }
  }
}
chmodSync(join(dist, 'cli.cjs'), 0o755);
console.log(`build: dist/ ready in ${Date.now() - started} ms${typecheck ? ' (type-checked)' : ''}`);
