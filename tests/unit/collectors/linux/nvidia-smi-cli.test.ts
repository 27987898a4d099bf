import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError } from '../../../../main/cli/io.js';
import { parseCommand } from '../../../../main/cli/parse-command.js';
import { FIXTURES, recordingIo, REPO_ROOT } from '../../../helpers.js';

const dirs = ['telegraf', 'own'].map((d) => join(FIXTURES, 'nvidia-smi', d));
const fixtures = dirs.flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)));

test('idlewatt parse nvidia-smi FILE prints the normalised reading for every XML and CSV fixture', async () => {
  assert.ok(fixtures.some((f) => f.endsWith('.csv')) && fixtures.some((f) => f.endsWith('.xml')));
  for (const file of fixtures) {
    const io = recordingIo();
    assert.equal(await parseCommand(['nvidia-smi', file], io), 0, file);
    const value = JSON.parse(io.stdout.join('\n'));
    assert.equal(value.source, 'nvidia-smi', file);
    assert.ok(value.devices.length >= 1, file);
    assert.ok('powerWatts' in value.devices[0], file);
  }
});

test('a file that is not nvidia-smi output: a one-line CliError (non-zero exit), nothing printed', async () => {
  for (const file of [join(FIXTURES, 'procfs/procfs/proc/26231/status'), join(REPO_ROOT, 'package.json')]) {
    const io = recordingIo();
    await assert.rejects(parseCommand(['nvidia-smi', file], io), (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.notEqual(error.exitCode, 0);
      assert.match(error.message, /is not nvidia-smi output/);
      assert.equal(error.message.includes('\n'), false);
      return true;
    });
    assert.deepEqual(io.stdout, []);
  }
});

test('the built CLI (dist/cli.cjs) exits 0 with JSON, and non-zero with one stderr line', (t) => {
  const bin = join(REPO_ROOT, 'dist', 'cli.cjs');
  const help = existsSync(bin)
    ? spawnSync(process.execPath, [bin, 'parse', '--help'], { encoding: 'utf8' }).stdout
    : '';
  if (!help.includes('nvidia-smi')) {
    const reason = 'dist/cli.cjs is missing or older than the nvidia-smi parser (run node build/build.mjs)';
    console.log(`skipped: ${reason}`);
    t.skip(reason);
    return;
  }
  const good = spawnSync(
    process.execPath,
    [bin, 'parse', 'nvidia-smi', join(FIXTURES, 'nvidia-smi/telegraf/a10g.xml')],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(good.status, 0, good.stderr);
  assert.equal(JSON.parse(good.stdout).devices[0].powerWatts, 25.58);
  const bad = spawnSync(process.execPath, [bin, 'parse', 'nvidia-smi', join(REPO_ROOT, 'README.md')], {
    encoding: 'utf8',
  });
  assert.notEqual(bad.status, 0);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});
