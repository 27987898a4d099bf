import type { AlertEvent } from '../../main/contract/alerts.js';
import type { ServicePoint } from '../../main/contract/history.js';
import type { ProcessSample, ServiceSample } from '../../main/contract/sample.js';
import { h, replaceChildren, setText } from '../dom.js';
import { describeModels, formatCpuPercent, formatMemory } from '../../main/contract/format.js';
import { formatAgo, formatEstimateWattHours, formatEstimateWatts } from '../format.js';
import { serviceStatusLabel } from '../model/service-status.js';
import {
  DEFAULT_IDLE_AFTER_MS,
  DEFAULT_SERVICE_SORT,
  nextSort,
  openAlertsByService,
  sortServices,
  splitByStatus,
  type ServiceSort,
  type ServiceSortKey,
} from '../model/services-model.js';
import { activityFacts } from '../model/activity-model.js';
import { drawSparkline } from './sparkline.js';

export interface ServicesInput {
  services: readonly ServiceSample[];
  topProcesses: readonly ProcessSample[];
  idleWattHoursToday: Record<string, number>;
  alerts: readonly AlertEvent[];
  configuredCount: number | null;
  hasSample: boolean;
  /** "≈ W split system power 9.1 W: services … + rest …". */
  basisLine: string;
  now: number;
  /** The settings' idle threshold: a request within it makes a service Active. */
  idleAfterMs?: number;
  /** Each service's CPU % over the last 15 minutes, oldest first, for the row's sparkline. */
  cpuTrail?(serviceId: string): (number | null)[];
  /** Why a row is flagged ("40 % CPU over 15 min, no requests for 2 h, …"); null when it is not. */
  whyFlagged?(service: ServiceSample): string | null;
}

interface Row {
  row: HTMLTableRowElement;
  detailRow: HTMLTableRowElement;
  expander: HTMLButtonElement;
  name: HTMLElement;
  sub: HTMLElement;
  spark: HTMLCanvasElement;
  whyRow: HTMLTableRowElement;
  why: HTMLElement;
  warn: HTMLElement;
  cells: Record<'cpu' | 'memory' | 'status' | 'watts' | 'idleToday' | 'lastActive', HTMLTableCellElement>;
  canvas: HTMLCanvasElement;
  facts: HTMLElement;
}

const COLUMNS: { key: ServiceSortKey; label: string; title: string }[] = [
  { key: 'name', label: 'Service', title: 'Sort by name' },
  { key: 'cpu', label: 'CPU', title: 'Sort by CPU (100 % = one core)' },
  { key: 'memory', label: 'Mem', title: 'Sort by resident memory' },
  {
    key: 'status',
    label: 'Status',
    title: 'Sort by status: Active (a recent request), Loaded or Idle (no models) as its probe reports, Idle',
  },
  {
    key: 'watts',
    label: '\u2248 W',
    title: 'Sort by estimated power (an estimate: CPU/GPU time share of measured power)',
  },
  {
    key: 'idleToday',
    label: 'Idle Wh',
    title: 'Sort by estimated energy used while the stack was idle today',
  },
  {
    key: 'lastActive',
    label: 'Active',
    title: 'Sort by the last user request seen (internal traffic is not use)',
  },
];

export interface ServicesTableView {
  element: HTMLElement;
  update(input: ServicesInput): void;
  /** Expands, scrolls to and focuses a service's row; false when it is not listed. */
  focusService(id: string): boolean;
}

