import { h, replaceChildren } from '../dom.js';
import type { Banner, BannerAction } from '../model/banners.js';

const ICONS: Record<Banner['tone'], string> = { error: '\u2716', warning: '\u26A0', info: '\u2139' };

export interface BannersView {
  element: HTMLElement;
  update(banners: readonly Banner[]): void;
}

export function createBanners(
  onAction: (kind: BannerAction, button: HTMLButtonElement) => void,
): BannersView {
  const element = h('div', { class: 'banners', id: 'banners', role: 'status' });
  let signature = '';
  return {
    element,
    update(banners) {
      const next = JSON.stringify(banners);
      if (next === signature) return;
      signature = next;
      replaceChildren(
        element,
        banners.map((b) => {
          const button = b.action
            ? h('button', { type: 'button', class: 'button small' }, b.action.label)
            : null;
          if (button && b.action) {
            const kind = b.action.kind;
            button.addEventListener('click', () => onAction(kind, button));
          }
          const secondary = b.secondary
            ? h('button', { type: 'button', class: 'button small' }, b.secondary.label)
            : null;
          if (secondary && b.secondary) {
            const kind = b.secondary.kind;
            secondary.addEventListener('click', () => onAction(kind, secondary));
          }
          return h(
            'div',
            { class: `banner ${b.tone}`, 'data-banner': b.id },
            h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, ICONS[b.tone]),
            h('div', { class: 'banner-body' }, h('strong', {}, b.title), h('span', {}, ` ${b.text}`)),
            button,
            secondary,
          );
        }),
      );
    },
  };
}
