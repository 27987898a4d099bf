// A crash's torn line and a corrupt history file are not only counted in the report: the monitor
// prints them on stderr and lists them in /api/status.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeSample } from '../../main/store/record-codec.js';
import { tempDir } from '../helpers.js';
import { makeStackSample } from '../unit/store/sample-factory.js';
import { CLI, startMonitor } from './monitor-process.js';

const skip = existsSync(CLI) ? false : 'the CLI is not built (node build/build.mjs)';

test(
  'torn and corrupt history lines found at start are printed and listed in the status notices',
  { skip },
  async (t) => {
    const dataDir = tempDir(t, 'idlewatt-notices-');
    const raw = join(dataDir, 'history', 'raw');
    mkdirSync(raw, { recursive: true });
    const at = Date.now() - 60_000;
    const file = join(raw, `${new Date(at).toISOString().slice(0, 13)}.jsonl`);
    const lines = [0, 1, 2].map((i) => encodeSample(makeStackSample({ at: at + i * 5000 })));
    const torn = encodeSample(makeStackSample({ at: at + 15_000 })).slice(0, 40);
    writeFileSync(file, `${lines[0]}\nnot a sample\n${lines[1]}\n${lines[2]}\n${torn}`);

    const monitor = await startMonitor(dataDir, ['--interval', '1']);
    t.after(() => monitor.stop());
    await monitor.waitForLine(/^idlewatt monitor: history: 1 line cut short by a crash was dropped$/);
    await monitor.waitForLine(
      /^idlewatt monitor: history: a corrupt file was moved to .*quarantine.*; its valid lines were kept$/,
    );
    const { body: status } = await monitor.api('/api/status');
    const notices: string[] = status.notices;
    assert.ok(
      notices.some((n) => /1 line cut short by a crash was dropped/.test(n)),
      notices.join(' | '),
    );
    assert.ok(
      notices.some((n) => /a corrupt file was moved to .*quarantine/.test(n)),
      notices.join(' | '),
    );
  },
);
