import type { AlertEvent, AlertRuleId, SnoozeState } from '../contract/alerts.js';
import type { Sample } from '../contract/sample.js';
import { ALERT_RULE_SETTING_KEYS, type AlertSettings } from '../contract/settings.js';
import { appendRss } from './memory-slope.js';
import { wordEvent } from './messages.js';
import { isSnoozed, RULE_NAMES } from './snooze.js';
import {
  emptyTracker,
  SYSTEM_SUBJECT,
  trackerKey,
  type AlertState,
  type RssPoint,
  type RuleTracker,
} from './state.js';
import { stepTracker } from './streak.js';
import {
  idlePowerSubject,
  idleServiceCpuSubjects,
  memoryGrowthSubjects,
  thermalSubject,
  type Subject,
} from './subjects.js';

export interface AlertStep {
  state: AlertState;
  events: AlertEvent[];
  /** Set when the sample could not be evaluated (malformed input); the state is then unchanged. */
  error?: string;
}

/**
 * The alert engine: a pure function of the rules, what it remembers, one sample and the snoozes.
 * Time comes only from `sample.at`; the input state is never mutated. It never throws: a sample it
 * cannot read leaves the state as it was and says why.
 */
export function evaluateAlerts(
  rules: AlertSettings,
  state: AlertState,
  sample: Sample,
  snooze: SnoozeState,
): AlertStep {
  if (!Number.isFinite(sample?.at)) {
    return { state, events: [], error: 'alerts: the sample has no valid time (sample.at)' };
  }
  try {
    return evaluate(rules, state, sample, snooze);
  } catch (error) {
    return { state, events: [], error: `alerts: cannot evaluate the sample (${(error as Error).message})` };
  }
}

function evaluate(rules: AlertSettings, state: AlertState, sample: Sample, snooze: SnoozeState): AlertStep {
  // A Map while the trackers change (a store per subject per tick); a plain record again in the state.
  const trackers = new Map(Object.entries(state.trackers));
  const events: AlertEvent[] = [];
  const rss = rules.memoryGrowth.enabled
    ? updateRssSeries(state.rss, sample, rules.memoryGrowth.windowSeconds)
    : {};

  for (const subject of [...subjectsOf(rules, sample, rss), ...unmonitored(rules, state, sample)]) {
    const key = trackerKey(subject.rule, subject.subject);
    const previous = trackers.get(key) ?? emptyTracker();
    const { tracker, transition } = stepTracker(previous, subject.observation, {
      at: sample.at,
      gap: sample.gap,
      windowMs: rules[ALERT_RULE_SETTING_KEYS[subject.rule]].windowSeconds * 1000,
      cooldownMs: rules.cooldownMinutes * 60_000,
      // The subject, not the culprit a whole-machine rule names: a service's snooze is about its own alerts.
      snoozed: isSnoozed(
        snooze,
        subject.rule,
        sample.at,
        subject.subject === SYSTEM_SUBJECT ? null : subject.subject,
      ),
    });
    trackers.set(key, tracker);
    if (!transition) continue;
    const durationMs = sample.at - (tracker.breachStartedAt ?? sample.at);
    const wording = wordEvent({
      subject,
      transition,
      severity: tracker.severity,
      at: sample.at,
      durationMs,
      rules,
    });
    events.push({
      id: `${key}:${sample.at}:${transition}`,
      at: sample.at,
      rule: subject.rule,
      kind: transition,
      severity: tracker.severity ?? previous.severity,
      serviceId: subject.service?.id ?? (subject.subject === SYSTEM_SUBJECT ? null : subject.subject),
      value: subject.observation?.value ?? null,
      unit: wording.unit,
      threshold: wording.threshold,
      durationSeconds: Math.round(durationMs / 1000),
      title: wording.title,
      message: wording.message,
    });
  }
  const names = new Map(sample.services.map((s) => [s.id, s.name]));
  events.push(...clearDisabledRules(rules, trackers, sample.at, names));
  return {
    state: { trackers: forgetSettled(trackers, sample.at, rules.cooldownMinutes * 60_000), rss },
    events,
  };
}

