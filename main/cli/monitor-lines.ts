import type { Sample, ServiceSample } from '../contract/index.js';
import { humanPowerReason } from '../contract/power-reason.js';

const fmtWatts = (w: number | null) => (w === null ? '— W' : `${w.toFixed(1)} W`);

function busiest(sample: Sample): ServiceSample | null {
  return (
    sample.services
      .filter((s) => s.cpuPercent !== null)
      .sort((a, b) => (b.cpuPercent ?? 0) - (a.cpuPercent ?? 0))[0] ?? null
  );
}

function since(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.floor(ms / 1000)} s`;
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The compact live line printed per tick in a TTY. */
export function formatLiveLine(sample: Sample): string {
  const time = new Date(sample.at).toTimeString().slice(0, 8);
  const source = sample.sources['power.systemWatts']?.source;
  const top = busiest(sample);
  const idle = sample.idle.stackIdle
    ? `stack idle ${since(sample.at - (sample.idle.stackIdleSinceAt ?? sample.at))}`
    : sample.idle.lastActivityAt === null
      ? 'no requests yet'
      : `last request ${since(sample.at - sample.idle.lastActivityAt)} ago`;
  return [
    time,
    sample.power.systemWatts === null
      ? `power unknown (${humanPowerReason(sample.absent['power.systemWatts'])})`
      : `${fmtWatts(sample.power.systemWatts)} (${source ?? 'measured'})`,
    `thermal ${sample.thermal.pressure ?? 'unknown'}`,
    top ? `busiest ${top.name || top.id} ${top.cpuPercent!.toFixed(1)} %` : 'no service running',
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
    const cpu = s.cpuPercent === null ? '—' : `${s.cpuPercent.toFixed(1)} %`;
    const mem = s.rssBytes === null ? '—' : `${Math.round(s.rssBytes / 1e6)} MB`;
    const watts = s.estimatedWatts === null ? '' : `  ≈${s.estimatedWatts.toFixed(1)} W (estimate)`;
    lines.push(
      `  ${s.id.padEnd(20)} running  cpu ${cpu.padStart(8)}  mem ${mem.padStart(8)}${watts}${s.detail ? `  ${s.detail}` : ''}`,
    );
  }
  if (sample.power.systemWatts === null && sample.absent['power.systemWatts']) {
    lines.push(`  power: ${sample.absent['power.systemWatts']}`);
  }
  const failing = sample.collectors.filter((c) => c.status === 'error');
  for (const c of failing) lines.push(`  collector ${c.id} failed: ${c.reason}`);
  return lines.join('\n');
}
