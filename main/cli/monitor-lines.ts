import {
  describeModels,
  formatCpuPercent,
  formatMemory,
  formatSpan,
  formatWatts,
  type Sample,
  type ServiceSample,
} from '../contract/index.js';
import { humanPowerReason } from '../contract/power-reason.js';

function busiest(sample: Sample): ServiceSample | null {
  return (
    sample.services
      .filter((s) => s.cpuPercent !== null)
      .sort((a, b) => (b.cpuPercent ?? 0) - (a.cpuPercent ?? 0))[0] ?? null
  );
}

/** The compact live line printed per tick in a TTY. */
export function formatLiveLine(sample: Sample): string {
  const time = new Date(sample.at).toTimeString().slice(0, 8);
  const source = sample.sources['power.systemWatts']?.source;
  const top = busiest(sample);
  const idle = sample.idle.stackIdle
    ? `stack idle ${formatSpan(sample.at - (sample.idle.stackIdleSinceAt ?? sample.at))}`
    : sample.idle.lastActivityAt === null
      ? 'no requests yet'
      : `last request ${formatSpan(sample.at - sample.idle.lastActivityAt)} ago`;
  return [
    time,
    sample.power.systemWatts === null
      ? `power unknown (${humanPowerReason(sample.absent['power.systemWatts'])})`
      : `${formatWatts(sample.power.systemWatts)} (${source ?? 'measured'})`,
    `thermal ${sample.thermal.pressure ?? 'unknown'}`,
    top ? `busiest ${top.name || top.id} ${formatCpuPercent(top.cpuPercent)}` : 'no service running',
    idle,
  ].join('  ');
}

/** A human summary of one sample (for `monitor --once` without --json). */
export function formatSampleSummary(sample: Sample): string {
  const lines = [formatLiveLine(sample), ''];
  for (const s of sample.services) {
    if (s.status === 'stopped') {
      lines.push(`  ${s.id.padEnd(20)} stopped`);
      continue;
    }
    const cpu = formatCpuPercent(s.cpuPercent);
    const mem = formatMemory(s.rssBytes);
    const watts = s.estimatedWatts === null ? '' : `  ≈${formatWatts(s.estimatedWatts)} (estimate)`;
    lines.push(
      `  ${s.id.padEnd(20)} running  cpu ${cpu.padStart(8)}  mem ${mem.padStart(8)}${watts}${s.models ? `  ${describeModels(s.models, sample.at)}` : ''}`,
    );
  }
  if (sample.power.systemWatts === null && sample.absent['power.systemWatts']) {
    lines.push(`  power: ${sample.absent['power.systemWatts']}`);
  }
  const failing = sample.collectors.filter((c) => c.status === 'error');
  for (const c of failing) lines.push(`  collector ${c.id} failed: ${c.reason}`);
  return lines.join('\n');
}
