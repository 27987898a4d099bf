import { h } from './dom.js';

export type TabId = 'overview' | 'idle' | 'thermal' | 'alerts' | 'compare' | 'settings';

export const TABS: { id: TabId; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'idle', label: 'Idle' },
  { id: 'thermal', label: 'Thermal' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'compare', label: 'Compare' },
  { id: 'settings', label: 'Settings' },
];

export interface TabsView {
  bar: HTMLElement;
  panels: Record<TabId, HTMLElement>;
  current(): TabId;
  select(id: TabId, focus?: boolean): void;
  setBadge(id: TabId, text: string, label: string): void;
}

/** An ARIA tablist: roving tabindex, arrow/Home/End keys, one visible panel. */
export function createTabs(onChange: (id: TabId) => void): TabsView {
  let current: TabId = 'overview';
  const buttons = new Map<TabId, HTMLButtonElement>();
  const badges = new Map<TabId, HTMLElement>();
  const panels = {} as Record<TabId, HTMLElement>;
  for (const tab of TABS) {
    const badge = h('span', { class: 'tab-badge', hidden: true });
    badges.set(tab.id, badge);
    const button = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${tab.id}`,
        'aria-controls': `panel-${tab.id}`,
        'aria-selected': String(tab.id === current),
        tabindex: tab.id === current ? 0 : -1,
        'data-tab': tab.id,
      },
      tab.label,
      badge,
    );
    button.addEventListener('click', () => select(tab.id));
    buttons.set(tab.id, button);
    panels[tab.id] = h('div', {
      role: 'tabpanel',
      id: `panel-${tab.id}`,
      'aria-labelledby': `tab-${tab.id}`,
      class: 'panel',
      hidden: tab.id !== current,
      tabindex: -1,
    });
  }
  const bar = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' }, [...buttons.values()]);
  bar.addEventListener('keydown', (event) => {
    const index = TABS.findIndex((t) => t.id === current);
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: TABS.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(TABS[(target + TABS.length) % TABS.length]!.id, true);
  });

  function select(id: TabId, focus = false): void {
    if (id !== current) {
      current = id;
      for (const [tabId, button] of buttons) {
        const selected = tabId === id;
        button.setAttribute('aria-selected', String(selected));
        button.tabIndex = selected ? 0 : -1;
        panels[tabId].hidden = !selected;
      }
      onChange(id);
    }
    if (focus) buttons.get(id)?.focus();
  }

  return {
    bar,
    panels,
    current: () => current,
    select,
    setBadge(id, text, label) {
      const badge = badges.get(id)!;
      badge.hidden = text === '';
      badge.textContent = text;
      badge.setAttribute('aria-label', label);
    },
  };
}
