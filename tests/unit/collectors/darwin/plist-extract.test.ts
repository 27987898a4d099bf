import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { extractPlist, type PlistPick } from '../../../../main/collectors/darwin/plist-extract.js';
import { isDict, parsePlist, type PlistValue } from '../../../../main/collectors/darwin/plist.js';
import {
  parsePowermetricsDocument,
  parsePowermetricsDocumentFromFullTree,
  POWERMETRICS_PICK,
} from '../../../../main/collectors/darwin/powermetrics-plist.js';
import { FIXTURES } from '../../../helpers.js';
import { check, mutatedText } from '../../../reliability/fuzz-support.js';

/** Every plist document captured under tests/fixtures (powermetrics captures, replay recordings). */
function capturedDocuments(): { where: string; bytes: Buffer }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  return walk(FIXTURES)
    .filter((path) => /\.(plist|xml)$/.test(path))
    .flatMap((path) => {
      const file = readFileSync(path);
      if (!file.includes('<plist')) return [];
      const documents: { where: string; bytes: Buffer }[] = [];
      let start = 0;
      for (let nul = file.indexOf(0); start <= file.length; nul = file.indexOf(0, start)) {
        const end = nul < 0 ? file.length : nul;
        const bytes = file.subarray(start, end);
        if (bytes.toString('utf8').trim() !== '') {
          documents.push({ where: `${relative(FIXTURES, path)} #${documents.length + 1}`, bytes });
        }
        start = end + 1;
      }
      return documents;
    });
}

/** What `pick` keeps of a whole tree: the reference for what the extractor builds. */
function prune(value: PlistValue, pick: PlistPick): PlistValue {
  if (pick === 'whole') return value;
  if ('keys' in pick && isDict(value)) {
    const kept: Record<string, PlistValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (Object.hasOwn(pick.keys, key)) kept[key] = prune(item, pick.keys[key]!);
    }
    return kept;
  }
  if ('items' in pick && Array.isArray(value)) return value.map((item) => prune(item, pick.items));
  return value;
}

const DOCUMENTS = capturedDocuments();
const M4MAX = DOCUMENTS.find((d) => d.where.startsWith('powermetrics/m4max'))!;

test('every captured plist document: the extractor gives the whole-tree parser’s sample and values', () => {
  assert.ok(DOCUMENTS.length >= 10, `only ${DOCUMENTS.length} captured documents found`);
  assert.ok(M4MAX, 'the M4 Max capture is among them');
  for (const { where, bytes } of DOCUMENTS) {
    const text = bytes.toString('utf8');
    const full = parsePowermetricsDocumentFromFullTree(text);
    assert.ok(full.ok, `${where}: ${JSON.stringify(full)}`);
    assert.deepEqual(parsePowermetricsDocument(bytes), full, where);
    assert.deepEqual(parsePowermetricsDocument(text), full, `${where} (from a string)`);
    const tree = parsePlist(text);
    assert.ok(tree.ok);
    assert.deepEqual(extractPlist(bytes, POWERMETRICS_PICK), {
      ok: true,
      value: prune(tree.value, POWERMETRICS_PICK),
    });
    assert.deepEqual(extractPlist(bytes, 'whole'), tree, `${where}: whole tree`);
  }
});

test('the M4 Max document keeps only what the sample reads', () => {
  const outcome = extractPlist(M4MAX.bytes, POWERMETRICS_PICK);
  assert.ok(outcome.ok && isDict(outcome.value));
  const root = outcome.value;
  assert.deepEqual(Object.keys(root).sort(), [
    'elapsed_ns',
    'gpu',
    'hw_model',
    'processor',
    'tasks',
    'thermal_pressure',
    'timestamp',
  ]);
  const tasks = root['tasks'] as PlistValue[];
  assert.equal(tasks.length, 105);
  assert.deepEqual(tasks[0], { pid: 55249, name: '2.1.15', cputime_ms_per_s: 630.672 });
  assert.deepEqual(root['processor'], {
    cpu_energy: 3049,
    cpu_power: 2978.45,
    gpu_energy: 276,
    gpu_power: 269.614,
    ane_energy: 0,
    ane_power: 0,
    combined_power: 3248.07,
  });
  assert.deepEqual(root['gpu'], { gpu_energy: 284 });
});

test('a truncated document is an error naming where it ended, never a partial sample', () => {
  const text = M4MAX.bytes.toString('utf8');
  for (let cut = 0; cut < text.length - 10; cut += 997) {
    const outcome = parsePowermetricsDocument(Buffer.from(text.slice(0, cut)));
    assert.equal(outcome.ok, false, `cut at ${cut}`);
    if (!outcome.ok) assert.match(outcome.error, /^not a plist: (no <plist> element|document ends|expected)/);
  }
});

