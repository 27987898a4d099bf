import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from '../../helpers.js';

const COMMITTED = join(FIXTURES, 'replay', 'darwin-m4max-demo');

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

test('the committed demo recording is exactly what build/demo-recording.mjs writes', (t) => {
  const out = join(tempDir(t), 'demo');
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'build', 'demo-recording.mjs'), out], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const written = files(out);
  assert.deepEqual(files(COMMITTED), written);
  for (const file of written) {
    assert.ok(readFileSync(join(out, file)).equals(readFileSync(join(COMMITTED, file))), `${file} differs`);
  }
});

test('the demo keeps its real capture verbatim', () => {
  const name = 'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist';
  const copy = readFileSync(join(COMMITTED, 'captures', name));
  assert.ok(copy.equals(readFileSync(join(FIXTURES, 'powermetrics', name))));
});
