import { humanPowerReason } from '../../main/contract/power-reason.js';
import { packageLabel, type Sample } from '../../main/contract/sample.js';
import { formatDuration, formatPercent, formatWatts } from '../../main/contract/format.js';
import { formatAgo, thermalBadge } from '../format.js';

export interface HeaderModel {
  /** Which figure the big number is: 'System' where the whole machine is measured, else 'SoC'/'package'. */
  label: string;
  watts: string;
  /** The other figure beside it ('SoC 3.2 W', 'system unknown'); '' when there is nothing to add. */
  secondary: string;
  secondaryTitle: string;
  source: string;
  sourceTitle: string;
  /** The collectors' own words behind a missing power figure, shown on request; '' when there is a figure. */
  details: string;
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
      label: '',
      watts: formatWatts(null),
      secondary: '',
      secondaryTitle: '',
      source: 'waiting for the first sample',
      sourceTitle: '',
      details: '',
      thermal: thermalBadge(null),
      battery: 'Battery —',
      idle: 'Stack state unknown',
    };
  }
  const pkgName = packageLabel(sample);
  const system = {
    value: sample.power.systemWatts,
    path: 'power.systemWatts',
    name: 'system',
    label: 'System',
  };
  const pkg = { value: sample.power.packageWatts, path: 'power.packageWatts', name: pkgName, label: pkgName };
  const figure = system.value !== null || pkg.value === null ? system : pkg;
  const other = figure === system ? pkg : system;
  const otherSource = sample.sources[other.path];
  const secondary =
    other.value !== null
      ? `${other.label} ${formatWatts(other.value)}`
      : figure.value !== null && other === system
        ? 'system unknown'
        : '';
  const secondaryTitle =
    other.value !== null
      ? `${describeFigure(other.name)}${otherSource ? ` \u00b7 ${otherSource.kind} by ${otherSource.source}` : ''}`
      : (sample.absent[other.path] ?? '');
  const provenance = sample.sources[figure.path];
  const absentWhy = sample.absent['power.systemWatts'] ?? sample.absent[figure.path];
  const source =
    figure.value === null
      ? `no power reading: ${humanPowerReason(absentWhy)}`
      : provenance
        ? `${figure.name} \u00b7 ${provenance.kind} (${provenance.source})`
        : figure.name;
  const sourceTitle = provenance
    ? `${describeFigure(figure.name)} \u00b7 ${provenance.kind === 'measured' ? 'measured' : 'estimated'} by ${provenance.source}`
    : figure.value === null
      ? 'Why there is no power figure: see details'
      : '';

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
    // The same words as the services' "Active" column, so the header and the rows agree.
    idleText = idle.lastActivityAt
      ? `Stack active \u00b7 last request ${formatAgo(idle.lastActivityAt, now)}`
      : 'Stack active \u00b7 no requests seen yet';
  }
  const estimated = figure.value !== null && provenance?.kind === 'estimated';
  return {
    label: figure.value === null ? '' : figure.label,
    watts: `${estimated ? '\u2248 ' : ''}${formatWatts(figure.value)}`,
    secondary,
    secondaryTitle,
    source,
    sourceTitle,
    details: figure.value === null ? powerDetails(sample) : '',
    thermal: thermalBadge(sample.thermal.pressure),
    battery,
    idle: idleText,
  };
}

function describeFigure(name: string): string {
  if (name === 'system') return 'System: the whole machine (display, SSD, Wi-Fi, memory included)';
  if (name === 'SoC') return 'SoC: the Apple silicon package (CPU + GPU + ANE), not the whole machine';
  return 'Package: the CPU package, not the whole machine';
}

/** One line per power collector that is not reading, in its own words. */
function powerDetails(sample: Sample): string {
  const lines = sample.collectors
    .filter((c) => c.status !== 'ok' && c.reason)
    .map((c) => `${c.id}: ${c.status}${c.reason ? ` \u2014 ${c.reason}` : ''}`);
  const why = sample.absent['power.systemWatts'];
  return lines.length > 0 ? lines.join('\n') : (why ?? 'No collector reported a power figure.');
}
