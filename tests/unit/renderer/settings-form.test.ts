import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSettings, validateSettings } from '../../../main/contract/settings.js';
import {
  blankService,
  errorsByField,
  formatFieldValue,
  parseFieldValue,
  parsePath,
  readField,
  withField,
} from '../../../renderer/model/settings-form.js';

test('paths address nested objects and list items', () => {
  assert.deepEqual(parsePath('alerts.idlePower.warning'), ['alerts', 'idlePower', 'warning']);
  assert.deepEqual(parsePath('services[2].ports'), ['services', 2, 'ports']);
  assert.deepEqual(parsePath('services[2].ports[0]'), ['services', 2, 'ports', 0]);
});

test('text becomes typed values; bad numbers stay text so validation names the field', () => {
  assert.equal(parseFieldValue('number', ' 7.5 '), 7.5);
  assert.equal(parseFieldValue('number', 'abc'), 'abc');
  assert.equal(parseFieldValue('number', ''), '');
  assert.deepEqual(parseFieldValue('number-list', '8080, 9090 70000'), [8080, 9090, 70000]);
  assert.deepEqual(parseFieldValue('number-list', '80, http'), [80, 'http']);
  assert.deepEqual(parseFieldValue('text-list', 'ollama, , ollama-runner'), ['ollama', 'ollama-runner']);
  assert.equal(parseFieldValue('optional-text', '  '), undefined);
  assert.equal(parseFieldValue('boolean', true), true);
  assert.equal(formatFieldValue('number-list', [1, 2]), '1, 2');
  assert.equal(formatFieldValue('optional-text', undefined), '');
});

test('withField copies, sets and deletes without touching the original', () => {
  const base = defaultSettings();
  const changed = withField(base, 'alerts.idlePower.warning', 7);
  assert.equal(changed.alerts.idlePower.warning, 7);
  assert.equal(base.alerts.idlePower.warning, 5);
  assert.equal(readField(changed, 'services[1].probe'), 'ollama');
  const noProbe = withField(changed, 'services[1].probe', undefined);
  assert.equal('probe' in noProbe.services[1]!, false);
  assert.throws(() => withField(base, 'nothing.here', 1), /does not exist/);
});

test('validation errors land on the nearest control, the rest in the summary', () => {
  const bad = withField(
    withField(defaultSettings(), 'alerts.idlePower.warning', 'abc'),
    'services[0].ports',
    [70000],
  );
  const checked = validateSettings(withField(bad, 'services[0].name', ' '));
  assert.equal(checked.ok, false);
  const errors = checked.ok ? [] : checked.errors;
  const grouped = errorsByField(errors, ['alerts.idlePower.warning', 'services[0].ports', 'services[0]']);
  assert.deepEqual(grouped.get('alerts.idlePower.warning'), ['must be a number']);
  assert.deepEqual(grouped.get('services[0].ports'), ['services[0].ports[0]: must be between 1 and 65535']);
  assert.deepEqual(grouped.get('services[0]'), ['services[0].name: must not be empty']);
  const loose = errorsByField([{ field: 'schemaVersion', reason: 'must be 1' }], ['api.port']);
  assert.deepEqual(loose.get(''), ['schemaVersion must be 1']);
});

test('a blank service gets a free id and fails validation until it has a name and a port', () => {
  const service = blankService(['service-1', 'ollama']);
  assert.equal(service.id, 'service-2');
  const settings = defaultSettings();
  settings.services.push(service);
  const checked = validateSettings(settings);
  assert.equal(checked.ok, false);
  assert.ok(
    !checked.ok && checked.errors.some((e) => e.field === `services[${settings.services.length - 1}]`),
  );
});
