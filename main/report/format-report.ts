import { THERMAL_PRESSURES, type Report } from '../contract/index.js';
import { formatAmount, formatDuration, formatMemory } from '../contract/format.js';

export type ReportFormat = 'md' | 'json' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'csv'];

const iso = (at: number): string => new Date(at).toISOString().replace(/\.000Z$/, 'Z');
/** Energy that was never measured is "unknown", never "0 Wh". */
const orUnknown = (value: number | null): string => (value === null ? 'unknown' : formatAmount(value, 'Wh'));

export function formatReportMarkdown(report: Report): string {
  const lines: string[] = [];
  lines.push(`# IdleWatt report: ${iso(report.range.from)} to ${iso(report.range.to)}`, '');
  if (report.sampleCount === 0) {
    lines.push('No samples were recorded in this range.');
    return lines.join('\n');
  }
  const wasted = report.systemIdleWattHours;
  lines.push(
    `**${wasted === null ? 'Energy unknown (no power reading)' : `${formatAmount(wasted, 'Wh')} wasted`} while idle** over ${formatDuration(report.idleSeconds)} of idle ` +
      `time (${formatDuration(report.coveredSeconds)} measured, ${report.sampleCount} samples).`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| idle time | ${formatDuration(report.idleSeconds)} |`,
    `| energy while idle | ${orUnknown(report.systemIdleWattHours)} |`,
    `| energy while active | ${orUnknown(report.systemActiveWattHours)} |`,
    `| peak system power | ${formatAmount(report.peakSystemWatts, 'W')} |`,
    `| mean system power | ${formatAmount(report.meanSystemWatts, 'W')} |`,
    `| system power source | ${report.powerSource ?? 'none (no whole-machine power reading)'} |`,
    `| mean ${report.packageName} power | ${formatAmount(report.meanPackageWatts, 'W')} |`,
    '',
  );
  if (report.services.length > 0) {
    lines.push(
      '## Services (estimated from CPU share of measured power)',
      '',
      '| service | wasted while idle | used while active | idle time running | mean CPU | mean memory |',
      '| --- | --- | --- | --- | --- | --- |',
      ...report.services.map(
        (s) =>
          `| ${s.name} | ${orUnknown(s.idleWattHours)} | ${orUnknown(s.activeWattHours)} | ` +
          `${formatDuration(s.idleSeconds)} | ${formatAmount(s.meanCpuPercent, '%')} | ` +
          `${formatMemory(s.meanRssBytes)} |`,
      ),
      '',
    );
  }
  const thermal = THERMAL_PRESSURES.filter((p) => report.thermalSeconds[p] > 0);
  lines.push('## Thermal pressure', '');
  lines.push(
    thermal.length === 0
      ? 'No thermal pressure reading in this range.'
      : thermal.map((p) => `${p}: ${formatDuration(report.thermalSeconds[p])}`).join(' · '),
    '',
  );
  lines.push('## Alerts fired', '');
  lines.push(
    ...(report.alerts.length === 0
      ? ['None.']
      : report.alerts.map((a) =>
          `- ${iso(a.at)} ${a.severity ?? ''} ${a.title}: ${a.message}`.replace(/\s+/g, ' '),
        )),
    '',
  );
  lines.push('## Recommendations', '');
  lines.push(
    ...(report.recommendations.length === 0
      ? [report.recommendationsNote]
      : report.recommendations.map((r) => `- ${r.text}`)),
  );
  return lines.join('\n');
}

const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(Number(value.toFixed(6))) : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One row for the system and one per service; thermal time as columns on the system row. */
export function formatReportCsv(report: Report): string {
  const header = [
    'scope',
    'id',
    'name',
    'from',
    'to',
    'idle_seconds',
    'idle_wh',
    'active_wh',
    'mean_cpu_percent',
    'mean_rss_bytes',
    'peak_watts',
    'mean_watts',
    ...THERMAL_PRESSURES.map((p) => `thermal_${p}_seconds`),
  ];
  const from = iso(report.range.from);
  const to = iso(report.range.to);
  const rows: (string | number | null)[][] = [
    [
      'system',
      null,
      report.powerSource,
      from,
      to,
      report.idleSeconds,
      report.systemIdleWattHours,
      report.systemActiveWattHours,
      null,
      null,
      report.peakSystemWatts,
      report.meanSystemWatts,
      ...THERMAL_PRESSURES.map((p) => report.thermalSeconds[p]),
    ],
    ...report.services.map((s) => [
      'service',
      s.serviceId,
      s.name,
      from,
      to,
      s.idleSeconds,
      s.idleWattHours,
      s.activeWattHours,
      s.meanCpuPercent,
      s.meanRssBytes === null ? null : Math.round(s.meanRssBytes),
      null,
      null,
      ...THERMAL_PRESSURES.map(() => null),
    ]),
  ];
  return [header.join(','), ...rows.map((row) => row.map(csvCell).join(','))].join('\n');
}

export function formatReport(report: Report, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'csv') return formatReportCsv(report);
  return formatReportMarkdown(report);
}
