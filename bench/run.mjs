#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts, saves each one's JSON to bench/results/<name>.json
// with the machine it ran on, prints a one-line summary per benchmark, and regenerates the README's
// performance tables from the results (bench/readme-table.mjs).
// Usage: node bench/run.mjs [name …]   e.g. `node bench/run.mjs peers scale`
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'bench');
const resultsDir = join(benchDir, 'results');
const only = process.argv.slice(2);
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
mkdirSync(resultsDir, { recursive: true });
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failures = 0;
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  process.stdout.write(`bench ${name}: running…\n`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, file)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 5 * 60_000,
  });
  const json = lastJson(run.stdout ?? '');
  if (run.status !== 0 || !json) {
    failures++;
    process.stdout.write(
      `bench ${name}: FAILED (exit ${run.status}${run.signal ? `, ${run.signal}` : ''})\n${run.stderr?.slice(-2000) ?? ''}\n`,
    );
    continue;
  }
  const result = {
    name,
    ranAt: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine,
    result: json,
  };
  writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`bench ${name}: ${JSON.stringify(json).slice(0, 400)}\n`);
}
process.stdout.write(`bench: ${files.length - failures} of ${files.length} ran; results in bench/results/\n`);
const table = spawnSync(process.execPath, [join(benchDir, 'readme-table.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (table.status !== 0) failures++;
process.exit(failures === 0 ? 0 : 1);

/** The last top-level JSON object a benchmark printed (single line or pretty-printed). */
function lastJson(stdout) {
  const trimmed = stdout.trim();
  for (let start = trimmed.lastIndexOf('{'); start >= 0; start = trimmed.lastIndexOf('{', start - 1)) {
    try {
      const value = JSON.parse(trimmed.slice(start));
      if (value && typeof value === 'object') return value;
    } catch {
      // not the start of the last object yet
    }
  }
  return null;
}
