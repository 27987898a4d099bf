import type { AlertEvent, Report, ServiceEnergy, Settings, TimeRange } from '../contract/index.js';
import type { HistoryStore } from '../store/index.js';
import { recommend, recommendationsNote } from './recommendations.js';
import { emptyTally, tallySample, type ReportTally } from './report-tally.js';

export type ReportSource = Pick<HistoryStore, 'samples' | 'alerts'>;

const REPORTED_ALERT_KINDS: readonly AlertEvent['kind'][] = ['fired', 'escalated'];

/**
 * Idle time, watt-hours wasted while idle (system and per service), peak and mean power, thermal
 * time per pressure level, alerts fired and recommendations, for one range of stored samples.
 */
export async function buildReport(
  store: ReportSource,
  range: TimeRange,
  settings: Settings,
): Promise<Report> {
  const configs = new Map(settings.services.map((s) => [s.id, s]));
  const idleAfterMs = settings.sampling.idleAfterMinutes * 60_000;
  const tally = emptyTally();
  for await (const sample of store.samples(range)) {
    if (sample.at < range.from || sample.at > range.to) continue;
    tallySample(tally, sample, range.from, configs, idleAfterMs);
  }
  const recommendations = recommend(tally, settings);
  const alerts = (await store.alerts(range.from)).filter(
    (a) => a.at <= range.to && REPORTED_ALERT_KINDS.includes(a.kind),
  );
  return {
    range: { from: range.from, to: range.to },
    sampleCount: tally.sampleCount,
    coveredSeconds: tally.coveredSeconds,
    idleSeconds: tally.idleSeconds,
    systemIdleWattHours: tally.hasSystemEnergy ? tally.systemIdleWattHours : null,
    systemActiveWattHours: tally.hasSystemEnergy ? tally.systemActiveWattHours : null,
    peakSystemWatts: tally.peakSystemWatts,
    meanSystemWatts: tally.systemWattsCount === 0 ? null : tally.systemWattsSum / tally.systemWattsCount,
    powerSource: mostCommon(tally.sourceCounts),
    meanPackageWatts: tally.packageWattsCount === 0 ? null : tally.packageWattsSum / tally.packageWattsCount,
    packageName: tally.packageName,
    thermalSeconds: tally.thermalSeconds,
    services: serviceEnergies(tally, settings),
    alerts,
    recommendations,
    recommendationsNote: recommendationsNote(tally, settings, recommendations),
  };
}

function serviceEnergies(tally: ReportTally, settings: Settings): ServiceEnergy[] {
  const order = new Map(settings.services.map((s, i) => [s.id, i]));
  return [...tally.services.values()]
    .sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity) || a.id.localeCompare(b.id))
    .map((t) => ({
      serviceId: t.id,
      name: t.name,
      idleWattHours: t.hasEnergy ? t.idleWattHours : null,
      activeWattHours: t.hasEnergy ? t.activeWattHours : null,
      meanCpuPercent: t.cpuCount === 0 ? null : t.cpuSum / t.cpuCount,
      meanRssBytes: t.rssCount === 0 ? null : t.rssSum / t.rssCount,
      idleSeconds: t.idleSeconds,
    }));
}

function mostCommon(counts: Map<string, number>): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const [key, count] of counts) {
    if (count > bestCount) [best, bestCount] = [key, count];
  }
  return best;
}
