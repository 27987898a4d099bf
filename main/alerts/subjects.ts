import type { AlertRuleId } from '../contract/alerts.js';
import {
  packageLabel,
  POWER_BASIS_PATH,
  THERMAL_PRESSURES,
  type PowerBasis,
  type Sample,
  type ServiceSample,
} from '../contract/sample.js';
import type { AlertSettings, IdlePowerRule, ThresholdRule } from '../contract/settings.js';
import { fitRssSlope, type RssFit } from './memory-slope.js';
import type { RssPoint } from './state.js';
import { SYSTEM_SUBJECT } from './state.js';
import type { Observation } from './streak.js';

/** Below this share of a threshold a reading counts towards clearing (hysteresis). */
export const CLEAR_RATIO = 0.9;

/** One rule applied to one subject on one sample. */
export interface Subject {
  rule: AlertRuleId;
  /** A service id, or 'system' for the whole-machine rules. */
  subject: string;
  /** The service the event names: the subject itself, or the likely culprit of a system rule. */
  service: ServiceSample | null;
  /** null: the reading is absent this sample. */
  observation: Observation | null;
  /** Extra wording for messages (the memory fit). */
  fit?: RssFit;
  /** The idle-power rule: which figure it read, and why the chosen one was not used. */
  power?: { name: string; fallbackReason: string | null };
}

function compare(value: number, rule: ThresholdRule, applies: boolean, note?: string): Observation {
  const observation: Observation = {
    value,
    warning: applies && value > rule.warning,
    critical: applies && value > rule.critical,
    clearable: !applies || value < rule.warning * CLEAR_RATIO,
    deescalatable: !applies || value < rule.critical * CLEAR_RATIO,
  };
  if (!applies && note) observation.note = note;
  return observation;
}

/** The service is not running: nothing to measure, and the alert may clear. */
const stopped = (service: ServiceSample): Observation => ({
  value: null,
  warning: false,
  critical: false,
  clearable: true,
  deescalatable: true,
  note: `${service.name || service.id} stopped`,
});

const running = (sample: Sample): ServiceSample[] => sample.services.filter((s) => s.status === 'running');

/** The running service with the largest estimated power share; by CPU where no service has watts. */
export function likelyCulprit(sample: Sample): ServiceSample | null {
  const candidates = running(sample);
  const byWatts = candidates
    .filter((s) => s.estimatedWatts !== null && s.estimatedWatts > 0)
    .sort((a, b) => b.estimatedWatts! - a.estimatedWatts!);
  if (byWatts[0]) return byWatts[0];
  const byCpu = candidates
    .filter((s) => s.cpuPercent !== null && s.cpuPercent > 0)
    .sort((a, b) => b.cpuPercent! - a.cpuPercent!);
  return byCpu[0] ?? null;
}

const figureName = (basis: PowerBasis, sample: Sample): string =>
  basis === 'system' ? 'system' : packageLabel(sample);

/**
 * Idle power on the rule's basis (package by default); where that figure is not measured, the other
 * one, named in the alert with the reason ("Idle system power 5.0 W (SoC power unavailable: …)").
 */
export function idlePowerSubject(rule: IdlePowerRule, sample: Sample): Subject {
  const wanted = rule.basis;
  const other: PowerBasis = wanted === 'package' ? 'system' : 'package';
  const measured = (basis: PowerBasis): number | null => {
    const w = sample.power[POWER_BASIS_PATH[basis]];
    return w !== null && Number.isFinite(w) ? w : null;
  };
  const basis = measured(wanted) !== null ? wanted : measured(other) !== null ? other : wanted;
  const watts = measured(basis);
  const fallbackReason =
    basis === wanted
      ? null
      : `${figureName(wanted, sample)} power unavailable${
          sample.absent[`power.${POWER_BASIS_PATH[wanted]}`]
            ? `: ${sample.absent[`power.${POWER_BASIS_PATH[wanted]}`]}`
            : ''
        }`;
  return {
    rule: 'idle-power',
    subject: SYSTEM_SUBJECT,
    service: likelyCulprit(sample),
    power: { name: figureName(basis, sample), fallbackReason },
    observation:
      watts === null ? null : compare(watts, rule, sample.idle.stackIdle, 'The stack is in use again'),
  };
}

/** Idle means no request this sample and none for the rule's window (or never). */
export function isServiceIdle(service: ServiceSample, at: number, windowMs: number): boolean {
  return !service.active && (service.lastActiveAt === null || at - service.lastActiveAt >= windowMs);
}

export function idleServiceCpuSubjects(rule: ThresholdRule, sample: Sample): Subject[] {
  const windowMs = rule.windowSeconds * 1000;
  return sample.services.map((service) => {
    const base = { rule: 'idle-service-cpu' as const, subject: service.id, service };
    if (service.status !== 'running') {
      return { ...base, observation: stopped(service) };
    }
    const cpu = service.cpuPercent;
    if (cpu === null || !Number.isFinite(cpu)) return { ...base, observation: null };
    const idle = isServiceIdle(service, sample.at, windowMs);
    return {
      ...base,
      observation: compare(cpu, rule, idle, `${service.name || service.id} is serving requests again`),
    };
  });
}

export function memoryGrowthSubjects(
  rule: ThresholdRule,
  sample: Sample,
  series: Readonly<Record<string, readonly RssPoint[]>>,
): Subject[] {
  const windowMs = rule.windowSeconds * 1000;
  return sample.services.map((service) => {
    const base = { rule: 'memory-growth' as const, subject: service.id, service };
    if (service.status !== 'running') {
      return { ...base, observation: stopped(service) };
    }
    const points = series[service.id] ?? [];
    // The fit needs a window's worth of history: until then there is nothing to fit.
    const spanMs = points.length > 0 ? points[points.length - 1]!.at - points[0]!.at : 0;
    const fit = service.rssBytes === null || spanMs < windowMs ? null : fitRssSlope(points);
    if (!fit) return { ...base, observation: null };
    return {
      ...base,
      fit,
      observation: { ...compare(fit.mbPerHour, rule, true), evidenceSince: fit.firstAt },
    };
  });
}

export function thermalSubject(rules: AlertSettings['thermalPressure'], sample: Sample): Subject {
  const pressure = sample.thermal.pressure;
  const level = pressure === null ? -1 : THERMAL_PRESSURES.indexOf(pressure);
  const warning = THERMAL_PRESSURES.indexOf(rules.warning);
  const critical = THERMAL_PRESSURES.indexOf(rules.critical);
  return {
    rule: 'thermal-pressure',
    subject: SYSTEM_SUBJECT,
    service: likelyCulprit(sample),
    observation:
      level < 0
        ? null
        : {
            value: level,
            warning: level >= warning,
            critical: level >= critical,
            clearable: level < warning,
            deescalatable: level < critical,
          },
  };
}
