import type { UnloadResult } from '../../main/contract/api.js';
import type { Report } from '../../main/contract/report.js';
import type { Sample } from '../../main/contract/sample.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatAgo, formatDuration, formatEstimateWattHours, formatWattHours } from '../format.js';
import { idleRows } from '../model/idle-model.js';

/** "≈ 1.2 Wh" for an estimate; "unknown" where the report had no energy for it (never "0.0 Wh"). */
function idleEnergyCell(wattHours: number | null, report: Report | null): { text: string; title: string } {
  if (wattHours !== null) return formatEstimateWattHours(wattHours);
  return report
    ? { text: 'unknown', title: 'No power reading, so no energy could be attributed to this service' }
    : formatEstimateWattHours(null);
}

export interface IdleInput {
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

export function createIdlePanel(options: { unloadOllama(): Promise<UnloadResult> }): IdlePanelView {
  const since = h('p', { class: 'lead', id: 'idle-since' });
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
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'idle-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'idle-title' }, 'Idle analysis')),
    since,
    totals,
    table,
    h('h3', {}, 'Recommendations'),
    recommendations,
    actionStatus,
  );
  let recSignature = '';

  async function unload(button: HTMLButtonElement) {
    button.disabled = true;
    setText(actionStatus, 'Asking Ollama to unload its models\u2026');
    try {
      const result = await options.unloadOllama();
      setText(actionStatus, result.message || (result.ok ? 'Unloaded.' : 'Nothing was unloaded.'));
      actionStatus.dataset.tone = result.ok ? 'ok' : 'error';
    } catch (e) {
      setText(actionStatus, `Could not unload: ${(e as Error).message}`);
      actionStatus.dataset.tone = 'error';
    } finally {
      button.disabled = false;
    }
  }

  return {
    element,
    update(input) {
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
                const button =
                  r.action === 'unload-ollama'
                    ? h(
                        'button',
                        { type: 'button', class: 'button small', 'data-action': 'unload-ollama' },
                        'Unload Ollama models',
                      )
                    : null;
                button?.addEventListener('click', () => void unload(button));
                return h('li', {}, h('span', {}, r.text), button);
              }),
        );
      }
    },
  };
}
