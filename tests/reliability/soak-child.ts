/**
 * Runs one soak in this process and prints its result as JSON (the last line of stdout).
 * Usage: node --expose-gc --import tsx tests/reliability/soak-child.ts DAYS RAW_DAYS ROLLUP_DAYS
 */
import { runSoak } from './soak-replay.js';

const [days, rawDays, rollupDays] = process.argv.slice(2).map(Number);
if (![days, rawDays, rollupDays].every((n) => n !== undefined && Number.isFinite(n) && n > 0)) {
  console.error('usage: soak-child.ts DAYS RAW_DAYS ROLLUP_DAYS (positive numbers)');
  process.exit(2);
}
const result = await runSoak({ days: days!, rawDays: rawDays!, rollupDays: rollupDays! });
console.log(JSON.stringify(result));
