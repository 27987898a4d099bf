import type { Sample } from '../../main/contract/sample.js';
import { h, setText } from '../dom.js';
import { headerModel } from '../model/header-model.js';

export interface HeaderView {
  element: HTMLElement;
  update(sample: Sample | null, now: number, baseline?: { text: string; title: string }): void;
}

export function createHeader(): HeaderView {
  const label = h('span', { class: 'figure-label', id: 'headline-label' });
  const watts = h('span', { class: 'big-number', id: 'system-watts' });
  const secondary = h('span', { class: 'secondary-figure', id: 'secondary-watts' });
  const source = h('span', { class: 'source' });
  const detailsText = h('pre', { class: 'source-details', id: 'power-details', hidden: true });
  const detailsToggle = h(
    'button',
    {
      type: 'button',
      class: 'link-button',
      id: 'power-details-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'power-details',
      hidden: true,
    },
    'details',
  ) as HTMLButtonElement;
  detailsToggle.addEventListener('click', () => {
    const open = detailsToggle.getAttribute('aria-expanded') !== 'true';
    detailsToggle.setAttribute('aria-expanded', String(open));
    detailsText.hidden = !open;
  });
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
  const baselineSeparator = h('span', { 'aria-hidden': 'true', hidden: true }, ' \u00b7 ');
  const baseline = h('span', { id: 'baseline-state', hidden: true });
  const element = h(
    'header',
    { class: 'header' },
    h(
      'div',
      { class: 'header-row' },
      h('div', { class: 'headline' }, label, watts, secondary, source, detailsToggle),
      badge,
    ),
    detailsText,
    h(
      'div',
      { class: 'status-line' },
      battery,
      h('span', { 'aria-hidden': 'true' }, ' \u00b7 '),
      idle,
      baselineSeparator,
      baseline,
    ),
  );
  return {
    element,
    update(sample, now, baselineLine) {
      const m = headerModel(sample, now);
      setText(label, m.label);
      setText(watts, m.watts);
      setText(secondary, m.secondary === '' ? '' : `\u00b7 ${m.secondary}`);
      secondary.title = m.secondaryTitle;
      watts.title = m.sourceTitle;
      setText(source, m.source);
      source.title = m.sourceTitle;
      detailsToggle.hidden = m.details === '';
      if (m.details === '') {
        detailsText.hidden = true;
        detailsToggle.setAttribute('aria-expanded', 'false');
      }
      setText(detailsText, m.details);
      setText(badgeText, m.thermal.label);
      badge.dataset.tone = m.thermal.tone;
      setText(battery, m.battery);
      setText(idle, m.idle);
      const shown = Boolean(baselineLine?.text);
      baseline.hidden = !shown;
      baselineSeparator.hidden = !shown;
      setText(baseline, baselineLine?.text ?? '');
      baseline.title = baselineLine?.title ?? '';
    },
  };
}
