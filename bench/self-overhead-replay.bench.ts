// The same as self-overhead on the macOS path: `monitor --replay` of the shipped M4 Max recording,
// so every tick parses a powermetrics plist document, ps, netstat, lsof, ioreg and pmset output and
// decodes the recorded SMC answers (the commands themselves are not spawned: their outputs are
// read from the recording). Target: ≤ 0.25 % of one core.
// Measured in steady state, from 30 s after start (see monitor-overhead.ts; also reported from 10 s).
// Usage: node --import tsx bench/self-overhead-replay.bench.ts [--seconds 120] [--warmup 30]   (needs `npm run build` first)
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureMonitor } from './monitor-overhead.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '120' }, warmup: { type: 'string', default: '30' } },
});
const recording = join(import.meta.dirname, '..', 'tests', 'fixtures', 'replay', 'darwin-m4max-stack');
const m = await measureMonitor(
  ['--replay', recording],
  Number(values.seconds),
  Number(values.warmup),
  cpus().length,
);
const targets = { percentOfOneCore: 0.25 };
console.log(
  JSON.stringify({
    bench: 'self-overhead-replay',
    recording: 'tests/fixtures/replay/darwin-m4max-stack',
    ...m,
    targets,
    met: m.percentOfOneCore <= targets.percentOfOneCore,
  }),
);
