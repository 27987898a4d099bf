import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultSettings,
  SETTINGS_SCHEMA_VERSION,
  validateSettings,
} from '../../../main/contract/settings.js';
import { migrateSettings, SETTINGS_MIGRATIONS } from '../../../main/settings/index.js';

test('the migration chain reaches the current schema version without gaps', () => {
  let version = 0;
  for (const step of SETTINGS_MIGRATIONS) {
    assert.equal(step.from, version);
    assert.equal(step.to, version + 1);
    version = step.to;
  }
  assert.equal(version, SETTINGS_SCHEMA_VERSION);
});

test('an empty pre-versioned document migrates to exactly the defaults', () => {
  const result = migrateSettings({});
  assert.ok(result.ok);
  assert.equal(result.fromVersion, 0);
  assert.equal(result.applied.length, 1);
  assert.deepEqual(result.document, defaultSettings());
});

test('user values survive the migration, including lists', () => {
  const services = [{ id: 'api', name: 'API', ports: [9999], processNames: [] }];
  const result = migrateSettings({ services, sampling: { intervalSeconds: 10 } });
  assert.ok(result.ok);
  const validated = validateSettings(result.document);
  assert.ok(validated.ok);
  assert.deepEqual(validated.value.services, services);
  assert.equal(validated.value.sampling.intervalSeconds, 10);
  assert.equal(validated.value.sampling.slowIntervalSeconds, defaultSettings().sampling.slowIntervalSeconds);
});

test('a current document passes through unchanged', () => {
  const result = migrateSettings(defaultSettings());
  assert.ok(result.ok);
  assert.deepEqual(result.applied, []);
  assert.deepEqual(result.document, defaultSettings());
});

test('unusable documents are labelled, never thrown', () => {
  for (const [raw, pattern, newer] of [
    [[1, 2], /not hold a JSON object/, false],
    [null, /not hold a JSON object/, false],
    [{ schemaVersion: 'one' }, /not a version number/, false],
    [{ schemaVersion: -1 }, /not a version number/, false],
    [{ schemaVersion: SETTINGS_SCHEMA_VERSION + 1 }, /newer IdleWatt/, true],
  ] as const) {
    const result = migrateSettings(raw);
    assert.ok(!result.ok);
    assert.match(result.reason, pattern);
    assert.equal(result.newer, newer);
  }
});

test('a failing migration step is reported with its versions', () => {
  const broken = [
    {
      from: 0,
      to: 1,
      describe: 'x',
      migrate: () => {
        throw new Error('boom');
      },
    },
  ];
  const result = migrateSettings({}, broken, 1);
  assert.ok(!result.ok);
  assert.match(result.reason, /migration 0→1 failed: boom/);
});
