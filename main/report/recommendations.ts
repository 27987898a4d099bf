import type { Recommendation, Settings } from '../contract/index.js';
import { formatAmount, formatBytes, formatDuration, formatNumber } from '../contract/format.js';
import type { ReportTally, ServiceTally } from './report-tally.js';

/** Less than this much quiet or idle time says nothing worth acting on. */
const MIN_EVIDENCE_SECONDS = 10 * 60;

/** "14.2 Wh" where an estimate exists; otherwise says the energy is unknown rather than 0. */
function energyOf(t: ServiceTally, wattHours: number): string {
  return t.hasEnergy ? formatAmount(wattHours, 'Wh') : 'energy unknown (no power reading)';
}

function ollamaModels(t: ServiceTally): string {
  const load = t.largestLoad!;
  const size = load.bytes ? formatBytes(load.bytes) : null;
  if (load.count === 1) return size ? `a ${size} model` : 'a model';
  return size ? `${load.count} models (${size})` : `${load.count} models`;
}

function keptModelLoaded(t: ServiceTally, minSeconds: number): Recommendation | null {
  if (!t.isOllama || t.loadedQuietSeconds < minSeconds) return null;
  return {
    serviceId: t.id,
    text:
      `${t.name} kept ${ollamaModels(t)} loaded for ${formatDuration(t.loadedQuietSeconds)} with no requests: ` +
      `${energyOf(t, t.loadedQuietWattHours)}; lower OLLAMA_KEEP_ALIVE or unload it.`,
    wattHours: t.hasEnergy ? t.loadedQuietWattHours : null,
    action: 'unload-ollama',
  };
}

function burnedCpuWithoutRequests(
  t: ServiceTally,
  cpuThreshold: number,
  minSeconds: number,
): Recommendation | null {
  if (t.quietCpuCoverage < minSeconds) return null;
  const meanCpu = t.quietCpuSeconds / t.quietCpuCoverage;
  if (meanCpu < cpuThreshold) return null;
  return {
    serviceId: t.id,
    text:
      `${t.name} used ${formatNumber(meanCpu)} % CPU on average for ${formatDuration(t.quietSeconds)} with no ` +
      `requests: ${energyOf(t, t.quietWattHours)}; it is polling or spinning while idle — stop it when ` +
      `unused or fix its idle loop.`,
    wattHours: t.hasEnergy ? t.quietWattHours : null,
    action: null,
  };
}

function highIdlePower(
  tally: ReportTally,
  thresholdWatts: number,
  minSeconds: number,
): Recommendation | null {
  if (tally.idleSystemWattsCount === 0 || tally.idleSeconds < minSeconds || !tally.hasSystemEnergy)
    return null;
  const mean = tally.idleSystemWattsSum / tally.idleSystemWattsCount;
  if (mean < thresholdWatts) return null;
  const hours = tally.idleSeconds / 3600;
  const servicesWatts = [...tally.services.values()].reduce((sum, t) => sum + t.idleWattHours, 0) / hours;
  const rest = Math.max(0, mean - servicesWatts);
  return {
    serviceId: null,
    text:
      `While the stack was idle (${formatDuration(tally.idleSeconds)}) the machine drew ${formatAmount(mean, 'W')} on ` +
      `average, above the ${formatAmount(thresholdWatts, 'W')} alert threshold: configured services account for about ` +
      `${formatAmount(servicesWatts, 'W')} (estimated), the rest of the system ${formatAmount(rest, 'W')}.`,
    wattHours: tally.systemIdleWattHours,
    action: null,
  };
}

function unconfiguredProcesses(
  tally: ReportTally,
  cpuThreshold: number,
  minSeconds: number,
): Recommendation[] {
  if (tally.idleSampleCount === 0 || tally.idleSeconds < minSeconds) return [];
  return [...tally.processes.values()]
    .map((p) => ({ ...p, mean: p.cpuSum / tally.idleSampleCount }))
    .filter((p) => p.seen * 2 >= tally.idleSampleCount && p.mean >= cpuThreshold)
    .sort((a, b) => b.mean - a.mean)
    .slice(0, 2)
    .map((p) => ({
      serviceId: null,
      text:
        `${p.name} (not a configured service) averaged ${formatNumber(p.mean)} % CPU while the stack was idle ` +
        `for ${formatDuration(tally.idleSeconds)}; add it as a service in Settings to measure its energy.`,
      wattHours: null,
      action: null,
    }));
}

function thermalStress(tally: ReportTally): Recommendation | null {
  const hotSeconds = tally.thermalSeconds.serious + tally.thermalSeconds.critical;
  if (hotSeconds < 60) return null;
  const [top] = [...tally.hotServiceWatts].sort((a, b) => b[1] - a[1]);
  const culprit = top ? tally.services.get(top[0]) : undefined;
  return {
    serviceId: culprit?.id ?? null,
    text:
      `The machine spent ${formatDuration(hotSeconds)} at serious or critical thermal pressure` +
      (culprit ? `; the largest estimated consumer then was ${culprit.name}.` : '.'),
    wattHours: null,
    action: null,
  };
}

/** Whether the range holds enough idle (or request-free) time for any recommendation to be judged. */
function evidenceSeconds(tally: ReportTally): number {
  return Math.max(tally.idleSeconds, ...[...tally.services.values()].map((t) => t.quietSeconds));
}

/** The sentence shown in place of an empty recommendation list. */
export function recommendationsNote(
  tally: ReportTally,
  settings: Settings,
  recommendations: readonly Recommendation[],
): string {
  const minSeconds = Math.max(MIN_EVIDENCE_SECONDS, settings.sampling.idleAfterMinutes * 60);
  const have = evidenceSeconds(tally);
  if (recommendations.length === 0 && have < minSeconds) {
    const needs = formatDuration(minSeconds);
    return have <= 0
      ? `Not enough data yet (needs ${needs} without requests).`
      : `Not enough data yet (needs ${needs} without requests; ${formatDuration(have)} so far).`;
  }
  return 'Nothing to act on: no service wasted measurable energy while idle.';
}

/** Recommendations derived from the measurements, largest energy first. */
export function recommend(tally: ReportTally, settings: Settings): Recommendation[] {
  const minSeconds = Math.max(MIN_EVIDENCE_SECONDS, settings.sampling.idleAfterMinutes * 60);
  const cpuThreshold = settings.alerts.idleServiceCpu.warning;
  const out: Recommendation[] = [];
  for (const t of tally.services.values()) {
    const rec = keptModelLoaded(t, minSeconds) ?? burnedCpuWithoutRequests(t, cpuThreshold, minSeconds);
    if (rec) out.push(rec);
  }
  const idle = highIdlePower(tally, settings.alerts.idlePower.warning, minSeconds);
  if (idle) out.push(idle);
  out.push(...unconfiguredProcesses(tally, cpuThreshold, minSeconds));
  const thermal = thermalStress(tally);
  if (thermal) out.push(thermal);
  return out.sort((a, b) => (b.wattHours ?? -1) - (a.wattHours ?? -1));
}
