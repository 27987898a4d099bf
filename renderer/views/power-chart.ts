import {
  Chart,
  Decimation,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type TooltipItem,
} from 'chart.js';
import type { AlertEvent } from '../../main/contract/alerts.js';
import type { HistoryPoint } from '../../main/contract/history.js';
import { cssVar, h } from '../dom.js';
import { formatWatts } from '../../main/contract/format.js';
import {
  CHART_RANGES,
  chartMarkers,
  chartRange,
  idleSpans,
  toPowerSeries,
  type Marker,
  type RangeId,
  type Span,
  type XY,
} from '../model/chart-data.js';
import { powerChartOptions, tooltipTime } from './chart-axes.js';
import { createOverlayPlugin, type OverlayColours } from './chart-plugins.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Decimation);

interface Palette extends OverlayColours {
  system: string;
  cpu: string;
  gpu: string;
  ane: string;
  grid: string;
  text: string;
}

function readPalette(): Palette {
  return {
    system: cssVar('--series-system', '#2563eb'),
    cpu: cssVar('--series-cpu', '#0f766e'),
    gpu: cssVar('--series-gpu', '#b45309'),
    ane: cssVar('--series-ane', '#7c3aed'),
    idle: cssVar('--idle-shade', 'rgba(100,116,139,0.14)'),
    activity: cssVar('--activity', '#0f766e'),
    inference: cssVar('--inference', '#c026d3'),
    alert: cssVar('--alert', '#c2410c'),
    grid: cssVar('--grid', 'rgba(0,0,0,0.08)'),
    text: cssVar('--muted', '#57606a'),
  };
}

export interface PowerChartView {
  element: HTMLElement;
  range(): RangeId;
  /** Replaces the plotted window (from the store). */
  setHistory(points: readonly HistoryPoint[], from: number, to: number): void;
  setAlerts(alerts: readonly AlertEvent[]): void;
  /** Names where the system line comes from (e.g. 'rapl', 'powermetrics'), so it is never anonymous. */
  setSystemSource(source: string | null): void;
  /** 'SoC' on Apple silicon, 'package' elsewhere. */
  setPackageName(name: string): void;
  /** Redraws if something changed while the page was hidden. */
  flush(): void;
  /** Another view of the same range in this card: its toggle above the plot, its body below. */
  addView(toggle: HTMLElement, body: HTMLElement): void;
  /** Shows or hides the line chart (and its legend) while another view stands in for it. */
  setLinesVisible(visible: boolean): void;
  pointCount(): number;
  destroy(): void;
}

/**
 * The power graph: system (or package), CPU and GPU watts on a linear epoch-ms axis, idle periods
 * shaded, request ticks and alert markers. No animation, no parsing, decimated, update('none'),
 * and nothing is drawn while the document is hidden.
 */
