import type { Sample } from '../contract/index.js';

const JOULES_PER_WATT_HOUR = 3600;

/**
 * What the exporters read: the latest sample pushed by the core plus energy counters accumulated
 * from every pushed sample. A scrape or an export reads this state; it never runs a collector.
 */
export class SampleMetricsState {
  private latestSample: Sample | null = null;
  /** Null until a sample carried a measured interval energy: no power source means no energy series. */
  private systemJoules: number | null = null;
  private readonly serviceJoules = new Map<string, number>();

  get latest(): Sample | null {
    return this.latestSample;
  }

  get systemEnergyJoules(): number | null {
    return this.systemJoules;
  }

  get serviceEnergyJoules(): ReadonlyMap<string, number> {
    return this.serviceJoules;
  }

  /**
   * Ignores a sample that is not newer than the latest, so a sample pushed twice never counts twice;
   * except a gap sample from before it (the clock went back), which the gauges must follow.
   */
  update(sample: Sample): void {
    const latest = this.latestSample;
    if (latest !== null && sample.at <= latest.at && (!sample.gap || sample.at === latest.at)) return;
    this.latestSample = sample;
    const systemWh = sample.energy.systemWattHours;
    if (isCountable(systemWh)) this.systemJoules = (this.systemJoules ?? 0) + systemWh * JOULES_PER_WATT_HOUR;
    for (const [serviceId, wattHours] of Object.entries(sample.energy.serviceWattHours)) {
      if (!isCountable(wattHours)) continue;
      this.serviceJoules.set(
        serviceId,
        (this.serviceJoules.get(serviceId) ?? 0) + wattHours * JOULES_PER_WATT_HOUR,
      );
    }
  }
}

/** A counter only ever grows: a negative or non-finite interval energy is dropped, not subtracted. */
function isCountable(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
