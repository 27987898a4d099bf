import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../main/cli.js';
import { recordingIo, REPO_ROOT, tempDir } from '../../helpers.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('--version prints the package version', async () => {
  const io = recordingIo();
  assert.equal(await main(['--version'], io), 0);
  assert.deepEqual(io.stdout, [pkg.version]);
});

test('--help lists the commands', async () => {
  const io = recordingIo();
  assert.equal(await main(['--help'], io), 0);
  assert.match(io.stdout.join('\n'), /Usage: idlewatt COMMAND/);
  assert.match(io.stdout.join('\n'), /parse/);
});

test('an unknown command is one line on stderr and exit 2', async () => {
  const io = recordingIo();
  assert.equal(await main(['frobnicate'], io), 2);
  assert.equal(io.stderr.length, 1);
  assert.match(io.stderr[0]!, /unknown command 'frobnicate'/);
});

test('parse with an unknown kind fails with one line, no stack', async () => {
  const io = recordingIo();
  assert.equal(await main(['parse', 'no-such-kind', 'x'], io), 1);
  assert.equal(io.stderr.length, 1);
  assert.doesNotMatch(io.stderr[0]!, /\bat\b.*\(/);
});

test('the built bin runs: dist/cli.cjs --help and --version', () => {
  const bin = join(REPO_ROOT, 'dist', 'cli.cjs');
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);
  const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /idlewatt/);
});

test('monitor --once refuses --replay and --record instead of silently measuring this machine', async () => {
  for (const flag of ['--replay', '--record']) {
    const io = recordingIo();
    assert.equal(await main(['monitor', '--once', flag, 'some-dir'], io), 2);
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0]!, /--once .* cannot be combined with --replay or --record/);
    assert.deepEqual(io.stdout, []);
  }
});

test('a command whose reader goes away (| head -c 1) ends quietly: status 0, nothing on stderr', (t) => {
  const bin = join(REPO_ROOT, 'dist', 'cli.cjs');
  const dir = tempDir(t);
  const input = join(dir, 'ps.txt');
  const row = (i: number) => `${1000 + i} 1 2048 0:0${i % 10}.00 /usr/bin/worker-${i} --flag`;
  writeFileSync(input, Array.from({ length: 20_000 }, (_, i) => row(i)).join('\n') + '\n');
  const run = spawnSync(
    'bash',
    ['-o', 'pipefail', '-c', `"${process.execPath}" "${bin}" parse ps "${input}" | head -c 1`],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(run.status, 0);
  assert.equal(run.stdout.length, 1);
  assert.equal(run.stderr, '', 'no EPIPE, no stack trace');
});
