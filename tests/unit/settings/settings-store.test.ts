import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultSettings, validateSettings } from '../../../main/contract/settings.js';
import { openSettingsStore, SETTINGS_FILE_NAME } from '../../../main/settings/index.js';
import { tempDir } from '../../helpers.js';

const FIXED_NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const backups = (dir: string, label: string) =>
  readdirSync(dir).filter((f) => f.startsWith(`${SETTINGS_FILE_NAME}.${label}-`));
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

test('a missing file is created with the defaults and no notice', (t) => {
  const dir = tempDir(t);
  const store = openSettingsStore({ cwd: dir });
  assert.equal(store.path, join(dir, SETTINGS_FILE_NAME));
  assert.deepEqual(store.get(), defaultSettings());
  assert.deepEqual(readJson(store.path), defaultSettings());
  assert.deepEqual(store.notices, []);
});

test('a corrupt file is backed up, replaced by defaults, and leaves a visible notice', (t) => {
  const dir = tempDir(t);
  const file = join(dir, SETTINGS_FILE_NAME);
  writeFileSync(file, '{"schemaVersion": 1, "services": [');
  const store = openSettingsStore({ cwd: dir, now: () => FIXED_NOW });
  assert.deepEqual(store.get(), defaultSettings());
  assert.deepEqual(readJson(file), defaultSettings());
  assert.deepEqual(backups(dir, 'corrupt'), ['settings.json.corrupt-2025-01-02T03-04-05-678Z']);
  assert.equal(
    readFileSync(join(dir, 'settings.json.corrupt-2025-01-02T03-04-05-678Z'), 'utf8'),
    '{"schemaVersion": 1, "services": [',
  );
  assert.equal(store.notices.length, 1);
  assert.match(store.notices[0]!, /not valid JSON/);
  assert.match(store.notices[0]!, /backed up to .*settings\.json\.corrupt-2025-01-02T03-04-05-678Z/);
});

test('a file with invalid values is backed up with the failing fields named', (t) => {
  const dir = tempDir(t);
  const file = join(dir, SETTINGS_FILE_NAME);
  const bad = { ...defaultSettings(), api: { port: 80 } };
  writeFileSync(file, JSON.stringify(bad));
  const store = openSettingsStore({ file, now: () => FIXED_NOW });
  assert.equal(store.get().api.port, 8787);
  assert.match(store.notices[0]!, /api\.port must be between 1024 and 65535/);
  assert.equal(backups(dir, 'corrupt').length, 1);
});

test('a file from a newer IdleWatt is kept aside as .newer-<time>, not overwritten', (t) => {
  const dir = tempDir(t);
  const file = join(dir, SETTINGS_FILE_NAME);
  writeFileSync(file, JSON.stringify({ ...defaultSettings(), schemaVersion: 99 }));
  const store = openSettingsStore({ file, now: () => FIXED_NOW });
  assert.deepEqual(store.get(), defaultSettings());
  assert.equal(backups(dir, 'newer').length, 1);
  assert.match(store.notices[0]!, /newer IdleWatt \(schema version 99/);
});

test('a pre-versioned file is migrated: its values kept, missing keys filled, a notice left', (t) => {
  const dir = tempDir(t);
  const file = join(dir, SETTINGS_FILE_NAME);
  writeFileSync(file, JSON.stringify({ api: { port: 9000 }, alerts: { notifications: false } }));
  const store = openSettingsStore({ file });
  const settings = store.get();
  assert.equal(settings.schemaVersion, 1);
  assert.equal(settings.api.port, 9000);
  assert.equal(settings.alerts.notifications, false);
  assert.deepEqual(settings.alerts.idlePower, defaultSettings().alerts.idlePower);
  assert.deepEqual(readJson(file), settings);
  assert.deepEqual(store.notices, ['Settings were updated from schema version 0 to the current one.']);
  assert.equal(backups(dir, 'corrupt').length, 0);
});

test('update saves valid settings and returns field errors for invalid ones without touching the file', (t) => {
  const dir = tempDir(t);
  const store = openSettingsStore({ cwd: dir });
  const next = defaultSettings();
  next.alerts.idlePower.warning = 3.5;
  const saved = store.update(next);
  assert.ok(saved.ok);
  assert.equal(saved.settings.alerts.idlePower.warning, 3.5);
  assert.equal(
    openSettingsStore({ cwd: dir }).get().alerts.idlePower.warning,
    3.5,
    'a second store reads it back',
  );

  const before = readFileSync(store.path, 'utf8');
  const rejected = store.update({ ...next, sampling: { ...next.sampling, intervalSeconds: -1 } });
  assert.ok(!rejected.ok);
  assert.deepEqual(
    rejected.errors.map((e) => e.field),
    ['sampling.intervalSeconds'],
  );
  assert.equal(readFileSync(store.path, 'utf8'), before);
  assert.ok(!store.update('not settings').ok);
});

test('get shares one frozen copy until the file changes on disk; an edit there is read again', (t) => {
  const dir = tempDir(t);
  const store = openSettingsStore({ cwd: dir });
  const first = store.get();
  assert.equal(store.get(), first, 'no copy per call while the file is unchanged');
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.sampling) && Object.isFrozen(first.services[0]));
  assert.throws(() => {
    (first.sampling as { intervalSeconds: number }).intervalSeconds = 1;
  }, TypeError);
  const edited = { ...defaultSettings(), api: { port: 19999 } };
  writeFileSync(store.path, JSON.stringify(edited, null, 2) + '\n');
  assert.equal(store.get().api.port, 19999);
  assert.equal(first.api.port, defaultSettings().api.port, 'a copy handed out earlier is unchanged');
});

test('a file corrupted while running is recovered on the next get, never thrown', (t) => {
  const dir = tempDir(t);
  const store = openSettingsStore({ cwd: dir, now: () => FIXED_NOW });
  store.get();
  writeFileSync(store.path, 'garbage that is much longer than the previous json? no: different size');
  assert.deepEqual(store.get(), defaultSettings());
  assert.equal(backups(dir, 'corrupt').length, 1);
  assert.match(store.notices.at(-1)!, /unreadable while IdleWatt ran/);
});

test('a settings path inside a regular file falls back to memory with a notice', (t) => {
  const dir = tempDir(t);
  const blocker = join(dir, 'not-a-dir');
  writeFileSync(blocker, 'x');
  const store = openSettingsStore({ file: join(blocker, SETTINGS_FILE_NAME) });
  assert.deepEqual(store.get(), defaultSettings());
  assert.match(store.notices.join('\n'), /cannot be read or written/);
  const next = defaultSettings();
  next.launchAtLogin = true;
  assert.ok(store.update(next).ok);
  assert.equal(store.get().launchAtLogin, true);
});

test("the 'electron-store' engine needs the class passed in (this module never loads Electron)", (t) => {
  const dir = tempDir(t);
  assert.throws(
    () => openSettingsStore({ cwd: dir, engine: 'electron-store' }),
    /needs the electronStore class/,
  );
});

test('any file content opens without throwing and yields valid settings', async (t) => {
  const dir = tempDir(t);
  let n = 0;
  await fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.jsonValue().map((v) => JSON.stringify({ ...defaultSettings(), sampling: v })),
      ),
      (content) => {
        const file = join(dir, `case-${n++}.json`);
        writeFileSync(file, content);
        const store = openSettingsStore({ file, now: () => FIXED_NOW + n });
        assert.ok(validateSettings(store.get()).ok);
        assert.ok(existsSync(file));
      },
    ),
    { numRuns: 150 },
  );
});