export function createServicesTable(options: {
  loadHistory(serviceId: string): Promise<ServicePoint[]>;
  onConfigure(): void;
}): ServicesTableView {
  let sort: ServiceSort = DEFAULT_SERVICE_SORT;
  let last: ServicesInput | null = null;
  const rows = new Map<string, Row>();
  const expanded = new Set<string>();
  const histories = new Map<string, { points: ServicePoint[]; at: number } | { error: string; at: number }>();

  const headButtons = COLUMNS.map((c) =>
    h('button', { type: 'button', class: 'sort', 'data-sort': c.key, title: c.title }, c.label),
  );
  const headCells = COLUMNS.map((c, i) =>
    h(
      'th',
      { scope: 'col', class: `${c.key === 'name' ? 'col-name' : 'num'} cell-${c.key}` },
      headButtons[i],
    ),
  );
  headButtons.forEach((button, i) =>
    button.addEventListener('click', () => {
      sort = nextSort(sort, COLUMNS[i]!.key);
      if (last) render(last);
    }),
  );
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'services', id: 'services-table' },
    h(
      'caption',
      { class: 'sr-only' },
      'Configured services: CPU, memory, status, estimated watts, idle energy today, last request',
    ),
    h(
      'colgroup',
      {},
      COLUMNS.map((c) => h('col', { class: `c-${c.key}` })),
    ),
    h('thead', {}, h('tr', {}, headCells)),
    tbody,
  );
  const stoppedLine = h('p', { class: 'stopped-line', id: 'stopped-services' });
  const otherLine = h('p', { class: 'other-line', id: 'other-processes' });
  const basisLine = h('p', { class: 'other-line', id: 'services-basis' });
  const empty = h('div', { class: 'empty', id: 'services-empty' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'services-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'services-title' }, 'Services')),
    empty,
    table,
    stoppedLine,
    otherLine,
    basisLine,
  );

  function buildRow(service: ServiceSample): Row {
    const detailId = `svc-detail-${service.id}`;
    const name = h('span', { class: 'svc-name' });
    const warn = h('span', { class: 'warn-icon', hidden: true });
    const expander = h(
      'button',
      { type: 'button', class: 'expander', 'aria-expanded': 'false', 'aria-controls': detailId },
      h('span', { class: 'chev', 'aria-hidden': 'true' }, '\u25B8'),
      name,
      warn,
    );
    const sub = h('span', { class: 'sub' });
    const spark = h('canvas', { class: 'row-spark', role: 'img', 'aria-label': '' });
    const cell = (key: ServiceSortKey, cls = 'num') => h('td', { class: `${cls} cell-${key}` });
    const cells = {
      cpu: cell('cpu'),
      memory: cell('memory'),
      status: cell('status', 'status'),
      watts: cell('watts', 'num estimate'),
      idleToday: cell('idleToday', 'num estimate'),
      lastActive: cell('lastActive', ''),
    };
    const row = h(
      'tr',
      { class: 'svc-row', 'data-service': service.id },
      h('th', { scope: 'row', class: 'col-name' }, expander, sub, spark),
      cells.cpu,
      cells.memory,
      cells.status,
      cells.watts,
      cells.idleToday,
      cells.lastActive,
    );
    const canvas = h('canvas', {
      class: 'spark',
      role: 'img',
      'aria-label': `${service.name}: CPU and memory, last 15 minutes`,
    });
    const facts = h('div', { class: 'facts' });
    const why = h('span', { class: 'why-text' });
    const whyRow = h(
      'tr',
      { class: 'svc-why', 'data-why': service.id, hidden: true },
      h('td', { colspan: COLUMNS.length }, h('span', { class: 'sr-only' }, `${service.name} flagged: `), why),
    );
    const detailRow = h(
      'tr',
      { class: 'svc-detail', id: detailId, hidden: true },
      h(
        'td',
        { colspan: COLUMNS.length },
        h(
          'div',
          { class: 'detail-grid' },
          h(
            'div',
            {},
            canvas,
            h(
              'div',
              { class: 'spark-legend', 'aria-hidden': 'true' },
              h('span', { class: 'l-cpu' }, 'CPU'),
              h('span', { class: 'l-mem' }, 'memory'),
            ),
          ),
          facts,
        ),
      ),
    );
    expander.addEventListener('click', () => toggle(service.id));
    return { row, detailRow, expander, name, sub, spark, whyRow, why, warn, cells, canvas, facts };
  }

  function toggle(id: string, open = !expanded.has(id)): void {
    if (open) expanded.add(id);
    else expanded.delete(id);
    const row = rows.get(id);
    if (!row) return;
    row.expander.setAttribute('aria-expanded', String(open));
    row.detailRow.hidden = !open;
    row.row.classList.toggle('open', open);
    if (open) void refreshHistory(id);
  }

  async function refreshHistory(id: string): Promise<void> {
    const cached = histories.get(id);
    if (cached && Date.now() - cached.at < 30_000) {
      drawDetail(id);
      return;
    }
    try {
      histories.set(id, { points: await options.loadHistory(id), at: Date.now() });
    } catch (e) {
      histories.set(id, { error: (e as Error).message, at: Date.now() });
    }
    drawDetail(id);
  }

  function drawDetail(id: string): void {
    const row = rows.get(id);
    const history = histories.get(id);
    if (!row || !history || row.detailRow.hidden) return;
    if ('error' in history) {
      row.canvas.hidden = true;
      row.canvas.setAttribute('aria-label', `History unavailable: ${history.error}`);
      return;
    }
    row.canvas.hidden = false;
    drawSparkline(row.canvas, [
      { values: history.points.map((p) => p.cpuPercent), colourVar: '--series-cpu', fallback: '#0f766e' },
      { values: history.points.map((p) => p.rssBytes), colourVar: '--series-gpu', fallback: '#b45309' },
    ]);
    row.canvas.dataset.points = String(history.points.length);
  }

  function fillRow(row: Row, s: ServiceSample, input: ServicesInput, open: AlertEvent[] | undefined): void {
    setText(row.name, s.name);
    row.expander.title = s.name;
    const models = s.models ? describeModels(s.models, input.now) : null;
    setText(row.sub, models ?? (s.ports.length ? `:${s.ports.join(', :')}` : ''));
    setText(row.cells.cpu, formatCpuPercent(s.cpuPercent));
    setText(row.cells.memory, formatMemory(s.rssBytes));
    const status = serviceStatusLabel(s, input.now, input.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS);
    setText(row.cells.status, status);
    row.cells.status.dataset.status = status;
    const watts = formatEstimateWatts(s.estimatedWatts);
    setText(row.cells.watts, watts.text.replace(' W', ''));
    row.cells.watts.title = watts.title;
    const idle = formatEstimateWattHours(input.idleWattHoursToday[s.id] ?? null);
    setText(row.cells.idleToday, idle.text.replace(' Wh', ''));
    row.cells.idleToday.title = `${idle.text} while idle today. ${idle.title}`;
    setText(row.cells.lastActive, formatAgo(s.lastActiveAt, input.now));
    drawRowSpark(row, s, input);
    const why = input.whyFlagged?.(s) ?? null;
    row.whyRow.hidden = why === null;
    row.row.classList.toggle('flagged', why !== null);
    setText(row.why, why ?? '');
    const warning = open && open.length > 0;
    row.row.classList.toggle('warn', Boolean(warning));
    row.warn.hidden = !warning;
    setText(row.warn, warning ? ' \u26A0' : '');
    row.warn.title = warning ? open!.map((a) => a.title).join('; ') : '';
    row.warn.setAttribute('aria-label', warning ? `Alert: ${open!.map((a) => a.title).join('; ')}` : '');
    const pids = s.pids.length ? s.pids.join(', ') : 'none';
    const ports = s.ports.length ? s.ports.join(', ') : 'none';
    replaceChildren(
      row.facts,
      // The probe line is cut short in the row; the details show it whole.
      models ? h('div', {}, h('span', { class: 'muted' }, 'Status '), models) : null,
      h('div', {}, h('span', { class: 'muted' }, 'PIDs '), pids),
      h('div', {}, h('span', { class: 'muted' }, 'Ports '), ports),
      activityFacts(s, input.now).map((f) =>
        h('div', f.title ? { title: f.title } : {}, h('span', { class: 'muted' }, `${f.label} `), f.value),
      ),
    );
  }

  function drawRowSpark(row: Row, s: ServiceSample, input: ServicesInput): void {
    const values = input.cpuTrail?.(s.id) ?? [];
    const known = values.filter((v): v is number => v !== null);
    row.spark.hidden = known.length < 2;
    if (row.spark.hidden) return;
    drawSparkline(row.spark, [{ values, colourVar: '--series-cpu', fallback: '#0f766e', floor: 0 }], 56, 14);
    row.spark.setAttribute(
      'aria-label',
      `${s.name} CPU, last 15 minutes: from ${formatCpuPercent(Math.min(...known))} to ${formatCpuPercent(Math.max(...known))}, now ${formatCpuPercent(known[known.length - 1])}`,
    );
  }

  function render(input: ServicesInput): void {
    last = input;
    setText(basisLine, input.basisLine);
    basisLine.hidden = input.basisLine === '' || input.services.every((s) => s.status !== 'running');
    headButtons.forEach((button, i) => {
      const key = COLUMNS[i]!.key;
      const th = headCells[i]!;
      if (key === sort.key) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
      button.dataset.dir = key === sort.key ? (sort.descending ? 'desc' : 'asc') : '';
    });

    const noneConfigured = input.configuredCount === 0;
    const waiting = !noneConfigured && !input.hasSample;
    empty.hidden = !noneConfigured && !waiting;
    if (noneConfigured) {
      const button = h('button', { type: 'button', class: 'link' }, 'Add a service in Settings');
      button.addEventListener('click', options.onConfigure);
      replaceChildren(
        empty,
        h('p', {}, 'No services configured yet. IdleWatt attributes power to the services you list.'),
        button,
      );
    } else if (waiting) {
      replaceChildren(empty, h('p', {}, 'Waiting for the first sample\u2026'));
    }
    const { running, stopped } = splitByStatus(input.services);
    const sorted = sortServices(running, sort, input);
    table.hidden = sorted.length === 0;
    const open = openAlertsByService(input.alerts);

    for (const [id, row] of rows) {
      if (!sorted.some((s) => s.id === id)) {
        row.row.remove();
        row.whyRow.remove();
        row.detailRow.remove();
        rows.delete(id);
      }
    }
    const order: HTMLTableRowElement[] = [];
    for (const s of sorted) {
      let row = rows.get(s.id);
      if (!row) {
        row = buildRow(s);
        rows.set(s.id, row);
        if (expanded.has(s.id)) toggle(s.id, true);
      }
      fillRow(row, s, input, open.get(s.id));
      order.push(row.row, row.whyRow, row.detailRow);
    }
    // Reorder only when the order changed: moving nodes takes keyboard focus away, so it is put back.
    const currentOrder = Array.from(tbody.children);
    if (currentOrder.length !== order.length || order.some((r, i) => currentOrder[i] !== r)) {
      const focused = document.activeElement;
      const keep = focused instanceof HTMLElement && tbody.contains(focused) ? focused : null;
      tbody.replaceChildren(...order);
      if (keep?.isConnected) keep.focus({ preventScroll: true });
    }

    stoppedLine.hidden = stopped.length === 0;
    setText(stoppedLine, stopped.length ? `${stopped.map((s) => s.name).join(', ')} \u2014 Stopped` : '');
    const others = input.topProcesses.slice(0, 4);
    otherLine.hidden = others.length === 0;
    // One unbreakable span per process, so a line break never parts a name from its figure.
    const otherText = others.map((p) => `${p.name} ${formatCpuPercent(p.cpuPercent)}`);
    if (otherLine.textContent !== `Other: ${otherText.join(', ')}`) {
      replaceChildren(
        otherLine,
        others.length ? 'Other: ' : null,
        otherText.flatMap((t, i) => [i ? ', ' : null, h('span', { class: 'nowrap' }, t)]),
      );
    }
    otherLine.title = 'Busiest processes that belong to no configured service';
  }

  return {
    element,
    update: render,
    focusService(id) {
      const row = rows.get(id);
      if (!row) {
        if (last?.services.some((s) => s.id === id)) {
          stoppedLine.scrollIntoView({ block: 'nearest' });
          return true;
        }
        return false;
      }
      toggle(id, true);
      row.row.classList.add('flash');
      setTimeout(() => row.row.classList.remove('flash'), 1600);
      row.row.scrollIntoView({ block: 'nearest' });
      row.expander.focus();
      return true;
    },
  };
}
