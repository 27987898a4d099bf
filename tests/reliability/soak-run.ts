import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers.js';
import type { SoakOptions, SoakResult } from './soak-replay.js';

/** Runs the soak in a child with --expose-gc (heap checkpoints after a full GC) and returns its result. */
export function runSoakChild(options: SoakOptions): SoakResult {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(REPO_ROOT, 'tests', 'reliability', 'soak-child.ts'),
      String(options.days),
      String(options.rawDays),
      String(options.rollupDays),
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0) {
    throw new Error(`the soak child exited ${child.status}: ${child.stderr.slice(-2000)}`);
  }
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as SoakResult;
}
