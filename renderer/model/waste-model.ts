import type { Report } from '../../main/contract/report.js';
import type { Sample } from '../../main/contract/sample.js';
import type { EnergySettings } from '../../main/contract/settings.js';
import {
  formatAmount,
  formatDuration,
  formatMoney,
  formatPercent,
  formatWatts,
} from '../../main/contract/format.js';

export interface WasteLine {
  /** "Idle waste today: 14 Wh ≈ 70 min of battery · VibeVoice ≈ 9.0 Wh". */
  text: string;
  /** How each figure was reached, for the tooltip and screen readers. */
  title: string;
}

export interface WasteInput {
  today: Report | null;
  latest: Sample | null;
  energy: EnergySettings | null;
}

/**
 * Battery time of an amount of energy: the hours that energy would run this machine at today's
 * mean whole-machine draw (Wh ÷ W). It is shown only for a machine on battery whose full charge is
 * known, and the tooltip gives the same energy as a share of that full charge.
 */
export function batterySeconds(wattHours: number, meanSystemWatts: number | null): number | null {
  if (meanSystemWatts === null || !(meanSystemWatts > 0) || !(wattHours >= 0)) return null;
  return (wattHours / meanSystemWatts) * 3600;
}

/** What idle waste cost today in units a laptop user feels: Wh, battery time, and money where priced. */
export function idleWasteLine(input: WasteInput): WasteLine | null {
  const { today, latest, energy } = input;
  if (!today) return null;
  const wattHours = today.systemIdleWattHours;
  if (!today.powerSource || wattHours === null) {
    return {
      text: 'Idle waste today: unknown',
      title: 'No whole-machine power reading today, so the energy used while idle cannot be measured.',
    };
  }
  const parts = [`Idle waste today: ${formatAmount(wattHours, 'Wh')}`];
  const notes = [
    `${formatAmount(wattHours, 'Wh')} used by the whole machine while the stack was idle, measured by ${today.powerSource}.`,
  ];

  const battery = latest?.battery ?? null;
  const onBattery = battery !== null && battery.onAc === false;
  const full = battery?.fullChargeWattHours ?? null;
  if (onBattery) {
    const seconds = batterySeconds(wattHours, today.meanSystemWatts);
    if (full !== null && full > 0 && seconds !== null) {
      parts[0] += ` \u2248 ${formatDuration(seconds)} of battery`;
      notes.push(
        `That is ${formatPercent((100 * wattHours) / full)} of a full charge (${formatAmount(full, 'Wh')}), ` +
          `which lasts ${formatDuration(seconds)} at today\u2019s mean draw of ${formatWatts(today.meanSystemWatts)}.`,
      );
    } else {
      parts[0] += ' \u00b7 battery time unknown';
      notes.push(
        full === null
          ? 'The battery does not report its full-charge energy, so no battery time is shown.'
          : 'No mean whole-machine draw today, so no battery time is shown.',
      );
    }
  }
  if (energy?.pricePerKwh != null) {
    const cost = (wattHours / 1000) * energy.pricePerKwh;
    parts.push(`\u2248 ${formatMoney(cost, energy.currency)}`);
    notes.push(
      `At ${formatMoney(energy.pricePerKwh, energy.currency)} per kWh (Settings \u203A Energy price).`,
    );
  }
  const top = topIdleService(today);
  if (top) {
    parts.push(`${top.name} \u2248 ${formatAmount(top.wattHours, 'Wh')}`);
    notes.push(`${top.name}: its estimated share (CPU/GPU time) of the idle energy.`);
  }
  return { text: parts.join(' \u00b7 '), title: notes.join(' ') };
}

/** The service with the most estimated idle energy today; null when none has a positive figure. */
export function topIdleService(today: Report): { serviceId: string; name: string; wattHours: number } | null {
  let best: { serviceId: string; name: string; wattHours: number } | null = null;
  for (const s of today.services) {
    if (s.idleWattHours === null || s.idleWattHours <= 0) continue;
    if (!best || s.idleWattHours > best.wattHours) {
      best = { serviceId: s.serviceId, name: s.name, wattHours: s.idleWattHours };
    }
  }
  return best;
}
