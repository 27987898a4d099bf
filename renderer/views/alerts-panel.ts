import {
  ALERT_RULE_IDS,
  type AlertEvent,
  type SnoozeRequest,
  type SnoozeState,
} from '../../main/contract/alerts.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDuration } from '../../main/contract/format.js';
import { formatAgo, formatDayClock } from '../format.js';
import { describeSnooze, RULE_LABELS } from '../model/alerts-model.js';

const KIND_LABELS: Record<AlertEvent['kind'], string> = {
  fired: 'Fired',
  escalated: 'Escalated',
  deescalated: 'Eased',
  cleared: 'Cleared',
  snoozed: 'Snoozed',
};

export interface AlertsPanelView {
  element: HTMLElement;
  update(alerts: readonly AlertEvent[], snooze: SnoozeState | null, now: number): void;
}

export function createAlertsPanel(options: {
  snooze(request: SnoozeRequest): Promise<SnoozeState>;
}): AlertsPanelView {
  const ruleSelect = h(
    'select',
    { id: 'snooze-rule' },
    h('option', { value: 'all' }, 'All alerts'),
    ALERT_RULE_IDS.map((r) => h('option', { value: r }, RULE_LABELS[r])),
  );
  const durations: { label: string; until: SnoozeRequest['until'] }[] = [
    { label: '1 h', until: { minutes: 60 } },
    { label: '4 h', until: { minutes: 240 } },
    { label: 'Until tomorrow', until: 'tomorrow' },
  ];
  const status = h('p', { class: 'muted', id: 'snooze-status', role: 'status' });
  const durationButtons = durations.map((d) => {
    const b = h('button', { type: 'button', class: 'button small' }, d.label);
    b.addEventListener(
      'click',
      () => void snooze({ rule: ruleSelect.value as SnoozeRequest['rule'], until: d.until }),
    );
    return b;
  });
  const list = h('ol', { class: 'alert-list', id: 'alert-list' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'alerts-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'alerts-title' }, 'Alerts')),
    h(
      'div',
      { class: 'snooze-bar' },
      h('label', { for: 'snooze-rule' }, 'Snooze'),
      ruleSelect,
      h('span', { class: 'button-row' }, durationButtons),
    ),
    status,
    list,
  );
  let lastState: SnoozeState | null = null;
  let listSignature = '';
  /** Each listed alert's relative time, aged in place between rebuilds. */
  let times: { element: HTMLTimeElement; at: number }[] = [];

  async function snooze(request: SnoozeRequest) {
    setText(status, 'Snoozing\u2026');
    try {
      lastState = await options.snooze(request);
      setText(status, describeSnooze(lastState, Date.now()));
    } catch (e) {
      setText(status, `Could not snooze: ${(e as Error).message}`);
    }
  }

  return {
    element,
    update(alerts, snoozeState, now) {
      lastState = snoozeState ?? lastState;
      if (status.textContent !== 'Snoozing\u2026') setText(status, describeSnooze(lastState, now));
      const shown = alerts.slice(0, 50);
      // Rebuild only when the events change: a rebuild on every sample would take keyboard focus
      // off a "Snooze 1 h" button.
      const signature = shown.map((a) => a.id).join('\u0000');
      if (signature === listSignature && list.childElementCount > 0) {
        for (const t of times) setText(t.element, formatAgo(t.at, now));
        return;
      }
      listSignature = signature;
      times = [];
      replaceChildren(
        list,
        shown.length === 0
          ? h('li', { class: 'muted empty-item' }, 'No alerts in the last 24 hours.')
          : shown.map((a) => {
              const severity = a.kind === 'cleared' ? 'cleared' : (a.severity ?? 'warning');
              const snoozeRule = h(
                'button',
                { type: 'button', class: 'link small', title: `Snooze ${RULE_LABELS[a.rule]} for 1 hour` },
                'Snooze 1 h',
              );
              snoozeRule.addEventListener(
                'click',
                () => void snooze({ rule: a.rule, until: { minutes: 60 } }),
              );
              const time = h(
                'time',
                { datetime: new Date(a.at).toISOString(), title: formatDayClock(a.at) },
                formatAgo(a.at, now),
              );
              times.push({ element: time, at: a.at });
              return h(
                'li',
                { class: `alert-item ${severity}`, 'data-alert': a.id },
                h(
                  'div',
                  { class: 'alert-head' },
                  h(
                    'span',
                    { class: 'sev' },
                    `${severity === 'critical' ? '\u2716' : severity === 'cleared' ? '\u2713' : '\u26A0'} ${KIND_LABELS[a.kind]}${a.severity && a.kind !== 'cleared' ? ` \u00b7 ${a.severity}` : ''}`,
                  ),
                  time,
                ),
                h('strong', { class: 'alert-title' }, a.title),
                h(
                  'p',
                  { class: 'alert-message' },
                  a.message,
                  a.durationSeconds ? ` (for ${formatDuration(a.durationSeconds)})` : '',
                ),
                a.kind === 'cleared' ? null : snoozeRule,
              );
            }),
      );
    },
  };
}
