import type { CompareResult, TimeRange } from '../../main/contract/report.js';
import { h, replaceChildren, setText } from '../dom.js';
import { formatSigned } from '../../main/contract/format.js';
import { formatDayClock, formatFigure } from '../format.js';
import {
  COMPARE_PRESETS,
  parseWindow,
  presetWindows,
  toLocalInputValue,
  type ComparePresetId,
} from '../model/compare-windows.js';

const HOUR = 3600_000;

const rangeText = (r: TimeRange) => `${formatDayClock(r.from)} \u2013 ${formatDayClock(r.to)}`;

export interface ComparePanelView {
  element: HTMLElement;
  /** Selects a preset and runs it (e.g. after a fix: the last hour against the hour before). */
  runPreset(id: Exclude<ComparePresetId, 'custom'>): void;
}

export function createComparePanel(options: {
  compare(before: TimeRange, after: TimeRange): Promise<CompareResult>;
}): ComparePanelView {
  const preset = h(
    'select',
    { id: 'compare-preset' },
    COMPARE_PRESETS.map((p) => h('option', { value: p.id }, p.label)),
  );
  const input = (id: string, label: string) => {
    const control = h('input', { type: 'datetime-local', id, step: 60 });
    return { control, field: h('label', { class: 'field', for: id }, h('span', {}, label), control) };
  };
  const beforeFrom = input('before-from', 'Before: from');
  const beforeTo = input('before-to', 'to');
  const afterFrom = input('after-from', 'After: from');
  const afterTo = input('after-to', 'to');
  const custom = h(
    'fieldset',
    { class: 'custom-windows', hidden: true },
    h('legend', { class: 'sr-only' }, 'Custom windows'),
    h('div', { class: 'pair' }, beforeFrom.field, beforeTo.field),
    h('div', { class: 'pair' }, afterFrom.field, afterTo.field),
  );
  const run = h('button', { type: 'submit', class: 'button primary', id: 'compare-run' }, 'Compare');
  const error = h('p', { class: 'field-error', role: 'alert', id: 'compare-error' });
  const result = h('div', { class: 'compare-result', id: 'compare-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'compare-form', novalidate: true },
    h('label', { class: 'field', for: 'compare-preset' }, h('span', {}, 'Windows'), preset),
    custom,
    h('div', { class: 'button-row' }, run),
    error,
  );
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'compare-title' },
    h('div', { class: 'card-head' }, h('h2', { id: 'compare-title' }, 'Compare')),
    h(
      'p',
      { class: 'muted' },
      'Did a change help? Compare two windows; the verdict says whether the difference is beyond the noise.',
    ),
    form,
    result,
  );

  preset.addEventListener('change', () => {
    const isCustom = preset.value === 'custom';
    custom.hidden = !isCustom;
    if (isCustom && !beforeFrom.control.value) {
      const now = Date.now();
      beforeFrom.control.value = toLocalInputValue(now - 25 * HOUR);
      beforeTo.control.value = toLocalInputValue(now - 24 * HOUR);
      afterFrom.control.value = toLocalInputValue(now - HOUR);
      afterTo.control.value = toLocalInputValue(now);
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });

  async function submit() {
    const now = Date.now();
    let windows: { before: TimeRange; after: TimeRange };
    const id = preset.value as ComparePresetId;
    if (id === 'custom') {
      const before = parseWindow(beforeFrom.control.value, beforeTo.control.value, now);
      const after = parseWindow(afterFrom.control.value, afterTo.control.value, now);
      if (!before.ok || !after.ok) {
        setText(
          error,
          !before.ok
            ? `The before window ${before.reason}.`
            : `The after window ${(after as { reason: string }).reason}.`,
        );
        return;
      }
      windows = { before: before.range, after: after.range };
    } else {
      windows = presetWindows(id, now);
    }
    setText(error, '');
    run.disabled = true;
    replaceChildren(result, h('p', { class: 'muted' }, 'Comparing\u2026'));
    try {
      render(await options.compare(windows.before, windows.after));
    } catch (e) {
      replaceChildren(result);
      setText(error, `Could not compare: ${(e as Error).message}`);
    } finally {
      run.disabled = false;
    }
  }

  function render(r: CompareResult) {
    const significant = r.figures.some((f) => f.significant);
    replaceChildren(
      result,
      h('p', { class: `verdict ${significant ? 'significant' : 'noise'}`, id: 'compare-verdict' }, r.verdict),
      h('p', { class: 'muted small' }, `Before ${rangeText(r.before)} \u00b7 After ${rangeText(r.after)}`),
      h(
        'table',
        { class: 'plain', id: 'compare-table' },
        h('caption', { class: 'sr-only' }, 'Figures before and after, with their difference'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Figure'),
            h('th', { scope: 'col', class: 'num' }, 'Before'),
            h('th', { scope: 'col', class: 'num' }, 'After'),
            h('th', { scope: 'col', class: 'num' }, 'Change'),
          ),
        ),
        h(
          'tbody',
          {},
          r.figures.map((f) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, f.label),
              h('td', { class: 'num' }, formatFigure(f.before, f.unit)),
              h('td', { class: 'num' }, formatFigure(f.after, f.unit)),
              h(
                'td',
                { class: `num ${f.significant ? 'significant' : 'noise'}` },
                formatSigned(f.difference, f.unit, 1),
                h('span', { class: 'tag' }, f.significant ? ' beyond noise' : ' within noise'),
              ),
            ),
          ),
        ),
      ),
    );
  }

  return {
    element,
    runPreset(id) {
      preset.value = id;
      custom.hidden = true;
      void submit();
    },
  };
}
