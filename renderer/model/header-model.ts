import type { Sample } from '../../main/contract/sample.js';
import { formatDuration, formatPercent, formatWatts, thermalBadge } from '../format.js';

export interface HeaderModel {
  watts: string;
  source: string;
  sourceTitle: string;
  thermal: ReturnType<typeof thermalBadge>;
  battery: string;
  idle: string;
}

const BATTERY_STATES: Record<string, string> = {
  charging: 'charging',
  discharging: 'on battery',
  full: 'full',
  'not-charging': 'not charging',
  unknown: 'state unknown',
};

/** The header's words for a sample (pure, so it is unit-tested without a DOM). */
export function headerModel(sample: Sample | null, now: number): HeaderModel {
  if (!sample) {
    return {
      watts: formatWatts(null),
      source: 'waiting for the first sample',
      sourceTitle: '',
      thermal: thermalBadge(null),
      battery: 'Battery —',
      idle: 'Stack state unknown',
    };
  }
  const figure =
    sample.power.systemWatts !== null
      ? { value: sample.power.systemWatts, path: 'power.systemWatts', name: 'system' }
      : { value: sample.power.packageWatts, path: 'power.packageWatts', name: 'package' };
  const provenance = sample.sources[figure.path];
  const absentWhy = sample.absent['power.systemWatts'] ?? sample.absent[figure.path];
  const source =
    figure.value === null
      ? `no power reading${absentWhy ? ` (${absentWhy})` : ''}`
      : provenance
        ? `${figure.name} \u00b7 ${provenance.kind} (${provenance.source})`
        : figure.name;
  const sourceTitle = provenance
    ? `${provenance.kind === 'measured' ? 'Measured' : 'Estimated'} by ${provenance.source}`
    : (absentWhy ?? '');

  let battery: string;
  if (!sample.battery || sample.battery.percent === null) {
    battery = sample.battery?.onAc ? 'No battery \u00b7 on AC' : 'No battery';
  } else {
    const state = sample.battery.onAc
      ? sample.battery.state === 'charging'
        ? 'on AC, charging'
        : 'on AC'
      : (BATTERY_STATES[sample.battery.state ?? 'unknown'] ?? 'on battery');
    battery = `Battery ${formatPercent(sample.battery.percent)} \u00b7 ${state}`;
  }

  const idle = sample.idle;
  // A clock set back would make these negative; show "0 s" rather than "—".
  const secondsSince = (at: number) => Math.max(0, (now - at) / 1000);
  let idleText: string;
  if (idle.stackIdle) {
    idleText = idle.stackIdleSinceAt
      ? `Stack idle for ${formatDuration(secondsSince(idle.stackIdleSinceAt))}`
      : 'Stack idle';
  } else {
    idleText = idle.lastActivityAt
      ? `Stack active \u00b7 last request ${formatDuration(secondsSince(idle.lastActivityAt))} ago`
      : 'Stack active \u00b7 no requests seen yet';
  }
  const estimated = figure.value !== null && provenance?.kind === 'estimated';
  return {
    watts: `${estimated ? '\u2248 ' : ''}${formatWatts(figure.value)}`,
    source,
    sourceTitle,
    thermal: thermalBadge(sample.thermal.pressure),
    battery,
    idle: idleText.replace('last request 0 s ago', 'request just now'),
  };
}
