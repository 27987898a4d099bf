import type { MonitorCore } from '../assembly/types.js';
import type { TrayState } from './tray-controller.js';

type PowerEvent = 'suspend' | 'resume' | 'on-ac' | 'on-battery';

/** The parts of Electron's powerMonitor used here (a fake in tests). */
export interface PowerMonitorPort {
  on(event: PowerEvent, listener: () => void): unknown;
  on(event: 'thermal-state-change', listener: (details: { state: string }) => void): unknown;
  removeListener(event: PowerEvent, listener: () => void): unknown;
  removeListener(event: 'thermal-state-change', listener: (details: { state: string }) => void): unknown;
  getSystemIdleTime(): number;
  isOnBatteryPower(): boolean;
  getCurrentThermalState(): string;
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface PowerSignalsOptions {
  powerMonitor: PowerMonitorPort;
  signals: MonitorCore['signals'];
  platform: NodeJS.Platform;
  /** macOS thermal state from the OS (no root needed); null where unknown. */
  onThermalState?(state: TrayState | null): void;
  /** How often user idle time is read; the sampler's own cadence is coarser. */
  idlePollMs?: number;
  timers?: Timers;
}

const TRAY_STATES: readonly string[] = ['nominal', 'fair', 'serious', 'critical'];
const asTrayState = (state: string): TrayState | null =>
  TRAY_STATES.includes(state) ? (state as TrayState) : null;

/**
 * Feeds platform signals into the core: suspend and resume mark a gap in the sampler (a sleeping
 * laptop's interval is not idle power), AC/battery changes, user idle time, and on macOS the OS
 * thermal state. Returns a function that detaches everything.
 */
export function attachPowerSignals(options: PowerSignalsOptions): () => void {
  const { powerMonitor, signals } = options;
  const timers: Timers = options.timers ?? {
    setInterval: (callback, ms) => setInterval(callback, ms),
    clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
  };

  const readIdle = (): void => {
    try {
      signals.setUserIdleSeconds(powerMonitor.getSystemIdleTime());
    } catch {
      signals.setUserIdleSeconds(null);
    }
  };
  const readBattery = (): void => {
    try {
      signals.setOnBattery(powerMonitor.isOnBatteryPower());
    } catch {
      signals.setOnBattery(null);
    }
  };

  const onSuspend = (): void => signals.markGap('system suspended');
  const onResume = (): void => {
    signals.markGap('system resumed');
    readBattery();
    readIdle();
  };
  const onAc = (): void => signals.setOnBattery(false);
  const onBattery = (): void => signals.setOnBattery(true);
  // The OS's thermal state goes to the tray and into the samples (where no collector reports one).
  const thermal = (state: TrayState | null): void => {
    options.onThermalState?.(state);
    signals.setThermalPressure(state === 'unknown' ? null : state);
  };
  const onThermal = (details: { state: string }): void => thermal(asTrayState(details.state));

  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  // Linux emits on-ac/on-battery only on some systems (electron/electron powerMonitor docs list them
  // for macOS and Windows): there the state is polled, and the battery collector reads sysfs each tick.
  const batteryEvents = options.platform !== 'linux';
  if (batteryEvents) {
    powerMonitor.on('on-ac', onAc);
    powerMonitor.on('on-battery', onBattery);
  }
  const watchThermal = options.platform === 'darwin';
  if (watchThermal) {
    powerMonitor.on('thermal-state-change', onThermal);
    try {
      thermal(asTrayState(powerMonitor.getCurrentThermalState()));
    } catch {
      thermal(null);
    }
  }
  readBattery();
  readIdle();
  const poll = timers.setInterval(() => {
    readIdle();
    if (!batteryEvents) readBattery();
  }, options.idlePollMs ?? 10_000);

  return () => {
    timers.clearInterval(poll);
    powerMonitor.removeListener('suspend', onSuspend);
    powerMonitor.removeListener('resume', onResume);
    if (batteryEvents) {
      powerMonitor.removeListener('on-ac', onAc);
      powerMonitor.removeListener('on-battery', onBattery);
    }
    if (watchThermal) powerMonitor.removeListener('thermal-state-change', onThermal);
  };
}
