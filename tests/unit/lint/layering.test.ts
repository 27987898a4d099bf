import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
