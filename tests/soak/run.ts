/**
 * The full soak (`npm run test:soak`): seven simulated days of 5 s samples (120,961 ticks) with six
 * services and alerts firing, raw retention 2 days, rollups 4 days. Same checks as the one-day
 * version in tests/reliability/soak.test.ts; exits non-zero and lists what broke.
 */
import { runSoakChild } from '../reliability/soak-run.js';
import { soakProblems } from '../reliability/soak-replay.js';

const result = runSoakChild({ days: 7, rawDays: 2, rollupDays: 4 });
const problems = soakProblems(result);
console.log(
  `soak: ${result.ticks} samples in ${result.wallSeconds.toFixed(1)} s; heap after GC (MB) ` +
    result.heapMb.map((h) => `${h.hour} h: ${h.mb}`).join(', '),
);
console.log(
  `soak: ${result.events.fired} alerts fired, ${result.events.cleared} cleared; ${result.rawFiles.kept.length} raw segments and ` +
    `${result.rollupDays.kept.length} rollup days kept; idle ${result.report.systemIdleWattHours?.toFixed(3)} Wh ` +
    `(script ${result.expectedReport.systemIdleWattHours.toFixed(3)} Wh)`,
);
if (problems.length > 0) {
  for (const p of problems) console.error(`soak: FAILED: ${p}`);
  process.exit(1);
}
console.log('soak: all checks passed');
