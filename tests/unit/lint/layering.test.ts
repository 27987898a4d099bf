import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../../helpers.js';

// Lints temporary files placed inside the real tree so the project's own eslint.config.js applies.
async function lintTemp(relDir: string, source: string): Promise<string[]> {
  const dir = join(REPO_ROOT, relDir, `__layering_${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'probe.ts');
  try {
    writeFileSync(file, source);
    const eslint = new ESLint({ cwd: REPO_ROOT });
    const [result] = await eslint.lintFiles([file]);
    return layeringMessages(result?.messages ?? []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LAYERING_RULES = new Set(['no-restricted-imports', 'idlewatt/layer-direction']);
const layeringMessages = (messages: readonly { ruleId: string | null; message: string }[]): string[] =>
  messages.filter((m) => m.ruleId !== null && LAYERING_RULES.has(m.ruleId)).map((m) => m.message);

interface Probe {
  /** The folder the importing file sits in. */
  in: string;
  /** What it imports (a package, or a path from the repository root). */
  imports: string;
}

/** Lints one probe file per case in a single ESLint run; returns each probe's layering messages. */
async function lintProbes(probes: readonly Probe[]): Promise<string[][]> {
  const dirs: string[] = [];
  try {
    const files = probes.map((probe, i) => {
      const dir = join(REPO_ROOT, probe.in, `__layering_${process.pid}_${i}`);
      dirs.push(mkdirSync(dir, { recursive: true }) ?? dir); // the first folder it created
      const specifier = /^(main|renderer|preload)\//.test(probe.imports)
        ? relative(dir, join(REPO_ROOT, probe.imports)).replaceAll('\\', '/')
        : probe.imports;
      const file = join(dir, 'probe.ts');
      writeFileSync(file, `import * as m from '${specifier}';\nexport const x = m;\n`);
      return file;
    });
    const results = await new ESLint({ cwd: REPO_ROOT }).lintFiles(files);
    return files.map((file) => layeringMessages(results.find((r) => r.filePath === file)?.messages ?? []));
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

const electronImport = "import { app } from 'electron';\nexport const x = app;\n";

test('an electron import outside main/shell and preload is a lint error', async () => {
  const messages = await lintTemp('main/sampler', electronImport);
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /only under main\/shell/);
});

test('an electron import inside main/shell is allowed', async () => {
  assert.deepEqual(await lintTemp('main/shell', electronImport), []);
});

test('main/contract may not import node built-ins', async () => {
  const messages = await lintTemp(
    'main/contract',
    "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
  );
  assert.equal(messages.length, 1);
  assert.match(messages[0]!, /runtime-neutral/);
});

test('the renderer may import main/contract but nothing else from main/', async () => {
  const bad = await lintTemp(
    'renderer',
    "import { COLLECTORS } from '../../main/collectors/registry.js';\nexport const c = COLLECTORS;\n",
  );
  assert.equal(bad.length, 1);
  assert.match(bad[0]!, /only through main\/contract/);
  const good = await lintTemp(
    'renderer',
    "import { ok } from '../../main/contract/index.js';\nexport const o = ok;\n",
  );
  assert.deepEqual(good, []);
});

const refused: (Probe & { why: RegExp })[] = [
  { in: 'main/sampler', imports: 'menubar', why: /menubar may be imported only under main\/shell/ },
  {
    in: 'main/sampler',
    imports: 'electron-store',
    why: /electron-store may be imported only under main\/shell/,
  },
  { in: 'preload', imports: 'menubar', why: /menubar may be imported only under main\/shell/ },
  { in: 'main/contract', imports: 'main/store/index.js', why: /contract may not import store/ },
  { in: 'main/contract', imports: 'main/paths.js', why: /contract may not import paths/ },
  { in: 'main/collectors', imports: 'main/api/server.js', why: /collectors may not import api/ },
  {
    in: 'main/collectors/linux',
    imports: 'main/sampler/sampler.js',
    why: /collectors may not import sampler/,
  },
  { in: 'main/sampler', imports: 'main/store/index.js', why: /sampler may not import store/ },
  { in: 'main/store', imports: 'main/alerts/engine.js', why: /store may not import alerts/ },
  { in: 'main/store', imports: 'main/report/compare.js', why: /store may not import report/ },
  { in: 'main/settings', imports: 'main/store/index.js', why: /settings may not import store/ },
  { in: 'main/alerts', imports: 'main/api/server.js', why: /alerts may not import api/ },
  { in: 'main/exporters', imports: 'main/api/server.js', why: /exporters may not import api/ },
  { in: 'main/api', imports: 'main/mcp/server.js', why: /api may not import mcp/ },
  { in: 'main/mcp', imports: 'main/assembly/local-core.js', why: /mcp may not import assembly/ },
  { in: 'main/api', imports: 'main/assembly/monitor-core.js', why: /api may not import assembly/ },
  { in: 'main/assembly', imports: 'main/cli/monitor-command.js', why: /assembly may not import cli/ },
  { in: 'main/assembly', imports: 'main/shell/app.js', why: /assembly may not import shell/ },
  { in: 'main/cli', imports: 'main/shell/app.js', why: /cli may not import shell/ },
  { in: 'main/shell', imports: 'main/cli/monitor-command.js', why: /shell may not import cli/ },
  { in: 'main/collectors', imports: 'renderer/app.js', why: /collectors may not import renderer/ },
  {
    in: 'main/unplaced',
    imports: 'main/contract/index.js',
    why: /main\/unplaced has no place in the layer order/,
  },
  { in: 'renderer/views', imports: 'main/store/index.js', why: /only through main\/contract/ },
  { in: 'preload', imports: 'main/assembly/types.js', why: /only through main\/contract/ },
];

test('every import against the layer order is a lint error naming both sides', async () => {
  const messages = await lintProbes(refused);
  refused.forEach((probe, i) => {
    const got = messages[i]!;
    assert.equal(got.length, 1, `${probe.in} importing ${probe.imports}: ${JSON.stringify(got)}`);
    assert.match(got[0]!, probe.why);
  });
});

test('imports down the layer order, and the allowed ones within a layer, pass', async () => {
  const allowed: Probe[] = [
    { in: 'main/collectors', imports: 'main/contract/index.js' },
    { in: 'main/collectors', imports: 'main/paths.js' },
    { in: 'main/sampler', imports: 'main/collectors/types.js' },
    { in: 'main/store', imports: 'main/contract/index.js' },
    { in: 'main/alerts/sinks', imports: 'main/collectors/types.js' },
    { in: 'main/report', imports: 'main/store/index.js' },
    { in: 'main/settings', imports: 'main/paths.js' },
    { in: 'main/api', imports: 'main/exporters/prometheus.js' },
    { in: 'main/api', imports: 'main/report/compare.js' },
    { in: 'main/mcp', imports: 'main/api/auth.js' },
    { in: 'main/cli', imports: 'main/mcp/server.js' },
    { in: 'main/exporters', imports: 'main/version.js' },
    { in: 'main/assembly', imports: 'main/settings/index.js' },
    { in: 'main/assembly', imports: 'main/sampler/sampler.js' },
    { in: 'main/cli', imports: 'main/assembly/monitor-core.js' },
    { in: 'main/shell', imports: 'main/assembly/monitor-core.js' },
    { in: 'main/shell', imports: 'menubar' },
    { in: 'preload', imports: 'main/contract/ipc.js' },
  ];
  const messages = await lintProbes(allowed);
  allowed.forEach((probe, i) => assert.deepEqual(messages[i], [], `${probe.in} importing ${probe.imports}`));
});
