import type { AlertEvent, MonitorApi, Sample, SnoozeState, ThermalPressure } from '../contract/index.js';

/**
 * The running core (sampler + history + alerts + settings) as the Electron shell and the headless
 * monitor see it. `api` is the server-side MonitorApi that IPC handlers and HTTP routes call.
 */
export interface MonitorCore {
  readonly api: MonitorApi;
  /** Every emitted sample; returns an unsubscribe function. */
  onSample(listener: (sample: Sample) => void): () => void;
  /** Every alert event (fired, escalated, cleared, snoozed); returns an unsubscribe function. */
  onAlert(listener: (event: AlertEvent) => void): () => void;
  /** The snoozes in force: the alert runner keeps the only copy. */
  snoozeState(): SnoozeState;
  /** Platform signals from the shell (Electron powerMonitor) or the headless monitor. */
  signals: {
    /** Suspend/resume: the next interval is recorded as a gap and not integrated. */
    markGap(reason: string): void;
    setUserIdleSeconds(seconds: number | null): void;
    setOnBattery(onBattery: boolean | null): void;
    /** The OS's own thermal pressure (macOS powerMonitor): used where no collector reports one. */
    setThermalPressure(pressure: ThermalPressure | null): void;
    /** A UI is watching: sample faster (`processIntervalSeconds`) while true. */
    setWatched(watched: boolean): void;
  };
  /** Starts the sampler clock (idempotent). */
  start(): void;
  /** Stops the sampler, flushes history, ends the powermetrics stream. */
  close(): Promise<void>;
}
