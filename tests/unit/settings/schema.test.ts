import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { defaultSettings, validateSettings } from '../../../main/contract/settings.js';
import { settingsJsonSchema } from '../../../main/settings/index.js';

// conf and electron-store compile the schema with Ajv 2020 in allErrors mode: do the same here.
const validateWithSchema = new Ajv2020({ allErrors: true }).compile(settingsJsonSchema());

/** Dotted/indexed paths of every leaf of the default settings. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...prefix, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  }
  return [prefix];
}

function withLeaf(path: (string | number)[], leaf: unknown): unknown {
  const document = structuredClone(defaultSettings()) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = document;
  path.slice(0, -1).forEach((key) => (node = node[key] as Record<string | number, unknown>));
  node[path.at(-1)!] = leaf;
  return document;
}

// Rules JSON Schema cannot express; validateSettings alone checks them.
const CROSS_FIELD =
  /at least the warning|at least the power interval|duplicates another|not a valid pattern|too complex|needs at least one/;

test('the defaults satisfy the JSON schema', () => {
  assert.equal(validateWithSchema(defaultSettings()), true, JSON.stringify(validateWithSchema.errors));
});

test('the JSON schema and validateSettings agree on every single-field change', () => {
  const paths = leafPaths(defaultSettings());
  const leaf = fc.oneof(
    fc.double({ noNaN: true, min: -1e7, max: 1e7 }),
    fc.integer({ min: -10, max: 70_000 }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      '',
      ' ',
      'fair',
      'nominal',
      'critical',
      'ollama',
      'http://x',
      'ftp://x',
      'Bad Id',
      'ok-id',
    ),
    fc.string({ maxLength: 120 }),
  );
  fc.assert(
    fc.property(fc.constantFrom(...paths), leaf, (path, value) => {
      const document = withLeaf(path, value);
      const byContract = validateSettings(document);
      const bySchema = validateWithSchema(document);
      if (byContract.ok) {
        assert.equal(
          bySchema,
          true,
          `${path.join('.')}=${JSON.stringify(value)} passes validateSettings only`,
        );
      } else if (bySchema) {
        for (const error of byContract.errors)
          assert.match(error.reason, CROSS_FIELD, `${error.field}: ${error.reason}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test('the JSON schema rejects the classic mistakes by field', () => {
  const cases: [(string | number)[], unknown][] = [
    [['api', 'port'], 80],
    [['schemaVersion'], 2],
    [['services', 0, 'id'], 'Has Spaces'],
    [['services', 1, 'probe'], 'redis'],
    [['alerts', 'thermalPressure', 'warning'], 'nominal'],
    [['alerts', 'webhookUrl'], 'file:///etc/passwd'],
    [['sampling', 'intervalSeconds'], '5'],
  ];
  for (const [path, value] of cases) {
    assert.equal(
      validateWithSchema(withLeaf(path, value)),
      false,
      `${path.join('.')}=${JSON.stringify(value)}`,
    );
    assert.equal(validateSettings(withLeaf(path, value)).ok, false);
  }
});
