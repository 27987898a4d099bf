import type { Sample, ThermalPressure } from '../contract/index.js';

export type TrayState = ThermalPressure | 'unknown';

export type TrayMenuItem = { label: string; click: () => void; enabled?: boolean } | { type: 'separator' };

/** The parts of Electron's Tray this controller drives (a fake in tests). */
export interface TrayPort<Image, Menu> {
  setImage(image: Image): void;
  setTitle(title: string, options?: { fontType?: 'monospaced' | 'monospacedDigit' }): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: Menu | null): void;
  popUpContextMenu(menu?: Menu): void;
  on(event: 'right-click', listener: () => void): unknown;
}

export interface TrayActions {
  open(): void;
  pauseAlertsForAnHour(): void;
  quit(): void;
}

export interface TrayView {
  state: TrayState;
  title: string;
  tooltip: string;
}

export interface TrayController {
  update(sample: Sample): void;
  /** powerMonitor's thermal state (macOS, no root needed): used while samples carry no pressure. */
  setPlatformThermalState(state: TrayState | null): void;
  setAlertsPausedUntil(at: number | null): void;
  readonly view: TrayView;
}

const STATE_LABELS: Record<TrayState, string> = {
  nominal: 'Nominal',
  fair: 'Fair',
  serious: 'Serious',
  critical: 'Critical',
  unknown: 'Unknown',
};

/** The whole-machine figure the title shows: system watts, else package watts. */
function headlineWatts(sample: Sample): { watts: number; path: string } | null {
  for (const path of ['systemWatts', 'packageWatts'] as const) {
    const watts = sample.power[path];
    if (watts !== null && Number.isFinite(watts)) return { watts, path: `power.${path}` };
  }
  return null;
}

/** '4.2 W' (one decimal below 100 W, whole watts above); '' when no power figure is available. */
export function formatTrayWatts(sample: Sample): string {
  const headline = headlineWatts(sample);
  if (!headline) return '';
  const watts = Math.max(0, headline.watts);
  return `${watts < 99.95 ? watts.toFixed(1) : watts.toFixed(0)} W`;
}

export function trayThermalState(sample: Sample | null, platformState: TrayState | null): TrayState {
  return sample?.thermal.pressure ?? platformState ?? 'unknown';
}

const clock = (at: number): string => {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export function trayTooltip(sample: Sample | null, state: TrayState, pausedUntil: number | null): string {
  const lines = ['IdleWatt'];
  if (sample) {
    const headline = headlineWatts(sample);
    if (headline) {
      const source = sample.sources[headline.path];
      const how = source ? ` (${source.kind}, ${source.source})` : '';
      lines.push(`Power: ${formatTrayWatts(sample)}${how}`);
    } else {
      const why = sample.absent['power.systemWatts'] ?? sample.absent['power.packageWatts'];
      lines.push(`Power: no reading${why ? ` (${why})` : ''}`);
    }
  } else {
    lines.push('Power: waiting for the first sample');
  }
  lines.push(`Thermal: ${STATE_LABELS[state]}`);
  if (sample?.idle.stackIdle) lines.push('Stack: idle');
  if (pausedUntil !== null) lines.push(`Alerts paused until ${clock(pausedUntil)}`);
  return lines.join('\n');
}

export function trayMenuItems(actions: TrayActions, pausedUntil: number | null): TrayMenuItem[] {
  return [
    { label: 'Open IdleWatt', click: actions.open },
    pausedUntil === null
      ? { label: 'Pause alerts for 1 h', click: actions.pauseAlertsForAnHour }
      : {
          label: `Pause alerts for 1 h (paused until ${clock(pausedUntil)})`,
          click: actions.pauseAlertsForAnHour,
        },
    { type: 'separator' },
    { label: 'Quit', click: actions.quit },
  ];
}

/**
 * Keeps the tray in step with samples: the icon per thermal state, the title '4.2 W' next to it on
 * macOS, a tooltip everywhere. On Linux, where tray clicks may never arrive, the context menu is
 * attached permanently; on macOS it opens on right-click so a left click still opens the popover.
 */
export function createTrayController<Image, Menu>(options: {
  tray: TrayPort<Image, Menu>;
  platform: NodeJS.Platform;
  iconFor(state: TrayState): Image;
  buildMenu(items: TrayMenuItem[]): Menu;
  actions: TrayActions;
  now?: () => number;
}): TrayController {
  const { tray, platform } = options;
  const now = options.now ?? Date.now;
  let sample: Sample | null = null;
  let platformState: TrayState | null = null;
  let pausedUntil: number | null = null;
  const view: TrayView = { state: 'unknown', title: '', tooltip: '' };
  let shownState: TrayState | null = null;
  let menu = options.buildMenu(trayMenuItems(options.actions, pausedUntil));

  const installMenu = (): void => {
    menu = options.buildMenu(trayMenuItems(options.actions, pausedUntil));
    if (platform !== 'darwin') tray.setContextMenu(menu);
  };

  const render = (): void => {
    // A pause ends on its own (nothing announces it): drop it at the first render after it ran out.
    if (pausedUntil !== null && pausedUntil <= now()) {
      pausedUntil = null;
      installMenu();
    }
    const state = trayThermalState(sample, platformState);
    if (state !== shownState) {
      tray.setImage(options.iconFor(state));
      shownState = state;
    }
    view.state = state;
    const title = sample ? formatTrayWatts(sample) : '';
    if (platform === 'darwin' && title !== view.title) tray.setTitle(title, { fontType: 'monospacedDigit' });
    view.title = title;
    const tooltip = trayTooltip(sample, state, pausedUntil);
    if (tooltip !== view.tooltip) tray.setToolTip(tooltip);
    view.tooltip = tooltip;
  };

  if (platform === 'darwin') tray.on('right-click', () => tray.popUpContextMenu(menu));
  installMenu();
  render();

  return {
    update(next) {
      sample = next;
      render();
    },
    setPlatformThermalState(state) {
      platformState = state;
      render();
    },
    setAlertsPausedUntil(at) {
      pausedUntil = at;
      installMenu();
      render();
    },
    view,
  };
}
