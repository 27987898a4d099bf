#!/usr/bin/env node
// Runs every *.test.ts under tests/ with node's test runner (tsx for TypeScript).
// Usage: node tests/run.mjs [path-substring …]   e.g. `node tests/run.mjs collectors/linux`
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : find(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = find(join(root, 'tests'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`tests/run.mjs: no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Tests write under test-results/ or a temp dir, never over tracked files (`npm run screenshots`
// refreshes the README's pictures on purpose, with IDLEWATT_UPDATE_SCREENSHOTS=1).
const changedTracked = () => {
  const diff = spawnSync('git', ['diff', '--name-only'], { cwd: root, encoding: 'utf8' });
  return diff.status === 0 ? new Set(diff.stdout.split('\n').filter(Boolean)) : null;
};
const before = changedTracked();
// A test that stalls fails with its name after 10 minutes instead of holding the whole run.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=600000', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, IDLEWATT_TEST: '1' },
});
const after = changedTracked();
const dirtied = before && after ? [...after].filter((f) => !before.has(f)) : [];
if (dirtied.length > 0 && process.env.IDLEWATT_UPDATE_SCREENSHOTS !== '1') {
  console.error(`tests/run.mjs: the tests changed tracked files: ${dirtied.join(', ')}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
