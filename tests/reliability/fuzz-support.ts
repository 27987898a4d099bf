import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FIXTURES } from '../helpers.js';

/** Every regular file under tests/fixtures/<dir> whose name passes `keep`, as text. */
export function fixtureTexts(dir: string, keep: (name: string) => boolean = () => true): string[] {
  const root = join(FIXTURES, dir);
  const walk = (path: string): string[] =>
    readdirSync(path).flatMap((name) => {
      const full = join(path, name);
      const info = statSync(full, { throwIfNoEntry: false });
      if (!info) return [];
      if (info.isDirectory()) return walk(full);
      return info.isFile() && keep(name) ? [readFileSync(full, 'utf8')] : [];
    });
  const texts = walk(root);
  assert.ok(texts.length > 0, `no fixtures under tests/fixtures/${dir}`);
  return texts;
}

/** Fragments that break parsers in practice: separators, truncations, bogus numbers, markup. */
const NASTY = [
  '\0',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '<',
  '>',
  '</dict>',
  '<dict>',
  '<key>',
  '<real>',
  '<integer>',
  '<array/>',
  '<![CDATA[',
  '&amp;',
  '&#0;',
  '-1',
  '-0',
  'NaN',
  'Infinity',
  '1e309',
  '-1e309',
  '99999999999999999999999',
  '0x',
  '0.',
  '""',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  'null',
  'true',
  ':',
  '=',
  ',',
  '(',
  ')',
  '..',
  'N/A',
  '[N/A]',
  '%',
  '\u00ff',
  '\ud83d',
  '\u2028',
];

const insertion = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

const BOGUS_NUMBERS = ['-1', 'NaN', '1e309', '99999999999999999999999', '-0', '', '0x1F', '1.2.3'];

type Edit =
  | { kind: 'delete' | 'duplicate' | 'truncate' | 'swap-lines'; at: number; len: number }
  | { kind: 'insert' | 'replace' | 'number'; at: number; len: number; text: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constantFrom(
      'delete' as const,
      'duplicate' as const,
      'truncate' as const,
      'swap-lines' as const,
    ),
    at: fc.nat(),
    len: fc.nat({ max: 80 }),
  }),
  fc.record({
    kind: fc.constantFrom('insert' as const, 'replace' as const, 'number' as const),
    at: fc.nat(),
    len: fc.nat({ max: 8 }),
    text: insertion,
  }),
);

function applyEdit(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  switch (e.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.len);
    case 'duplicate':
      return text.slice(0, at + e.len) + text.slice(at, at + e.len) + text.slice(at + e.len);
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + e.text + text.slice(at + Math.max(1, e.len));
    case 'number': {
      // Replace the n-th number of the text with a hostile one (keeps the structure around it).
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      if (numbers.length === 0) return text;
      const m = numbers[e.at % numbers.length]!;
      const bogus = BOGUS_NUMBERS[e.len % BOGUS_NUMBERS.length]!;
      return text.slice(0, m.index) + bogus + text.slice(m.index + m[0].length);
    }
    case 'swap-lines': {
      const lines = text.split('\n');
      if (lines.length < 2) return text;
      const i = e.at % lines.length;
      const j = (e.at + 1 + e.len) % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
  }
}

/** A real fixture with one to six random edits. */
export function mutatedText(bases: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([base, edits]) => edits.reduce(applyEdit, base));
}

/** Short random text, biased towards the characters structured outputs are made of. */
export function randomText(): fc.Arbitrary<string> {
  const structural = fc.constantFrom(
    ...'<>/="\'{}[]:,;()\n\t .-+0123456789abcdefxyzKMGTWN/A'.split(''),
    '\0',
    '</dict>',
    '<key>',
  );
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: structural, maxLength: 300 }),
  );
}

/** Real fixtures mutated, half the time; random text otherwise. */
export function parserInput(bases: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: mutatedText(bases) }, { weight: 1, arbitrary: randomText() });
}

/**
 * A figure a parser returns is a finite number or absent: NaN and ±Infinity would be wrong figures
 * shown as numbers, where the UI must say the figure is unknown.
 */
export function assertFiniteDeep(value: unknown, where = 'value', seen = new Set<unknown>()): void {
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${where} is ${value}`);
    return;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  if (value instanceof Date || ArrayBuffer.isView(value)) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) assertFiniteDeep(v, `${where}[${String(k)}]`, seen);
    return;
  }
  for (const [key, v] of Object.entries(value)) assertFiniteDeep(v, `${where}.${key}`, seen);
}

/** `{ok:false, error}` carries a non-empty sentence; `{ok:true, value}` carries only finite figures. */
export function assertLabelled(outcome: unknown, what: string): void {
  assert.ok(typeof outcome === 'object' && outcome !== null, `${what}: outcome is ${String(outcome)}`);
  const o = outcome as { ok?: unknown; error?: unknown; value?: unknown };
  assert.equal(typeof o.ok, 'boolean', `${what}: outcome has no ok flag`);
  if (o.ok === false) {
    assert.equal(typeof o.error, 'string', `${what}: rejection without an error string`);
    assert.ok((o.error as string).trim().length > 0, `${what}: empty error`);
  } else {
    assertFiniteDeep(o.value, `${what}.value`);
  }
}

/**
 * Runs per property: `numRuns` here; IDLEWATT_FUZZ_FACTOR=20 (say) multiplies them for a long local
 * or nightly hunt. Seeds are random each run; a failure prints its seed and counterexample.
 */
export function runs(numRuns: number): number {
  const factor = Number(process.env['IDLEWATT_FUZZ_FACTOR'] ?? 1);
  return Math.max(1, Math.round(numRuns * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

/** Runs a synchronous property; fast-check prints the seed and the shrunk counterexample on failure. */
export function check<T>(arb: fc.Arbitrary<T>, predicate: (input: T) => void, numRuns: number): void {
  fc.assert(fc.property(arb, predicate), { numRuns: runs(numRuns) });
}
