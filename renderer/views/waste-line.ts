import { h, setText } from '../dom.js';
import type { WasteLine } from '../model/waste-model.js';

export interface WasteLineView {
  element: HTMLElement;
  update(line: WasteLine | null): void;
}

/** One line saying what idle waste cost today (Wh, battery time, money); hidden until there is a report. */
export function createWasteLine(id: string, className: string): WasteLineView {
  const text = h('span', { class: 'waste-text' });
  // The tooltip's explanation is read out too: a title alone is not announced everywhere.
  const explanation = h('span', { class: 'sr-only' });
  const element = h('p', { class: className, id, hidden: true }, text, explanation);
  return {
    element,
    update(line) {
      element.hidden = line === null;
      setText(text, line?.text ?? '');
      setText(explanation, line ? ` (${line.title})` : '');
      element.title = line?.title ?? '';
    },
  };
}
