// One powermetrics plist document of the M4 Max capture (260 KB, 105 tasks) → the sample IdleWatt
// keeps. The streaming extractor (bytes as powermetrics writes them, and from a decoded string as
// `idlewatt parse` has them) against the whole-tree parser, in one run. Target: ≤ 1 ms CPU.
// Usage: node --import tsx bench/plist-extract.bench.ts [--iterations 400]
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  parsePowermetricsDocument,
  parsePowermetricsDocumentFromFullTree,
} from '../main/collectors/darwin/powermetrics-plist.js';
import { measure } from './cpu-clock.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '400' } } });
const iterations = Number(values.iterations);
const file = join(
  import.meta.dirname,
  '..',
  'tests',
  'fixtures',
  'powermetrics',
  'm4max-mac16_5-macos26_2-tasks-disk-cpu_power-gpu_power-thermal.plist',
);
const bytes = readFileSync(file);
const text = bytes.toString('utf8');
assert.deepEqual(parsePowermetricsDocument(bytes), parsePowermetricsDocumentFromFullTree(text));

const loadBefore = loadavg()[0]!;
const fullTree = await measure(Math.max(20, Math.floor(iterations / 4)), () =>
  parsePowermetricsDocumentFromFullTree(text),
);
const fromBytes = await measure(iterations, () => parsePowermetricsDocument(bytes));
const fromString = await measure(iterations, () => parsePowermetricsDocument(text));
const ms = (m: { cpuMsPerCall: number }) => Number(m.cpuMsPerCall.toFixed(3));
console.log(
  JSON.stringify({
    bench: 'plist-extract',
    documentBytes: bytes.length,
    iterations,
    cpuMsPerDocument: {
      extractFromBytes: ms(fromBytes),
      extractFromString: ms(fromString),
      fullTree: ms(fullTree),
    },
    timesCheaperThanFullTree: Number((fullTree.cpuMsPerCall / fromBytes.cpuMsPerCall).toFixed(1)),
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
    target: 'extract from bytes ≤ 1 ms CPU per document',
    met: fromBytes.cpuMsPerCall <= 1,
  }),
);
