import type { AlertRuleId, SnoozeState } from '../../main/contract/alerts.js';
import { formatClock, formatDayClock } from '../format.js';

export const RULE_LABELS: Record<AlertRuleId, string> = {
  'idle-power': 'Idle power',
  'idle-service-cpu': 'Idle service CPU',
  'memory-growth': 'Memory growth',
  'thermal-pressure': 'Thermal pressure',
};

/**
 * "Snoozed: all alerts until 14:30; Idle power until tomorrow 00:00; ollama alerts until 15:00".
 * Expired entries are left out; a state without per-service snoozes (an older monitor's) reads as none.
 */
export function describeSnooze(state: SnoozeState | null, now: number): string {
  if (!state) return 'No alerts snoozed.';
  const when = (until: number) => (until - now > 20 * 3600_000 ? formatDayClock(until) : formatClock(until));
  const live = (entry: [string, number | undefined]): entry is [string, number] =>
    typeof entry[1] === 'number' && entry[1] > now;
  const rules = Object.entries(state.snoozedUntil)
    .filter(live)
    .map(([rule, until]) => {
      const name = rule === 'all' ? 'All alerts' : RULE_LABELS[rule as AlertRuleId];
      return `${name} until ${when(until)}`;
    });
  const services = Object.entries(state.snoozedServices ?? {})
    .filter(live)
    .map(([serviceId, until]) => `${serviceId} alerts until ${when(until)}`);
  const parts = [...rules, ...services];
  return parts.length ? `Snoozed: ${parts.join('; ')}` : 'No alerts snoozed.';
}
