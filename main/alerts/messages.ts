import type { AlertEvent, AlertRuleId, AlertSeverity } from '../contract/alerts.js';
import { THERMAL_PRESSURES, type ServiceSample } from '../contract/sample.js';
import { ALERT_RULE_SETTING_KEYS, type AlertSettings } from '../contract/settings.js';
import {
  describeModels,
  formatCpuPercent,
  formatMbPerHour,
  formatMemory,
  formatSpan,
  formatWatts,
} from '../contract/format.js';
import { oneLine } from './one-line.js';
import { CLEAR_RATIO, type Subject } from './subjects.js';
import type { Transition } from './streak.js';

type Unit = AlertEvent['unit'];

export interface Wording {
  title: string;
  message: string;
  unit: Unit;
  threshold: number;
}

interface WordingInput {
  subject: Subject;
  transition: Transition;
  /** Severity after the transition (null once cleared). */
  severity: AlertSeverity | null;
  at: number;
  /** How long the breach has lasted, in ms. */
  durationMs: number;
  rules: AlertSettings;
}

/** What the sample says about a service besides its figures: "model loaded, no requests for 2 h". */
export function serviceFacts(service: ServiceSample, at: number): string[] {
  const facts: string[] = [];
  if (service.models) facts.push(describeModels(service.models, at));
  facts.push(
    service.lastActiveAt === null
      ? 'no requests seen'
      : `no requests for ${formatSpan(Math.max(0, at - service.lastActiveAt))}`,
  );
  return facts;
}

/** The name people gave the service ("VibeVoice TTS"); its id only where it has none. */
function serviceName(input: WordingInput): string {
  const service = input.subject.service;
  return service?.name ? oneLine(service.name, 60) : input.subject.subject;
}

/** "Ollama ≈ 4.1 W, 1 model loaded, 9.1 GB, no requests for 2 h" (by CPU where there is no watt estimate). */
export function describeService(service: ServiceSample, at: number): string {
  const name = oneLine(service.name || service.id, 60);
  let headline = name;
  if (service.estimatedWatts !== null) headline = `${name} ≈ ${formatWatts(service.estimatedWatts)}`;
  else if (service.cpuPercent !== null) headline = `${name} at ${formatCpuPercent(service.cpuPercent)} CPU`;
  return [headline, ...serviceFacts(service, at)].join(', ');
}

const UNITS: Record<AlertRuleId, Unit> = {
  'idle-power': 'W',
  'idle-service-cpu': '%',
  'memory-growth': 'MB/h',
  'thermal-pressure': 'level',
};

export function wordEvent(input: WordingInput): Wording {
  switch (input.subject.rule) {
    case 'idle-power':
      return idlePowerWording(input);
    case 'idle-service-cpu':
      return idleCpuWording(input);
    case 'memory-growth':
      return memoryWording(input);
    case 'thermal-pressure':
      return thermalWording(input);
  }
}

function thresholdOf(input: WordingInput, rule: { warning: number; critical: number }): number {
  return input.severity === 'critical' ? rule.critical : rule.warning;
}

const lasted = (input: WordingInput) => `the alert lasted ${formatSpan(input.durationMs)}`;

/**
 * "Idle power now 3.0 W, below 4.5 W for 60 s; the alert lasted 6 min", or, where the condition
 * stopped applying, "vibevoice is serving requests again (CPU now 8.0 %); the alert lasted 2 min".
 */
function clearedMessage(
  input: WordingInput,
  label: string,
  shown: string | null,
  clearLevel: string,
): string {
  const note = input.subject.observation?.note;
  if (note) return `${note}${shown === null ? '' : ` (now ${shown})`}; ${lasted(input)}`;
  const window = formatSpan(windowMsOf(input));
  return `${label} now ${shown ?? 'unknown'}, below ${clearLevel} for ${window}; ${lasted(input)}`;
}

function windowMsOf(input: WordingInput): number {
  const key = ALERT_RULE_SETTING_KEYS[input.subject.rule];
  return input.rules[key].windowSeconds * 1000;
}