test('a broken value outside the picked keys still rejects the document, as the full parser does', () => {
  const text = M4MAX.bytes.toString('utf8');
  const broken = text.replace(
    '<key>intr_wakeups</key><integer>81</integer>',
    '<key>intr_wakeups</key><integer>8x1</integer>',
  );
  assert.notEqual(broken, text);
  assert.deepEqual(parsePowermetricsDocument(broken), {
    ok: false,
    error: "not a plist: bad <integer> value '8x1'",
  });
  assert.equal(parsePowermetricsDocumentFromFullTree(broken).ok, false);
  const unclosed = text
    .replace('</timer_wakeups>', '')
    .replace('</array>\n<key>diskio_bytesread', '<key>diskio_bytesread');
  assert.equal(parsePowermetricsDocument(unclosed).ok, false);
});

test('keys written with entities and odd but valid numbers read as the full parser reads them', () => {
  const doc = (body: string) =>
    `<?xml version="1.0"?><plist version="1.0"><dict><key>elapsed_&#110;s</key><integer> 1000000000 </integer>${body}</dict></plist>`;
  for (const body of [
    '<key>processor</key><dict><key>cpu_power</key><real>1.5e3</real><key>clusters</key><array><dict/></array></dict>',
    '<key>tasks</key><array><dict><key>pid</key><integer>7</integer><key>cputime_ms_per_s</key><real>.5</real><key>name</key><string>a &amp; b</string></dict><string>x</string></array>',
    `<key>other</key><real>${'9'.repeat(400)}</real>`,
    '<key>other</key><integer>-0</integer><key>smc</key><dict><key>fan</key><array><real>1200</real></array></dict>',
  ]) {
    const text = doc(body);
    assert.deepEqual(parsePowermetricsDocument(text), parsePowermetricsDocumentFromFullTree(text), body);
  }
});

test('a plain number read from its bytes is exactly the number Number() reads from its text', () => {
  const digits = (max: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${max}}$`));
  const plain = fc
    .tuple(fc.boolean(), digits(24), fc.option(fc.tuple(digits(26), fc.boolean()), { nil: null }))
    .map(([negative, whole, fraction]) => {
      const after = fraction === null ? '' : fraction[1] ? `.${fraction[0]}` : '.';
      return `${negative ? '-' : ''}${whole}${after}`;
    });
  fc.assert(
    fc.property(plain, fc.constantFrom('integer', 'real'), (text, element) => {
      const read = extractPlist(`<plist><array><${element}>${text}</${element}></array></plist>`, {
        items: 'whole',
      });
      assert.ok(read.ok, text);
      assert.ok(Object.is((read.value as number[])[0], Number(text)), `${text}: ${String(read.value)}`);
    }),
    { numRuns: 2000 },
  );
  for (const text of ['0', '-0', '-0.0', '1.', '9007199254740993', '0.1', '123.4560', '1e5', ' 7 ', '+3']) {
    const read = extractPlist(`<plist><real>${text}</real></plist>`, 'whole');
    assert.deepEqual(read, parsePlist(`<plist><real>${text}</real></plist>`), text);
  }
});

test('fuzz: a garbled document is the same sample as the full parser gives, or an error — never a throw', () => {
  const small = DOCUMENTS.filter((d) => d.bytes.length < 40_000).map((d) => d.bytes.toString('utf8'));
  const compare = (text: string) => {
    // Compared on the same bytes, as powermetrics writes them (a string with a lone surrogate
    // cannot come out of a pipe).
    const bytes = Buffer.from(text, 'utf8');
    const decoded = bytes.toString('utf8');
    const full = parsePowermetricsDocumentFromFullTree(decoded);
    const extracted = parsePowermetricsDocument(bytes);
    if (full.ok) assert.deepEqual(extracted, full);
    else {
      assert.equal(extracted.ok, false, `full parser: ${full.error}`);
      if (!extracted.ok)
        assert.ok(/^not a plist: \S|^the plist root|^not a powermetrics/.test(extracted.error));
    }
    const tree = parsePlist(decoded);
    const whole = extractPlist(bytes, 'whole');
    assert.equal(whole.ok, tree.ok);
    if (tree.ok) assert.deepEqual(whole, tree);
  };
  check(mutatedText(small), compare, 500);
  check(mutatedText([M4MAX.bytes.toString('utf8')]), compare, 30);
  // Structure-level damage: a run of tags deleted or repeated somewhere in the tasks.
  check(
    fc.tuple(fc.constantFrom(...small), fc.nat(), fc.integer({ min: 1, max: 6 }), fc.boolean()),
    ([text, at, count, repeat]) => {
      const tags = [...text.matchAll(/<[^>]*>/g)];
      const first = tags[at % tags.length]!;
      const last = tags[Math.min(tags.length - 1, (at % tags.length) + count - 1)]!;
      const span = text.slice(first.index, last.index + last[0].length);
      const edited =
        text.slice(0, first.index) + (repeat ? span + span : '') + text.slice(last.index + last[0].length);
      compare(edited);
    },
    300,
  );
});
