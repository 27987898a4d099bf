import {
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type TooltipItem,
} from 'chart.js';
import { formatWatts } from '../../main/contract/format.js';
import type { HistoryPoint } from '../../main/contract/history.js';
import type { PowerBasis } from '../../main/contract/sample.js';
import { cssVar, h, replaceChildren, setText } from '../dom.js';
import {
  attributionStack,
  basisLabel,
  cumulative,
  REST_ID,
  stackSummary,
  type AttributionStack,
  type ServiceSeries,
} from '../model/attribution-stack.js';
import { idleSpans, type Span, type XY } from '../model/chart-data.js';
import { powerChartOptions, tooltipTime } from './chart-axes.js';
import { createOverlayPlugin } from './chart-plugins.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Filler);

const LAYER_VARS = ['--stack-1', '--stack-2', '--stack-3', '--stack-4', '--stack-5', '--stack-6'];
const LAYER_FALLBACKS = ['#2563eb', '#0f766e', '#b45309', '#7c3aed', '#be185d', '#4d7c0f'];

/** A hex colour at 55 % opacity for the filled areas (the edges keep the full colour). */
function translucent(colour: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour.trim());
  if (!m) return colour;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, 0.55)`;
}

export interface AttributionInput {
  history: readonly HistoryPoint[];
  services: readonly ServiceSeries[];
  basis: PowerBasis | null;
  packageName: string;
  from: number;
  to: number;
  rangeLabel: string;
  /** Why the services' history could not be read; the chart says so instead of drawing a guess. */
  error: string | null;
}

export interface AttributionChartView {
  element: HTMLElement;
  update(input: AttributionInput): void;
  /** Redraws if something changed while the page was hidden. */
  flush(): void;
}

/**
 * "Who used the watts": a stacked area of each service's estimated watts plus the rest of the
 * measured total, idle periods shaded, so the stack's top edge is the measured figure it was split
 * from. The legend names that figure and says the split is an estimate.
 */
export function createAttributionChart(): AttributionChartView {
  let stack: AttributionStack | null = null;
  let spans: Span[] = [];
  let shown = { from: Date.now() - 900_000, to: Date.now() };
  let last: AttributionInput | null = null;
  let dirty = false;

  const canvas = h('canvas', { role: 'img', 'aria-label': 'Who used the power: no data yet' });
  const emptyNote = h('p', { class: 'chart-empty', 'aria-hidden': 'true', hidden: true });
  const legend = h('ul', { class: 'legend stack-legend', 'aria-hidden': 'true' });
  const basisNote = h('p', { class: 'stack-basis muted', id: 'stack-basis' });
  const element = h(
    'div',
    { class: 'attribution', id: 'attribution-chart', hidden: true },
    h('div', { class: 'chart-box' }, canvas, emptyNote),
    legend,
    basisNote,
  );

  const colourOf = (index: number, id: string): string =>
    id === REST_ID
      ? cssVar('--stack-rest', '#94a3b8')
      : cssVar(LAYER_VARS[index % LAYER_VARS.length]!, LAYER_FALLBACKS[index % LAYER_FALLBACKS.length]!);

  const chart = new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      ...powerChartOptions(
        () => shown,
        () => ({ text: cssVar('--muted', '#57606a'), grid: cssVar('--grid', 'rgba(0,0,0,0.08)') }),
      ),
      plugins: {
        tooltip: {
          callbacks: {
            title: tooltipTime,
            // The datasets hold running sums; the tooltip gives each layer's own share.
            label: (item: TooltipItem<'line'>) => {
              const layer = stack?.layers[item.datasetIndex];
              const own = layer?.values[item.dataIndex] ?? null;
              return `${item.dataset.label}: ${layer?.id === REST_ID ? '' : '\u2248 '}${formatWatts(own)}`;
            },
            footer: (items: TooltipItem<'line'>[]) => {
              const i = items[0]?.dataIndex;
              const total = i === undefined ? null : (stack?.totals[i] ?? null);
              return total === null ? '' : `Measured total ${formatWatts(total)}`;
            },
          },
        },
      },
    },
    plugins: [
      createOverlayPlugin(
        () => spans,
        () => [],
        () => ({
          idle: cssVar('--idle-shade', 'rgba(100,116,139,0.14)'),
          activity: cssVar('--activity', '#0f766e'),
          inference: cssVar('--inference', '#c026d3'),
          alert: cssVar('--alert', '#c2410c'),
        }),
      ),
    ],
  });

  function draw(): void {
    if (!last) return;
    if (document.hidden || element.hidden) {
      dirty = true;
      return;
    }
    dirty = false;
    const input = last;
    shown = { from: input.from, to: input.to };
    spans = idleSpans(input.history);
    stack = input.basis && !input.error ? attributionStack(input.history, input.services, input.basis) : null;
    const sums = stack ? cumulative(stack) : [];
    chart.data.datasets = (stack?.layers ?? []).map((layer, k): ChartDataset<'line', XY[]> => {
      const colour = colourOf(k, layer.id);
      return {
        label: layer.name,
        data: stack!.at.map((x, i) => ({ x, y: sums[k]![i] ?? null })) as XY[],
        borderColor: colour,
        backgroundColor: translucent(colour),
        borderWidth: 1,
        pointRadius: 0,
        pointHoverRadius: 2,
        spanGaps: false,
        tension: 0,
        fill: k === 0 ? 'origin' : '-1',
      };
    });
    const scaleX = chart.options.scales!.x!;
    scaleX.min = shown.from;
    scaleX.max = shown.to;
    chart.update('none');

    const hasData = Boolean(stack && stack.totals.some((t) => t !== null));
    emptyNote.hidden = hasData;
    setText(
      emptyNote,
      input.error
        ? `Per-service history unavailable: ${input.error}`
        : input.basis === null
          ? 'No power reading to split between services'
          : 'No power readings in this range',
    );
    replaceChildren(
      legend,
      (stack?.layers ?? []).map((layer, k) => {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = colourOf(k, layer.id);
        return h('li', { class: 'legend-item stack-item', 'data-layer': layer.id }, swatch, layer.name);
      }),
      h('li', { class: 'legend-item l-idle' }, 'idle'),
    );
    setText(
      basisNote,
      input.basis === null
        ? 'Nothing measured to split.'
        : `Adds up to the ${basisLabel(input.basis, input.packageName)}; the split between services is an estimate (their share of CPU/GPU time).`,
    );
    canvas.setAttribute(
      'aria-label',
      stack && hasData
        ? stackSummary(stack, input.rangeLabel, input.packageName)
        : `Who used the power over the last ${input.rangeLabel}: ${emptyNote.textContent}`,
    );
  }

  return {
    element,
    update(input) {
      last = input;
      draw();
    },
    flush() {
      if (dirty) draw();
    },
  };
}
