// Self-overhead of the headless monitor at default intervals with the default services, on this
// machine: the monitor process's own CPU time as % of one core, and its peak RSS.
// Targets: ≤ 0.25 % of one core and ≤ 100 MB peak RSS.
// Measured in steady state, from 30 s after start (see monitor-overhead.ts; also reported from 10 s).
// Usage: node --import tsx bench/self-overhead.bench.ts [--seconds 120] [--warmup 30]   (needs `npm run build` first)
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { measureMonitor } from './monitor-overhead.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '120' }, warmup: { type: 'string', default: '30' } },
});
const m = await measureMonitor([], Number(values.seconds), Number(values.warmup), cpus().length);
const targets = { percentOfOneCore: 0.25, peakRssMb: 100 };
console.log(
  JSON.stringify({
    bench: 'self-overhead',
    ...m,
    targets,
    met: m.percentOfOneCore <= targets.percentOfOneCore && m.peakRssMb <= targets.peakRssMb,
  }),
);
