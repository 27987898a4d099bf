import assert from 'node:assert/strict';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSettingsStore } from '../../../main/settings/index.js';
import { openHistoryStore } from '../../../main/store/index.js';
import { tempDir } from '../../helpers.js';
import { makeSample } from './sample-factory.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath ?? dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

test('history and settings files are created 0600 even in a 0755 folder under umask 022', async (t) => {
  const previous = process.umask(0o022);
  t.after(() => process.umask(previous));
  const dir = tempDir(t, 'idlewatt-modes-');
  chmodSync(dir, 0o755);
  const settings = openSettingsStore({ cwd: dir });
  const saved = settings.update({ ...settings.get(), api: { ...settings.get().api, port: 8788 } });
  assert.ok(saved.ok);
  const store = await openHistoryStore({
    dataDir: dir,
    rawDays: 7,
    rollupDays: 90,
    now: () => Date.UTC(2025, 0, 2, 3),
  });
  store.append(makeSample({ at: Date.UTC(2025, 0, 2, 3) }));
  await store.flush();
  await store.close();
  const files = filesUnder(dir);
  assert.ok(files.length >= 2, files.join(', '));
  for (const file of files) {
    assert.equal((statSync(file).mode & 0o777).toString(8), '600', file);
  }
});
