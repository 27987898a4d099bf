import type { UnloadResult } from '../../main/contract/api.js';
import type { SnoozeRequest, SnoozeState } from '../../main/contract/alerts.js';
import type { BaselinePinRequest, BaselineState } from '../../main/contract/baseline.js';
import { baselineText } from '../model/baseline-model.js';
import type { Report } from '../../main/contract/report.js';
import type { Sample } from '../../main/contract/sample.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatDuration, formatWattHours } from '../../main/contract/format.js';
import { formatAgo, formatClock, formatEstimateWattHours } from '../format.js';
import { idleRows } from '../model/idle-model.js';
import type { WasteLine } from '../model/waste-model.js';
import { createWasteLine } from './waste-line.js';
import { recommendationActions } from '../model/recommendation-actions.js';

/** "≈ 1.2 Wh" for an estimate; "unknown" where the report had no energy for it (never "0.0 Wh"). */
function idleEnergyCell(wattHours: number | null, report: Report | null): { text: string; title: string } {
  if (wattHours !== null) return formatEstimateWattHours(wattHours);
  return report
    ? { text: 'unknown', title: 'No power reading, so no energy could be attributed to this service' }
    : formatEstimateWattHours(null);
}

export interface IdleInput {
  baseline?: BaselineState | null;
  /** Today's idle waste in Wh, battery time and money; null until the report arrives. */
  waste?: WasteLine | null;
  latest: Sample | null;
  today: Report | null;
  week: Report | null;
  reportError: string | null;
  now: number;
}

export interface IdlePanelView {
  element: HTMLElement;
  update(input: IdleInput): void;
}

