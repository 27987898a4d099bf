import { formatAmount } from '../contract/format.js';
import {
  formatWatts as formatFigure,
  packageLabel,
  type Sample,
  type ThermalPressure,
} from '../contract/index.js';

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
  /** An alert the OS would not show as a notification: named in the tooltip (and the title on macOS) until seen. */
  setUndeliveredAlert(title: string | null): void;
  /** The monitor could not start: the tooltip says why; the menu still quits. */
  setStartError(message: string | null): void;
  readonly view: TrayView;
}

const STATE_LABELS: Record<TrayState, string> = {
  nominal: 'Nominal',
  fair: 'Fair',
  serious: 'Serious',
  critical: 'Critical',
  unknown: 'Unknown',
};

const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);

/** A small negative reading (sensor noise around zero) shows as 0.0 W. */
const formatWatts = (watts: number): string => formatFigure(Math.max(0, watts));

/**
 * The title: system watts ('9.1 W') where the whole machine is measured, else the package figure
 * with its name ('SoC 3.2 W'), so a package reading never passes for the machine's; '' with neither.
 */
export function formatTrayWatts(sample: Sample): string {
  const system = finiteOrNull(sample.power.systemWatts);
  if (system !== null) return formatWatts(system);
  const pkg = finiteOrNull(sample.power.packageWatts);
  return pkg === null ? '' : `${packageLabel(sample)} ${formatWatts(pkg)}`;
}

/** Below this a service's estimate is noise, not worth naming in the tray. */
const NAMED_SERVICE_MIN_WATTS = 0.5;

/**
 * The tray's one line: the watts, and the service drawing the most by estimate, e.g.
 * "7.2 W · VibeVoice ≈ 4.0 W while idle"; null without a power figure. The tooltip leads with it and
 * the Linux menu (where the tooltip may never show) carries it as its first item.
 */
export function trayHeadline(sample: Sample): string | null {
  const watts = formatTrayWatts(sample);
  if (watts === '') return null;
  let top: { name: string; watts: number } | null = null;
  for (const s of sample.services) {
    const w = finiteOrNull(s.estimatedWatts);
    if (s.status === 'running' && w !== null && w >= NAMED_SERVICE_MIN_WATTS && (!top || w > top.watts)) {
      top = { name: s.name, watts: w };
    }
  }
  if (!top) return watts;
  return `${watts} \u00b7 ${top.name} \u2248 ${formatAmount(top.watts, 'W')}${sample.idle.stackIdle ? ' while idle' : ''}`;
}

function powerLine(sample: Sample, path: 'systemWatts' | 'packageWatts', name: string): string {
  const watts = finiteOrNull(sample.power[path]);
  if (watts === null)
    return `${name}: unknown${sample.absent[`power.${path}`] ? ` (${sample.absent[`power.${path}`]})` : ''}`;
  const source = sample.sources[`power.${path}`];
  return `${name}: ${formatWatts(watts)}${source ? ` (${source.kind}, ${source.source})` : ''}`;
}

export function trayThermalState(sample: Sample | null, platformState: TrayState | null): TrayState {
  return sample?.thermal.pressure ?? platformState ?? 'unknown';
}

const clock = (at: number): string => {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export function trayTooltip(
  sample: Sample | null,
  state: TrayState,
  pausedUntil: number | null,
  notes: { undeliveredAlert?: string | null; startError?: string | null } = {},
): string {
  const lines = ['IdleWatt'];
  if (notes.startError) {
    lines.push(`Could not start: ${notes.startError}`);
  } else if (sample) {
    const headline = trayHeadline(sample);
    if (headline) lines.push(headline);
    if (sample.power.systemWatts === null && sample.power.packageWatts === null) {
      const why = [
        ...new Set([sample.absent['power.systemWatts'], sample.absent['power.packageWatts']].filter(Boolean)),
      ].join('; ');
      lines.push(`Power: no reading${why ? ` (${why})` : ''}`);
    } else {
      lines.push(powerLine(sample, 'systemWatts', 'System'));
      lines.push(powerLine(sample, 'packageWatts', packageLabel(sample)));
    }
  } else {
    lines.push('Power: waiting for the first sample');
  }
  lines.push(`Thermal: ${STATE_LABELS[state]}`);
  if (sample?.idle.stackIdle) lines.push('Stack: idle');
  if (pausedUntil !== null) lines.push(`Alerts paused until ${clock(pausedUntil)}`);
  if (notes.undeliveredAlert) lines.push(`Alert: ${notes.undeliveredAlert} (open IdleWatt for details)`);
  return lines.join('\n');
}

export function trayMenuItems(
  actions: TrayActions,
  pausedUntil: number | null,
  headline: string | null = null,
): TrayMenuItem[] {
  return [
    ...(headline
      ? [{ label: headline, click: actions.open, enabled: false }, { type: 'separator' } as const]
      : []),
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
  let undeliveredAlert: string | null = null;
  let startError: string | null = null;
  const view: TrayView = { state: 'unknown', title: '', tooltip: '' };
  let shownState: TrayState | null = null;
  let headline: string | null = null;
  let menuHeadline: string | null = null;
  let menuBuiltAt = -Infinity;
  let menu = options.buildMenu(trayMenuItems(options.actions, pausedUntil));

  const installMenu = (): void => {
    menuHeadline = headline;
    menuBuiltAt = now();
    menu = options.buildMenu(trayMenuItems(options.actions, pausedUntil, headline));
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
    const watts = sample ? formatTrayWatts(sample) : '';
    const title = undeliveredAlert ? `\u26A0${watts ? ` ${watts}` : ''}` : watts;
    if (platform === 'darwin' && title !== view.title) tray.setTitle(title, { fontType: 'monospacedDigit' });
    view.title = title;
    const tooltip = trayTooltip(sample, state, pausedUntil, { undeliveredAlert, startError });
    if (tooltip !== view.tooltip) tray.setToolTip(tooltip);
    view.tooltip = tooltip;
    headline = sample && !startError ? trayHeadline(sample) : null;
    // The menu is rebuilt for a new line at most every 15 s: watts change every tick.
    if (
      headline !== menuHeadline &&
      (menuHeadline === null || headline === null || now() - menuBuiltAt >= 15_000)
    ) {
      installMenu();
    }
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
    setUndeliveredAlert(title) {
      undeliveredAlert = title;
      render();
    },
    setStartError(message) {
      startError = message;
      render();
    },
    view,
  };
}
