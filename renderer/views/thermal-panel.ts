import type { HistoryPoint } from '../../main/contract/history.js';
import type { Report } from '../../main/contract/report.js';
import type { Sample } from '../../main/contract/sample.js';
import { cssVar, h, prepareCanvas, replaceChildren, setText } from '../dom.js';
import { formatCelsius, formatDuration } from '../../main/contract/format.js';
import { pressureFromLevel, thermalBadge } from '../format.js';
import { pressureDurations, thermalFacts, type ThermalFact } from '../model/thermal-model.js';
import { drawSparkline } from './sparkline.js';

export interface ThermalInput {
  latest: Sample | null;
  /** The last hour, oldest first. */
  history: readonly HistoryPoint[];
  today: Report | null;
}

export interface ThermalPanelView {
  element: HTMLElement;
  update(input: ThermalInput): void;
}

export function createThermalPanel(): ThermalPanelView {
  const badge = h(
    'span',
    { class: 'badge', id: 'thermal-now' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('span', { class: 'badge-text' }),
  );
  const facts = h('dl', { class: 'facts-grid', id: 'thermal-facts' });
  const strip = h('canvas', {
    class: 'pressure-strip',
    role: 'img',
    'aria-label': 'Thermal pressure over the last hour',
  });
  const stripText = h('p', { class: 'muted', id: 'pressure-summary' });
  const temp = h('canvas', {
    class: 'spark wide',
    role: 'img',
    'aria-label': 'CPU temperature over the last hour',
  });
  const tempText = h('p', { class: 'muted', id: 'temp-summary' });
  const throttle = h('p', { id: 'throttle-summary' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'thermal-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'thermal-title' }, 'Thermal'), badge),
    facts,
    h('h3', {}, 'Pressure, last hour'),
    strip,
    stripText,
    h('h3', {}, 'CPU temperature, last hour'),
    temp,
    tempText,
    throttle,
  );

  function drawStrip(points: readonly HistoryPoint[]): void {
    const prepared = prepareCanvas(strip, 300, 12);
    if (!prepared) return;
    const { ctx, width, height } = prepared;
    if (points.length < 2) return;
    const first = points[0]!.at;
    const span = points[points.length - 1]!.at - first || 1;
    points.forEach((p, i) => {
      const next = points[i + 1];
      if (!next) return;
      const tone = pressureFromLevel(p.thermalLevel) ?? 'unknown';
      ctx.fillStyle = cssVar(`--thermal-${tone}`, '#888');
      const x = ((p.at - first) / span) * width;
      ctx.fillRect(x, 0, Math.max(1, ((next.at - p.at) / span) * width + 0.5), height);
    });
  }

  return {
    element,
    update({ latest, history, today }) {
      const b = thermalBadge(latest?.thermal.pressure);
      badge.dataset.tone = b.tone;
      setText(badge.querySelector('.badge-text')!, b.label);
      const t = latest?.thermal;
      const fact = (term: string, f: ThermalFact) => [
        h('dt', {}, term),
        h('dd', f.title ? { title: f.title } : {}, f.value),
      ];
      const labelled = thermalFacts(latest);
      replaceChildren(
        facts,
        fact('CPU', labelled.cpu),
        fact('GPU', labelled.gpu),
        fact('Fans', labelled.fans),
        fact('Throttling', {
          value: t?.throttled === true ? 'yes, now' : t?.throttled === false ? 'no' : 'unknown',
          title: '',
        }),
      );
      const sorted = [...history].sort((a, c) => a.at - c.at);
      drawStrip(sorted);
      const d = pressureDurations(sorted);
      const parts = (['nominal', 'fair', 'serious', 'critical', 'unknown'] as const)
        .filter((k) => d[k] >= 1)
        .map((k) => `${thermalBadge(k === 'unknown' ? null : k).label} ${formatDuration(d[k])}`);
      setText(stripText, parts.length ? parts.join(' \u00b7 ') : 'No thermal history yet.');
      const temps = sorted.map((p) => p.cpuTempCelsius);
      const finite = temps.filter((v): v is number => v !== null);
      temp.hidden = finite.length === 0;
      if (finite.length)
        drawSparkline(temp, [{ values: temps, colourVar: '--series-gpu', fallback: '#b45309' }]);
      const tempSource = latest?.sources['thermal.cpuTempCelsius']?.source;
      setText(
        tempText,
        finite.length
          ? `${formatCelsius(Math.min(...finite))} to ${formatCelsius(Math.max(...finite))}, now ${formatCelsius(finite[finite.length - 1])}${tempSource ? ` (measured by ${tempSource})` : ''}`
          : `No CPU temperature sensor reported${latest?.absent['thermal.cpuTempCelsius'] ? `: ${latest.absent['thermal.cpuTempCelsius']}` : ''}.`,
      );
      const hot = today ? today.thermalSeconds.serious + today.thermalSeconds.critical : null;
      setText(
        throttle,
        hot === null ? '' : `Serious or critical pressure today: ${hot > 0 ? formatDuration(hot) : 'none'}`,
      );
    },
  };
}