export function createIdlePanel(options: {
  unloadOllama(): Promise<UnloadResult>;
  /** After a fix: opens Compare on the last hour against the hour before. */
  compareAfterFix?(): void;
  pinBaseline?(request: BaselinePinRequest): Promise<BaselineState>;
  /** Snoozes alerts (a service's, from a recommendation); without it no snooze button is offered. */
  snooze?(request: SnoozeRequest): Promise<SnoozeState>;
}): IdlePanelView {
  const since = h('p', { class: 'lead', id: 'idle-since' });
  const waste = createWasteLine('idle-waste', 'waste-line lead');
  const baselineLead = h('strong', { id: 'baseline-above' });
  const baselineNote = h('span', { class: 'muted', id: 'baseline-note' });
  const pinButton = h(
    'button',
    {
      type: 'button',
      class: 'button small',
      id: 'baseline-pin',
      title:
        'Use the last minute of power as this machine\u2019s idle baseline (for this power source and AC/battery)',
    },
    'Set baseline now',
  ) as HTMLButtonElement;
  const unpinButton = h(
    'button',
    { type: 'button', class: 'button small', id: 'baseline-unpin', hidden: true },
    'Use the learned baseline',
  ) as HTMLButtonElement;
  const baselineStatus = h('span', { class: 'action-status', role: 'status', id: 'baseline-status' });
  const baselineBlock = h(
    'div',
    { class: 'baseline', id: 'baseline' },
    h('p', {}, baselineLead, ' ', baselineNote),
    h('p', { class: 'baseline-actions' }, pinButton, ' ', unpinButton, ' ', baselineStatus),
  );
  async function pin(request: BaselinePinRequest, button: HTMLButtonElement) {
    if (!options.pinBaseline) return;
    button.disabled = true;
    try {
      const state = await options.pinBaseline(request);
      setText(baselineStatus, request.clear ? 'Pin removed.' : 'Baseline set.');
      baselineStatus.dataset.tone = 'ok';
      showBaseline(state, null);
    } catch (e) {
      setText(baselineStatus, `Could not set the baseline: ${(e as Error).message}`);
      baselineStatus.dataset.tone = 'error';
    } finally {
      button.disabled = false;
    }
  }
  pinButton.addEventListener('click', () => void pin({}, pinButton));
  unpinButton.addEventListener('click', () => void pin({ clear: true }, unpinButton));
  function showBaseline(state: BaselineState | null | undefined, latest: Sample | null): void {
    baselineBlock.hidden = !options.pinBaseline || !state;
    if (!state) return;
    setText(baselineLead, latest ? baselineText(latest, state) : '');
    setText(baselineNote, state.note);
    unpinButton.hidden = state.current?.kind !== 'pinned';
  }
  const totals = h('p', { id: 'idle-totals' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'plain', id: 'idle-table' },
    h('caption', { class: 'sr-only' }, 'Estimated energy used by each service while the stack was idle'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Service'),
        h('th', { scope: 'col', class: 'num' }, 'Idle today'),
        h('th', { scope: 'col', class: 'num' }, 'This week'),
      ),
    ),
    tbody,
  );
  const recommendations = h('ul', { class: 'recommendations', id: 'recommendations' });
  const actionStatus = h('p', { class: 'action-status', role: 'status', id: 'idle-action-status' });
  const compareButton = h(
    'button',
    { type: 'button', class: 'button small', id: 'compare-after-fix', hidden: true },
    'Compare the last hour with the hour before',
  ) as HTMLButtonElement;
  compareButton.addEventListener('click', () => options.compareAfterFix?.());
  /** Once a fix was made, offer to check whether it helped. */
  const offerCompare = () => {
    compareButton.hidden = !options.compareAfterFix;
  };
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'idle-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'idle-title' }, 'Idle analysis')),
    waste.element,
    since,
    baselineBlock,
    totals,
    table,
    h('h3', {}, 'Recommendations'),
    recommendations,
    actionStatus,
    compareButton,
  );
  let recSignature = '';

  async function unload(button: HTMLButtonElement) {
    button.disabled = true;
    setText(actionStatus, 'Asking Ollama to unload its models\u2026');
    try {
      const result = await options.unloadOllama();
      setText(actionStatus, result.message || (result.ok ? 'Unloaded.' : 'Nothing was unloaded.'));
      actionStatus.dataset.tone = result.ok ? 'ok' : 'error';
      if (result.ok) offerCompare();
    } catch (e) {
      setText(actionStatus, `Could not unload: ${(e as Error).message}`);
      actionStatus.dataset.tone = 'error';
    } finally {
      button.disabled = false;
    }
  }

  async function snoozeService(
    button: HTMLButtonElement,
    serviceId: string,
    name: string,
    minutes: number,
  ): Promise<void> {
    if (!options.snooze) return;
    button.disabled = true;
    setText(actionStatus, `Snoozing ${name} alerts\u2026`);
    try {
      const state = await options.snooze({ rule: 'all', until: { minutes }, serviceId });
      const until = state.snoozedServices?.[serviceId];
      setText(
        actionStatus,
        until
          ? `${name} alerts snoozed until ${formatClock(until)}. Whole-machine alerts (idle power, heat) still come.`
          : `${name} alerts were not snoozed.`,
      );
      actionStatus.dataset.tone = until ? 'ok' : 'error';
    } catch (e) {
      setText(actionStatus, `Could not snooze ${name} alerts: ${(e as Error).message}`);
      actionStatus.dataset.tone = 'error';
    } finally {
      button.disabled = false;
    }
  }

  async function copy(command: string, code: HTMLElement): Promise<void> {
    try {
      await navigator.clipboard.writeText(command);
      setText(actionStatus, 'Command copied. Run it in a terminal, then compare the hours after.');
      actionStatus.dataset.tone = 'ok';
    } catch {
      // No clipboard (a browser without permission): select it so one keystroke copies it.
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(range);
      setText(
        actionStatus,
        'The clipboard is not available here: the command is selected, copy it with Ctrl+C or ⌘C.',
      );
      actionStatus.dataset.tone = 'error';
    }
    offerCompare();
  }

  return {
    element,
    update(input) {
      waste.update(input.waste ?? null);
      showBaseline(input.baseline, input.latest);
      const idle = input.latest?.idle;
      if (!idle) setText(since, 'No samples yet.');
      else if (idle.stackIdle && idle.stackIdleSinceAt)
        setText(
          since,
          `Stack idle for ${formatDuration((input.now - idle.stackIdleSinceAt) / 1000)} \u00b7 last request ${formatAgo(idle.lastActivityAt, input.now)}`,
        );
      else setText(since, `Stack active \u00b7 last request ${formatAgo(idle.lastActivityAt, input.now)}`);

      if (input.reportError && !input.today) {
        setText(totals, `Idle energy unavailable: ${input.reportError}`);
      } else {
        const today = input.today?.systemIdleWattHours;
        const week = input.week?.systemIdleWattHours;
        setText(
          totals,
          input.today
            ? input.today.powerSource && today !== null
              ? `${formatWattHours(today)} used while idle today \u00b7 ${formatWattHours(week)} this week (whole machine, measured by ${input.today.powerSource})`
              : 'Idle energy unknown: no power reading on this machine, so there are no watt-hours to share out. CPU, memory and requests below are measured.'
            : 'Loading the idle report\u2026',
        );
      }
      const rows = idleRows(input.today, input.week);
      table.hidden = rows.length === 0;
      replaceChildren(
        tbody,
        rows.map((r) => {
          const today = idleEnergyCell(r.today, input.today);
          const week = idleEnergyCell(r.week, input.week);
          return h(
            'tr',
            { 'data-service': r.serviceId },
            h('th', { scope: 'row' }, r.name),
            h('td', { class: 'num estimate', title: today.title }, today.text),
            h('td', { class: 'num estimate', title: week.title }, week.text),
          );
        }),
      );
      const recs = input.today?.recommendations ?? [];
      const signature = JSON.stringify(recs);
      if (signature !== recSignature) {
        recSignature = signature;
        replaceChildren(
          recommendations,
          recs.length === 0
            ? h('li', { class: 'muted' }, input.today?.recommendationsNote ?? '')
            : recs.map((r) => {
                const name = input.latest?.services.find((s) => s.id === r.serviceId)?.name;
                const actions = recommendationActions(r, input.latest?.platform ?? null, name).filter(
                  (action) => action.kind !== 'snooze-service' || options.snooze,
                );
                const commands: HTMLElement[] = [];
                const buttons = actions.map((action) => {
                  const button = h(
                    'button',
                    { type: 'button', class: 'button small', 'data-action': action.kind },
                    action.label,
                  ) as HTMLButtonElement;
                  if (action.kind === 'unload-ollama') {
                    button.addEventListener('click', () => void unload(button));
                  } else if (action.kind === 'snooze-service') {
                    const label = name || action.serviceId;
                    button.addEventListener(
                      'click',
                      () => void snoozeService(button, action.serviceId, label, action.minutes),
                    );
                  } else {
                    const code = h('code', { class: 'command' }, action.command);
                    commands.push(code);
                    button.addEventListener('click', () => void copy(action.command, code));
                  }
                  return button;
                });
                return h(
                  'li',
                  { 'data-service': r.serviceId ?? '' },
                  h('span', {}, r.text),
                  commands,
                  buttons.length ? h('span', { class: 'button-row' }, buttons) : null,
                );
              }),
        );
      }
    },
  };
}
