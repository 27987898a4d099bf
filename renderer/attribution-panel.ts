import type { MonitorApi } from '../main/contract/api.js';
import { packageLabel, type Sample } from '../main/contract/sample.js';
import { h } from './dom.js';
import type { ServiceSeries } from './model/attribution-stack.js';
import { chartRange, type RangeId } from './model/chart-data.js';
import { createAttributionChart } from './views/attribution-chart.js';
import type { PowerChartView } from './views/power-chart.js';

export type ChartMode = 'lines' | 'services';

/** Live refresh of the stacked chart: often for the short ranges, rarely for the long ones. */
const REFRESH_MS: Record<RangeId, number> = { '15m': 15_000, '1h': 30_000, '24h': 120_000, '7d': 300_000 };

export interface AttributionPanel {
  mode(): ChartMode;
  /** The chart's range changed: reload if the stack is shown. */
  onRangeChange(): void;
  /** A new sample: reload now and then while the stack is shown. */
  onSample(): void;
  flush(): void;
}

/**
 * The "By service" toggle of the power card and its data: the range's history and each service's
 * history from the same range query, split into a stack by the attribution model.
 */
export function createAttributionPanel(deps: {
  api: MonitorApi;
  chart: PowerChartView;
  latest(): Sample | null;
}): AttributionPanel {
  const { api, chart } = deps;
  const view = createAttributionChart();
  let mode: ChartMode = 'lines';
  let requestedAt = 0;
  let sequence = 0;

  const buttons = (
    [
      ['lines', 'Lines'],
      ['services', 'By service'],
    ] as const
  ).map(([id, label]) =>
    h(
      'button',
      { type: 'button', class: 'seg', 'data-chart-mode': id, 'aria-pressed': String(id === mode) },
      label,
    ),
  );
  const toggle = h(
    'div',
    { class: 'segmented chart-mode', role: 'group', 'aria-label': 'Power chart view' },
    buttons,
  );
  for (const button of buttons) {
    button.addEventListener('click', () => setMode(button.dataset.chartMode as ChartMode));
  }
  chart.addView(toggle, view.element);

  function setMode(next: ChartMode): void {
    if (next === mode) return;
    mode = next;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.chartMode === mode));
    chart.setLinesVisible(mode === 'lines');
    view.element.hidden = mode !== 'services';
    if (mode === 'services') void load();
  }

  async function load(): Promise<void> {
    if (mode !== 'services') return;
    const mine = ++sequence;
    requestedAt = Date.now();
    const id = chart.range();
    const range = chartRange(id);
    const to = Date.now();
    const from = to - range.durationMs;
    const query = { from, to, points: range.points };
    const latest = deps.latest();
    const known = latest?.services ?? [];
    const [history, ...series] = await Promise.allSettled([
      api.getHistory(query),
      ...known.map((s) => api.getServiceHistory({ ...query, serviceId: s.id })),
    ]);
    // A slower answer (or one for a range the user has already left) must not replace a newer one.
    if (mine !== sequence || chart.range() !== id) return;
    const failed = [history, ...series].find((r) => r.status === 'rejected');
    const services: ServiceSeries[] = known.map((s, k) => {
      const result = series[k]!;
      return { id: s.id, name: s.name, points: result.status === 'fulfilled' ? result.value : [] };
    });
    view.update({
      history: history.status === 'fulfilled' ? history.value : [],
      services,
      basis: latest?.attribution.basis ?? null,
      packageName: latest ? packageLabel(latest) : 'package',
      from,
      to,
      rangeLabel: range.label,
      error: failed ? String((failed.reason as Error)?.message ?? failed.reason) : null,
    });
  }

  return {
    mode: () => mode,
    onRangeChange: () => void load(),
    onSample() {
      if (mode === 'services' && Date.now() - requestedAt >= REFRESH_MS[chart.range()]) void load();
    },
    flush: () => view.flush(),
  };
}