function subjectsOf(rules: AlertSettings, sample: Sample, rss: Record<string, RssPoint[]>): Subject[] {
  const subjects: Subject[] = [];
  if (rules.idlePower.enabled) subjects.push(idlePowerSubject(rules.idlePower, sample));
  if (rules.idleServiceCpu.enabled) subjects.push(...idleServiceCpuSubjects(rules.idleServiceCpu, sample));
  if (rules.memoryGrowth.enabled) subjects.push(...memoryGrowthSubjects(rules.memoryGrowth, sample, rss));
  if (rules.thermalPressure.enabled) subjects.push(thermalSubject(rules.thermalPressure, sample));
  return subjects;
}

/**
 * Open per-service alerts whose service the sample no longer lists (removed from settings while the
 * alert was open, or before a restart): the condition no longer applies, so they clear as a stopped
 * service's would.
 */
function unmonitored(rules: AlertSettings, state: AlertState, sample: Sample): Subject[] {
  const listed = new Set(sample.services.map((s) => s.id));
  const subjects: Subject[] = [];
  for (const [key, tracker] of Object.entries(state.trackers)) {
    if (tracker.severity === null) continue;
    const split = key.indexOf(':');
    const rule = key.slice(0, split) as AlertRuleId;
    const subject = key.slice(split + 1);
    if (subject === SYSTEM_SUBJECT || listed.has(subject)) continue;
    if (!rules[ALERT_RULE_SETTING_KEYS[rule]].enabled) continue;
    subjects.push({
      rule,
      subject,
      service: null,
      observation: {
        value: null,
        warning: false,
        critical: false,
        clearable: true,
        deescalatable: true,
        note: `${subject} is no longer monitored`,
      },
    });
  }
  return subjects;
}

/** A gap or a stopped service restarts a series; an absent RSS reading just adds no point. */
function updateRssSeries(
  previous: Readonly<Record<string, RssPoint[]>>,
  sample: Sample,
  windowSeconds: number,
): Record<string, RssPoint[]> {
  const next: Record<string, RssPoint[]> = {};
  for (const service of sample.services) {
    if (service.status !== 'running') continue;
    const series = sample.gap ? [] : (previous[service.id] ?? []);
    const rssBytes = service.rssBytes;
    next[service.id] =
      rssBytes === null || !Number.isFinite(rssBytes)
        ? series
        : appendRss(series, { at: sample.at, rssBytes }, windowSeconds * 1000);
  }
  return next;
}

/** Turning a rule off in settings clears its active alerts, so nothing stays "firing" forever. */
function clearDisabledRules(
  rules: AlertSettings,
  trackers: Map<string, RuleTracker>,
  at: number,
  names: ReadonlyMap<string, string>,
): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const [key, tracker] of trackers) {
    const split = key.indexOf(':');
    const rule = key.slice(0, split) as AlertRuleId;
    if (rules[ALERT_RULE_SETTING_KEYS[rule]].enabled) continue;
    trackers.delete(key);
    if (tracker.severity === null) continue;
    const subject = key.slice(split + 1);
    events.push({
      id: `${key}:${at}:cleared`,
      at,
      rule,
      kind: 'cleared',
      severity: tracker.severity,
      serviceId: subject === 'system' ? null : subject,
      value: null,
      unit: null,
      threshold: null,
      durationSeconds: Math.round((at - (tracker.breachStartedAt ?? at)) / 1000),
      title: `${RULE_NAMES[rule]} alert cleared`,
      message: `${RULE_NAMES[rule]} alert${subject === 'system' ? '' : ` for ${names.get(subject) || subject}`} cleared: the rule was turned off in settings`,
    });
  }
  return events;
}

/** Drops trackers with nothing running, no run in progress and no cooldown left, so state stays bounded. */
function forgetSettled(
  trackers: ReadonlyMap<string, RuleTracker>,
  at: number,
  cooldownMs: number,
): Record<string, RuleTracker> {
  const kept: Record<string, RuleTracker> = {};
  for (const [key, t] of trackers) {
    const busy =
      t.severity !== null ||
      t.warningSince !== null ||
      t.criticalSince !== null ||
      (t.clearedAt !== null && at - t.clearedAt < cooldownMs);
    if (busy) kept[key] = t;
  }
  return kept;
}
