import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../main/cli.js';
import { defaultSettings, type CompareResult, type Report } from '../../../main/contract/index.js';
import { openHistoryStore } from '../../../main/store/history-store.js';
import { recordingIo, tempDir } from '../../helpers.js';
import { HOUR, scriptedDay } from '../report/scripted-day.js';
import { T0 } from '../store/sample-factory.js';

async function dataDirWithDay(t: { after(fn: () => void): void }): Promise<string> {
  const dir = tempDir(t);
  const store = await openHistoryStore({
    dataDir: dir,
    rawDays: 3650,
    rollupDays: 3650,
    now: () => T0 + 25 * HOUR,
  });
  for (const s of scriptedDay()) store.append(s);
  await store.close();
  return dir;
}

const iso = (at: number): string => new Date(at).toISOString();

test('report --format json over a stored day', async (t) => {
  const dir = await dataDirWithDay(t);
  const io = recordingIo();
  const code = await main(
    ['report', '--data-dir', dir, '--from', iso(T0), '--to', iso(T0 + 24 * HOUR), '--format', 'json'],
    io,
  );
  assert.equal(code, 0, io.stderr.join('\n'));
  const report = JSON.parse(io.stdout.join('\n')) as Report;
  assert.equal(report.sampleCount, 17_280);
  assert.ok(Math.abs(report.systemIdleWattHours! - 132) < 1e-3);
  assert.equal(report.recommendations[2]!.action, 'unload-ollama');
  assert.deepEqual(io.stderr, []);
});

test('report defaults to markdown; csv on request; --from=… form accepted', async (t) => {
  const dir = await dataDirWithDay(t);
  const md = recordingIo();
  assert.equal(await main(['report', `--data-dir=${dir}`, `--from=${T0}`, `--to=${T0 + 24 * HOUR}`], md), 0);
  assert.match(md.stdout.join('\n'), /\*\*132 Wh wasted while idle\*\*/);
  const csv = recordingIo();
  assert.equal(
    await main(
      ['report', '--data-dir', dir, '--from', `${T0}`, '--to', `${T0 + 24 * HOUR}`, '--format', 'csv'],
      csv,
    ),
    0,
  );
  assert.equal(csv.stdout.join('\n').split('\n').length, 4);
});

test("report uses the data directory's settings.json, and warns (defaults) when it is unusable", async (t) => {
  const dir = await dataDirWithDay(t);
  const settings = defaultSettings();
  settings.services.find((s) => s.id === 'ollama')!.name = 'LLM server';
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  const args = [
    'report',
    '--data-dir',
    dir,
    '--from',
    iso(T0),
    '--to',
    iso(T0 + 24 * HOUR),
    '--format',
    'json',
  ];
  const io = recordingIo();
  assert.equal(await main(args, io), 0, io.stderr.join('\n'));
  const report = JSON.parse(io.stdout.join('\n')) as Report;
  assert.equal(report.services.find((s) => s.serviceId === 'ollama')!.name, 'LLM server');
  assert.match(report.recommendations.find((r) => r.action === 'unload-ollama')!.text, /^LLM server kept/);
  assert.deepEqual(io.stderr, []);

  writeFileSync(join(dir, 'settings.json'), '{ not json');
  const bad = recordingIo();
  assert.equal(await main(args, bad), 0);
  const fallback = JSON.parse(bad.stdout.join('\n')) as Report;
  assert.equal(fallback.services.find((s) => s.serviceId === 'ollama')!.name, 'Ollama');
  assert.equal(bad.stderr.length, 1);
  assert.match(
    bad.stderr[0]!,
    /warning: the settings file .*settings\.json could not be used because it is not valid JSON/,
  );
  assert.equal(
    readFileSync(join(dir, 'settings.json'), 'utf8'),
    '{ not json',
    'report never rewrites settings',
  );
});

test('report errors are one line with the reason', async (t) => {
  const missing = join(tempDir(t), 'nowhere');
  const cases: [string[], number, RegExp][] = [
    [
      ['report', '--data-dir', missing],
      1,
      /no history in .*nowhere.*run 'idlewatt monitor' first or pass --data-dir/,
    ],
    [['report', '--since', 'forever'], 2, /--since 'forever' is not a duration/],
    [['report', '--since', '1h', '--from', '2025-01-01'], 2, /either --since or --from\/--to/],
    [['report', '--format', 'pdf'], 2, /--format must be one of md, json, csv/],
    [['report', '--bogus', 'x'], 2, /unknown option '--bogus'/],
    [['report', '--data-dir'], 2, /--data-dir needs a value/],
  ];
  for (const [args, exit, message] of cases) {
    const io = recordingIo();
    assert.equal(await main(args, io), exit, args.join(' '));
    assert.equal(io.stderr.length, 1, args.join(' '));
    assert.match(io.stderr[0]!, message);
  }
});

test('compare --before/--after over stored history', async (t) => {
  const dir = await dataDirWithDay(t);
  const io = recordingIo();
  const before = `${iso(T0)}..${iso(T0 + 8 * HOUR)}`;
  const after = `${T0 + 10 * HOUR}..${T0 + 24 * HOUR}`;
  assert.equal(
    await main(['compare', '--before', before, '--after', after, '--data-dir', dir, '--format', 'json'], io),
    0,
  );
  const result = JSON.parse(io.stdout.join('\n')) as CompareResult;
  assert.equal(result.figures[0]!.before, 6);
  assert.equal(result.figures[0]!.after, 6);
  assert.equal(result.figures[0]!.significant, false);
  assert.match(result.verdict, /within the noise \(±0\.0 W\): no measurable difference/);
  const md = recordingIo();
  assert.equal(await main(['compare', '--before', before, '--after', after, '--data-dir', dir], md), 0);
  assert.match(md.stdout.join('\n'), /^# IdleWatt compare/);
  assert.doesNotMatch(md.stdout.join('\n'), /\de-\d/, 'no floating-point residue such as 7.3e-16');
});

test('compare errors are one line with the reason', async () => {
  const cases: [string[], RegExp][] = [
    [['compare', '--after', '1..2'], /--before FROM\.\.TO is required/],
    [
      ['compare', '--before', 'x..y', '--after', '1..2'],
      /--before: 'x' is not an ISO time or epoch milliseconds/,
    ],
    [
      ['compare', '--before', '2025-01-02..2025-01-01', '--after', '2025-01-03..2025-01-04'],
      /--before: the start must be before the end/,
    ],
    [
      [
        'compare',
        '--before',
        '2025-01-01..2025-01-02',
        '--after',
        '2025-01-03..2025-01-04',
        '--format',
        'csv',
      ],
      /--format must be one of md, json/,
    ],
  ];
  for (const [args, message] of cases) {
    const io = recordingIo();
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0]!, message);
  }
});

test('--help lists report and compare', async () => {
  const io = recordingIo();
  assert.equal(await main(['--help'], io), 0);
  assert.match(io.stdout.join('\n'), /report\s+Idle energy report/);
  assert.match(io.stdout.join('\n'), /compare\s+Before vs after/);
  const help = recordingIo();
  assert.equal(await main(['report', '--help'], help), 0);
  assert.match(help.stdout[0]!, /^Usage: idlewatt report/);
});
