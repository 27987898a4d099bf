import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError } from '../../../../main/cli/io.js';
import { parseCommand } from '../../../../main/cli/parse-command.js';
import { recordingIo } from '../../../helpers.js';
import { PROCFS_PROC } from './linux-env.js';

test('idlewatt parse proc-pid-stat and proc-net-tcp print JSON for the procfs fixtures', async () => {
  const stat = recordingIo();
  assert.equal(await parseCommand(['proc-pid-stat', join(PROCFS_PROC, '584', 'stat')], stat), 0);
  assert.equal(JSON.parse(stat.stdout.join('\n')).comm, '(a b ) ( c d) ');
  const tcp = recordingIo();
  assert.equal(await parseCommand(['proc-net-tcp', join(PROCFS_PROC, 'net', 'tcp6')], tcp), 0);
  assert.equal(JSON.parse(tcp.stdout.join('\n')).length, 2);
});

test('other files are refused with a one-line error', async () => {
  for (const [kind, file] of [
    ['proc-pid-stat', join(PROCFS_PROC, '26231', 'status')],
    ['proc-net-tcp', join(PROCFS_PROC, '26231', 'status')],
  ] as const) {
    await assert.rejects(parseCommand([kind, file], recordingIo()), (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.match(error.message, new RegExp(`is not ${kind} output`));
      return true;
    });
  }
});
