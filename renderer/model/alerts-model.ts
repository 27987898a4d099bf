import type { AlertRuleId, SnoozeState } from '../../main/contract/alerts.js';
import { formatClock, formatDayClock } from '../format.js';

export const RULE_LABELS: Record<AlertRuleId, string> = {
  'idle-power': 'Idle power',
  'idle-service-cpu': 'Idle service CPU',
  'memory-growth': 'Memory growth',
  'thermal-pressure': 'Thermal pressure',
};

/** "Snoozed: all alerts until 14:30; Idle power until tomorrow 00:00". Expired entries are left out. */
export function describeSnooze(state: SnoozeState | null, now: number): string {
  if (!state) return 'No alerts snoozed.';
  const parts = Object.entries(state.snoozedUntil)
    .filter((entry): entry is [AlertRuleId | 'all', number] => typeof entry[1] === 'number' && entry[1] > now)
    .map(([rule, until]) => {
      const name = rule === 'all' ? 'All alerts' : RULE_LABELS[rule as AlertRuleId];
      const when = until - now > 20 * 3600_000 ? formatDayClock(until) : formatClock(until);
      return `${name} until ${when}`;
    });
  return parts.length ? `Snoozed: ${parts.join('; ')}` : 'No alerts snoozed.';
}
