import type { Sample } from '../../main/contract/sample.js';
import { h, setText } from '../dom.js';
import { headerModel } from '../model/header-model.js';

export interface HeaderView {
  element: HTMLElement;
  update(sample: Sample | null, now: number): void;
}

export function createHeader(): HeaderView {
  const label = h('span', { class: 'figure-label', id: 'headline-label' });
  const watts = h('span', { class: 'big-number', id: 'system-watts' });
  const secondary = h('span', { class: 'secondary-figure', id: 'secondary-watts' });
  const source = h('span', { class: 'source' });
  const badgeText = h('span', { class: 'badge-text' });
  const badge = h(
    'span',
    { class: 'badge', id: 'thermal-badge', title: 'Thermal pressure' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('span', { class: 'sr-only' }, 'Thermal pressure: '),
    badgeText,
  );
  const battery = h('span', { id: 'battery' });
  const idle = h('span', { id: 'idle-state' });
  const element = h(
    'header',
    { class: 'header' },
    h(
      'div',
      { class: 'header-row' },
      h('div', { class: 'headline' }, label, watts, secondary, source),
      badge,
    ),
    h('div', { class: 'status-line' }, battery, h('span', { 'aria-hidden': 'true' }, ' \u00b7 '), idle),
  );
  return {
    element,
    update(sample, now) {
      const m = headerModel(sample, now);
      setText(label, m.label);
      setText(watts, m.watts);
      setText(secondary, m.secondary === '' ? '' : `\u00b7 ${m.secondary}`);
      secondary.title = m.secondaryTitle;
      watts.title = m.sourceTitle;
      setText(source, m.source);
      source.title = m.sourceTitle;
      setText(badgeText, m.thermal.label);
      badge.dataset.tone = m.thermal.tone;
      setText(battery, m.battery);
      setText(idle, m.idle);
    },
  };
}