export function createPowerChart(options: {
  initialRange: RangeId;
  onRangeChange(range: RangeId): void;
  /** A service's display name for the markers' labels (history points carry ids). */
  serviceName?: (id: string) => string;
}): PowerChartView {
  let current: RangeId = options.initialRange;
  let points: readonly HistoryPoint[] = [];
  let alerts: readonly AlertEvent[] = [];
  let shown = { from: Date.now() - chartRange(current).durationMs, to: Date.now() };
  let spans: Span[] = [];
  let markers: Marker[] = [];
  let dirty = false;
  let palette = readPalette();

  const buttons = CHART_RANGES.map((r) =>
    h(
      'button',
      { type: 'button', class: 'seg', 'data-range': r.id, 'aria-pressed': String(r.id === current) },
      r.label,
    ),
  );
  const rangeBar = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, buttons);
  for (const button of buttons) {
    button.addEventListener('click', () => {
      const id = button.dataset.range as RangeId;
      if (id === current) return;
      current = id;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
      options.onRangeChange(id);
    });
  }

  const legendItem = (cls: string, text: string) => h('span', { class: `legend-item ${cls}` }, text);
  const systemLegend = legendItem('l-system', 'system');
  const packageLegend = legendItem('l-package', 'package');
  let systemSource: string | null = null;
  let packageName = 'package';
  const legend = h(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    systemLegend,
    packageLegend,
    legendItem('l-cpu', 'cpu'),
    legendItem('l-gpu', 'gpu'),
    legendItem('l-ane off', 'ANE'),
    legendItem('l-idle', 'idle'),
    legendItem('l-requests', 'requests'),
    legendItem('l-inferences off', 'inferences'),
    legendItem('l-alert', 'alert'),
  );
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Power over time: no data yet' });
  const emptyNote = h(
    'p',
    { class: 'chart-empty', 'aria-hidden': 'true', hidden: true },
    'No power readings in this range',
  );
  const chartBox = h('div', { class: 'chart-box' }, canvas, emptyNote);
  const element = h(
    'section',
    { class: 'card chart-card', 'aria-labelledby': 'chart-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'chart-title' }, 'Power'), rangeBar),
    chartBox,
    legend,
  );

  const dataset = (label: string, colour: string, width: number): ChartDataset<'line', XY[]> => ({
    label,
    data: [],
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: width,
    pointRadius: 0,
    pointHoverRadius: 3,
    spanGaps: false,
    tension: 0,
  });

  const chart = new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: {
      datasets: [
        dataset('System', palette.system, 1.75),
        { ...dataset('Package', palette.system, 1.25), borderDash: [4, 3] },
        dataset('CPU', palette.cpu, 1.25),
        dataset('GPU', palette.gpu, 1.25),
        dataset('ANE', palette.ane, 1.25),
      ],
    },
    options: {
      ...powerChartOptions(
        () => shown,
        () => palette,
      ),
      plugins: {
        decimation: { enabled: true, algorithm: 'min-max' },
        tooltip: {
          callbacks: {
            title: tooltipTime,
            label: (item: TooltipItem<'line'>) => `${item.dataset.label}: ${formatWatts(item.parsed.y)}`,
            footer: (items: TooltipItem<'line'>[]) => {
              const x = items[0]?.parsed.x;
              if (typeof x !== 'number') return '';
              const lines: string[] = [];
              if (spans.some((s) => x >= s.from && x <= s.to)) lines.push('Stack idle');
              const near = markers.filter((m) => Math.abs(m.at - x) <= nearWindow());
              for (const m of near.slice(0, 3))
                lines.push(m.kind === 'alert' ? `\u25B2 ${m.label}` : m.label);
              return lines;
            },
          },
        },
      },
    },
    plugins: [
      createOverlayPlugin(
        () => spans,
        () => markers,
        () => palette,
      ),
    ],
  });

  function nearWindow(): number {
    return Math.max(1, (shown.to - shown.from) / 120);
  }

  function draw(): void {
    if ((typeof document !== 'undefined' && document.hidden) || chartBox.hidden) {
      dirty = true;
      return;
    }
    dirty = false;
    const series = toPowerSeries(points);
    const [system, pkg, cpu, gpu, ane] = chart.data.datasets;
    system!.data = series.system;
    pkg!.data = series.package;
    cpu!.data = series.cpu;
    gpu!.data = series.gpu;
    ane!.data = series.ane;
    system!.hidden = !series.has.system;
    pkg!.hidden = !series.has.package;
    pkg!.label = packageName;
    packageLegend.textContent = packageName;
    legend.querySelector('.l-system')?.classList.toggle('off', !series.has.system);
    legend.querySelector('.l-package')?.classList.toggle('off', !series.has.package);
    cpu!.hidden = !series.has.cpu;
    gpu!.hidden = !series.has.gpu;
    // The Neural Engine line appears only where powermetrics measured it (not from minute rollups).
    ane!.hidden = !series.has.ane;
    legend.querySelector('.l-cpu')?.classList.toggle('off', !series.has.cpu);
    legend.querySelector('.l-gpu')?.classList.toggle('off', !series.has.gpu);
    legend.querySelector('.l-ane')?.classList.toggle('off', !series.has.ane);
    legend
      .querySelector('.l-requests')
      ?.classList.toggle('off', !points.some((p) => p.activeServices.length > 0));
    legend
      .querySelector('.l-inferences')
      ?.classList.toggle('off', !points.some((p) => (p.inferenceServices ?? []).length > 0));
    spans = idleSpans(points);
    markers = chartMarkers(points, alerts, shown.from, shown.to, options.serviceName);
    const scaleX = chart.options.scales!.x!;
    scaleX.min = shown.from;
    scaleX.max = shown.to;
    chart.update('none');
    const headline = series.has.system ? series.system : series.package;
    const values = headline.map((p) => p.y).filter((y): y is number => y !== null);
    const last = values[values.length - 1];
    emptyNote.hidden = values.length > 0;
    canvas.setAttribute(
      'aria-label',
      values.length === 0
        ? 'Power over time: no data in this range'
        : `Power over the last ${chartRange(current).label}: now ${formatWatts(last)}, peak ${formatWatts(Math.max(...values))}`,
    );
  }

  const onSchemeChange = () => {
    palette = readPalette();
    const [system, pkg, cpu, gpu, ane] = chart.data.datasets;
    for (const [ds, colour] of [
      [system, palette.system],
      [pkg, palette.system],
      [cpu, palette.cpu],
      [gpu, palette.gpu],
      [ane, palette.ane],
    ] as const) {
      ds!.borderColor = colour;
      ds!.backgroundColor = colour;
    }
    draw();
  };
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', onSchemeChange);

  return {
    element,
    range: () => current,
    setHistory(next, from, to) {
      points = next;
      shown = { from, to };
      draw();
    },
    setAlerts(next) {
      alerts = next;
      draw();
    },
    setSystemSource(source) {
      if (source === systemSource) return;
      systemSource = source;
      const label = source ? `system (${source})` : 'system';
      systemLegend.textContent = label;
      chart.data.datasets[0]!.label = source ? `System (${source})` : 'System';
    },
    setPackageName(name) {
      if (name === packageName) return;
      packageName = name;
      draw();
    },
    flush() {
      if (dirty) draw();
    },
    addView(toggle, body) {
      element.insertBefore(toggle, chartBox);
      element.append(body);
    },
    setLinesVisible(visible) {
      chartBox.hidden = !visible;
      legend.hidden = !visible;
      if (visible && dirty) draw();
    },
    pointCount: () => points.length,
    destroy() {
      scheme.removeEventListener('change', onSchemeChange);
      chart.destroy();
    },
  };
}