function idlePowerWording(input: WordingInput): Wording {
  const rule = input.rules.idlePower;
  const threshold = thresholdOf(input, rule);
  const value = input.subject.observation?.value ?? null;
  const culprit = input.subject.service ? ` — ${describeService(input.subject.service, input.at)}` : '';
  const base = { unit: UNITS['idle-power'], threshold };
  if (input.transition === 'cleared') {
    return {
      ...base,
      title: 'Idle power back to normal',
      message: clearedMessage(
        input,
        'Idle power',
        value === null ? null : formatWatts(value),
        formatWatts(rule.warning * CLEAR_RATIO),
      ),
    };
  }
  const power = input.subject.power;
  const noun = power ? `Idle ${power.name} power` : 'Idle power';
  const why = power?.fallbackReason ? ` (${power.fallbackReason})` : '';
  const title = `${noun} above ${formatWatts(threshold)}`;
  const lead = input.transition === 'deescalated' ? `${noun} down to` : noun;
  return {
    ...base,
    title,
    message: `${lead} ${formatWatts(value ?? 0)}${why} for ${formatSpan(input.durationMs)}${culprit}`,
  };
}

function idleCpuWording(input: WordingInput): Wording {
  const rule = input.rules.idleServiceCpu;
  const threshold = thresholdOf(input, rule);
  const id = serviceName(input);
  const value = input.subject.observation?.value ?? null;
  const base = { unit: UNITS['idle-service-cpu'], threshold };
  if (input.transition === 'cleared') {
    return {
      ...base,
      title: `${id}: idle CPU back to normal`,
      message: clearedMessage(
        input,
        `${id} CPU`,
        value === null ? null : formatCpuPercent(value),
        formatCpuPercent(rule.warning * CLEAR_RATIO),
      ),
    };
  }
  const service = input.subject.service;
  const facts = service ? serviceFacts(service, input.at) : [];
  if (service?.estimatedWatts !== null && service?.estimatedWatts !== undefined) {
    facts.push(`≈ ${formatWatts(service.estimatedWatts)}`);
  }
  return {
    ...base,
    title: `${id}: idle CPU above ${formatCpuPercent(threshold)}`,
    message: `${id} at ${formatCpuPercent(value ?? 0)} CPU while idle for ${formatSpan(input.durationMs)} — ${facts.join(', ')}`,
  };
}

function memoryWording(input: WordingInput): Wording {
  const rule = input.rules.memoryGrowth;
  const threshold = thresholdOf(input, rule);
  const id = serviceName(input);
  const value = input.subject.observation?.value ?? null;
  const base = { unit: UNITS['memory-growth'], threshold };
  const rss = input.subject.service?.rssBytes;
  const now = rss === null || rss === undefined ? '' : ` (now ${formatMemory(rss)})`;
  const span = formatSpan(input.subject.fit?.spanMs ?? rule.windowSeconds * 1000);
  if (input.transition === 'cleared') {
    const why =
      input.subject.observation?.note ??
      `${id} memory growth down to ${formatMbPerHour(value ?? 0)} over the last ${span}${now}`;
    return { ...base, title: `${id}: memory growth stopped`, message: `${why}; ${lasted(input)}` };
  }
  return {
    ...base,
    title: `${id}: memory grows over ${formatMbPerHour(threshold)}`,
    message: `${id} memory grows ${formatMbPerHour(value ?? 0)} over the last ${span}${now}`,
  };
}

function thermalWording(input: WordingInput): Wording {
  const rule = input.rules.thermalPressure;
  const level = THERMAL_PRESSURES.indexOf(input.severity === 'critical' ? rule.critical : rule.warning);
  const value = input.subject.observation?.value ?? null;
  const pressure = (value !== null && THERMAL_PRESSURES[value]) || 'unknown';
  const base = { unit: UNITS['thermal-pressure'], threshold: level };
  if (input.transition === 'cleared') {
    return {
      ...base,
      title: 'Thermal pressure back to normal',
      message: `Thermal pressure ${pressure}, below ${rule.warning} for ${formatSpan(windowMsOf(input))}; ${lasted(input)}`,
    };
  }
  const culprit = input.subject.service
    ? ` — likely culprit ${describeService(input.subject.service, input.at)}`
    : '';
  return {
    ...base,
    title: `Thermal pressure ${pressure}`,
    message: `Thermal pressure ${pressure} for ${formatSpan(input.durationMs)}${culprit}`,
  };
}
