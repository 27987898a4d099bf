import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSettings, validateSettings } from '../../../main/contract/settings.js';

test('the default settings are valid and hold the UnaMentis stack', () => {
  const result = validateSettings(defaultSettings());
  assert.equal(result.ok, true);
  if (!result.ok) return;
  assert.deepEqual(
    result.value.services.map((s) => [s.id, s.ports[0]]),
    [
      ['management-console', 8766],
      ['ollama', 11434],
      ['vibevoice', 8880],
      ['nextjs', 3000],
      ['piper', 11402],
      ['whisper', 11401],
    ],
  );
  assert.equal(result.value.alerts.idlePower.warning, 5);
});

test('each invalid field is reported with its path and reason', () => {
  const s = defaultSettings() as unknown as Record<string, any>;
  s.services[0].ports = [70000];
  s.services[1].id = 'Not A Slug';
  s.services.push({ id: 'ollama', name: 'dup', ports: [1], processNames: [] });
  s.alerts.idlePower.critical = 1;
  s.alerts.webhookUrl = 'ftp://example';
  s.services[2].commandPattern = '([';
  const result = validateSettings(s);
  assert.equal(result.ok, false);
  if (result.ok) return;
  const fields = result.errors.map((e) => e.field);
  assert.deepEqual(fields.sort(), [
    'alerts.idlePower.critical',
    'alerts.webhookUrl',
    'services[0].ports[0]',
    'services[1].id',
    'services[2].commandPattern',
  ]);
  assert.match(result.errors.find((e) => e.field === 'services[0].ports[0]')!.reason, /between 1 and 65535/);
});

test('a duplicate service id and a service with nothing to match are rejected', () => {
  const s = defaultSettings();
  s.services.push({ ...s.services[0]! });
  s.services.push({ id: 'empty', name: 'Empty', ports: [], processNames: [] });
  const result = validateSettings(s);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.ok(result.errors.some((e) => e.field === 'services[6].id' && /duplicates/.test(e.reason)));
  assert.ok(result.errors.some((e) => e.field === 'services[7]' && /at least one port/.test(e.reason)));
});

test('non-objects and wrong schema versions are rejected, not thrown', () => {
  for (const input of [null, 42, 'x', [], { schemaVersion: 99 }]) {
    const result = validateSettings(input);
    assert.equal(result.ok, false);
  }
});

test('command patterns are checked with the linear-time engine: lookaround, backreferences and huge programs are refused', () => {
  const reasons = new Map<string, RegExp>([
    ['(?<=x)ollama', /not a valid pattern/],
    ['(a)\\1', /not a valid pattern/],
    ['(?!x)a', /not a valid pattern/],
    ['(?:a|b){999}c', /too complex/],
  ]);
  for (const [pattern, reason] of reasons) {
    const s = defaultSettings();
    s.services[0]!.commandPattern = pattern;
    const result = validateSettings(s);
    assert.equal(result.ok, false, pattern);
    if (result.ok) continue;
    const error = result.errors.find((e) => e.field === 'services[0].commandPattern');
    assert.match(error?.reason ?? '', reason, pattern);
  }
  const s = defaultSettings();
  s.services[0]!.commandPattern = '(.*.*)*Z';
  assert.equal(validateSettings(s).ok, true, 'a backtracking bomb is harmless in RE2 and accepted');
});

test('the energy price is optional: absent in old files, off when null, a positive price with a currency code', () => {
  const { energy: _omitted, ...old } = defaultSettings();
  const fromOld = validateSettings(old);
  assert.ok(fromOld.ok);
  assert.deepEqual(fromOld.value.energy, { pricePerKwh: null, currency: 'USD' });
  const priced = validateSettings({ ...defaultSettings(), energy: { pricePerKwh: 0.32, currency: 'EUR' } });
  assert.ok(priced.ok);
  assert.deepEqual(priced.value.energy, { pricePerKwh: 0.32, currency: 'EUR' });
  const bad = validateSettings({ ...defaultSettings(), energy: { pricePerKwh: -1, currency: '€' } });
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.errors.map((e) => e.field),
    ['energy.pricePerKwh', 'energy.currency'],
  );
  const text = validateSettings({ ...defaultSettings(), energy: { pricePerKwh: 'cheap', currency: 'EUR' } });
  assert.ok(!text.ok);
  assert.equal(text.errors[0]?.reason, 'must be a number');
});
