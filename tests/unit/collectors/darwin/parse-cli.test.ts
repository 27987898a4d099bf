import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError } from '../../../../main/cli/io.js';
import { parseCommand } from '../../../../main/cli/parse-command.js';
import { FIXTURES, recordingIo } from '../../../helpers.js';

const dir = (name: string): string => join(FIXTURES, name);
const files = (name: string, pattern: RegExp): string[] =>
  readdirSync(dir(name))
    .filter((f) => pattern.test(f))
    .map((f) => join(dir(name), f));

/** `idlewatt parse KIND FILE` as the CLI runs it: a CliError becomes one stderr line and its exit code. */
async function parse(kind: string, file: string) {
  const io = recordingIo();
  try {
    return { code: await parseCommand([kind, file], io), io };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(`idlewatt parse: ${error.message}`);
    return { code: error.exitCode, io };
  }
}

test('parse powermetrics on the M4 Max fixture prints CPU, GPU, package and ANE watts, thermal pressure and tasks', async () => {
  const { code, io } = await parse(
    'powermetrics',
    join(dir('powermetrics'), 'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist'),
  );
  assert.equal(code, 0);
  assert.equal(io.stdout.length, 1);
  const doc = JSON.parse(io.stdout[0]!);
  assert.deepEqual(
    [doc.cpuWatts, doc.gpuWatts, doc.packageWatts, doc.aneWatts, doc.thermalPressure, doc.tasks.length],
    [2.978, 0.27, 3.248, 0, 'nominal', 105],
  );
  assert.equal(doc.elapsedSeconds, 1.023685416);
});

const cases: [string, string[], number][] = [
  ['powermetrics', files('powermetrics', /\.(plist|xml)$/), 0],
  ['powermetrics-text', files('powermetrics', /\.txt$/), 0],
  ['ioreg-battery', files('ioreg', /./), 0],
  ['pmset-therm', files('pmset', /./), 0],
  ['ps', files('ps', /./), 0],
  ['ps-args', files('ps', /comm-args/), 0],
  ['lsof', files('lsof', /./), 0],
  ['netstat', files('replay/darwin-m4max-stack/outputs', /^netstat/), 0],
  ['ollama-ps', files('ollama', /./), 0],
];

test('every matching fixture parses; per-document kinds print one JSON object per line', async () => {
  for (const [kind, paths] of cases) {
    assert.ok(paths.length > 0, kind);
    for (const path of paths) {
      const { code, io } = await parse(kind, path);
      assert.equal(code, 0, `${kind} ${path}: ${io.stderr.join(' ')}`);
      for (const line of kind.startsWith('powermetrics') ? io.stdout : [io.stdout.join('\n')])
        JSON.parse(line);
      if (kind === 'powermetrics') {
        for (const line of io.stdout) {
          const doc = JSON.parse(line);
          for (const key of [
            'cpuWatts',
            'gpuWatts',
            'aneWatts',
            'packageWatts',
            'thermalPressure',
            'elapsedSeconds',
            'tasks',
          ]) {
            assert.ok(key in doc, `${path} lacks ${key}`);
          }
        }
      }
    }
  }
});

test('output of another kind exits non-zero with one line saying so', async () => {
  const text = join(dir('powermetrics'), 'm1max-macbookpro18_2-macos14_6-text-samplers-all-1s.txt');
  const plist = join(dir('powermetrics'), 'm4pro-mac16_8-macos15_5-plist-battery.xml');
  const wrong: [string, string][] = [
    ['powermetrics', text],
    ['powermetrics-text', plist],
    ['ioreg-battery', plist],
    ['pmset-therm', plist],
    ['ps', plist],
    ['lsof', plist],
    ['netstat', plist],
    ['ollama-ps', plist],
  ];
  for (const [kind, path] of wrong) {
    const { code, io } = await parse(kind, path);
    assert.notEqual(code, 0, kind);
    assert.equal(io.stderr.length, 1, kind);
    assert.match(io.stderr[0]!, new RegExp(`is not ${kind} output`));
    assert.doesNotMatch(io.stderr[0]!, /\n/);
  }
});
