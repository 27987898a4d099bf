import type { ChartOptions, TooltipItem } from 'chart.js';
import { formatClock, formatDayClock } from '../format.js';
import { timeTicks } from '../model/chart-data.js';

export interface AxisColours {
  text: string;
  grid: string;
}

/** A tick's label: the clock within a day, the day and clock beyond. */
export function timeTickLabel(at: number, window: { from: number; to: number }): string {
  return window.to - window.from > 24 * 3600_000 ? formatDayClock(at) : formatClock(at);
}

/** The hovered time as the tooltip's title. */
export function tooltipTime(items: TooltipItem<'line'>[]): string {
  const x = items[0]?.parsed.x;
  return typeof x === 'number' ? formatDayClock(x) : '';
}

/**
 * What the power charts share: no animation or parsing (the data is ready to draw), one tooltip for
 * every line at the hovered time, a time axis ticked at round local times and a watts axis from zero.
 * Colours and the shown window are read at draw time, so a theme change or a new range needs no new
 * options.
 */
export function powerChartOptions(
  shown: () => { from: number; to: number },
  colours: () => AxisColours,
): ChartOptions<'line'> {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false, axis: 'x' },
    layout: { padding: { top: 10 } },
    scales: {
      x: {
        type: 'linear',
        afterBuildTicks: (scale) => {
          const window = shown();
          scale.ticks = timeTicks(window.from, window.to).map((value) => ({ value }));
        },
        ticks: {
          maxTicksLimit: 5,
          maxRotation: 0,
          color: () => colours().text,
          callback: (value) => timeTickLabel(Number(value), shown()),
        },
        grid: { color: () => colours().grid },
        border: { display: false },
      },
      y: {
        type: 'linear',
        beginAtZero: true,
        ticks: { maxTicksLimit: 4, color: () => colours().text, callback: (value) => `${Number(value)} W` },
        grid: { color: () => colours().grid },
        border: { display: false },
      },
    },
  };
}
