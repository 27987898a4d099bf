import type { AlertEvent, Sample } from '../../../main/contract/index.js';
import type { MonitorCore } from '../../../main/assembly/types.js';
import { makeAlert as makeBaseAlert, makeSample as makeBaseSample } from '../../sample-factory.js';

const AT = 1_700_000_000_000;

export function makeSample(
  overrides: {
    systemWatts?: number | null;
    packageWatts?: number | null;
    pressure?: Sample['thermal']['pressure'];
    stackIdle?: boolean;
  } = {},
): Sample {
  const systemWatts = overrides.systemWatts === undefined ? 4.2 : overrides.systemWatts;
  const packageWatts = overrides.packageWatts ?? null;
  return makeBaseSample({
    at: AT,
    platform: 'darwin',
    power: { packageWatts, systemWatts },
    thermal: { pressure: overrides.pressure === undefined ? 'nominal' : overrides.pressure },
    idle: { stackIdle: overrides.stackIdle ?? false },
    attribution: {
      basis: systemWatts !== null ? 'system' : packageWatts !== null ? 'package' : null,
      restWatts: null,
    },
    sources: {
      ...(systemWatts === null
        ? {}
        : { 'power.systemWatts': { source: 'ioreg-telemetry', kind: 'measured' } }),
      ...(packageWatts === null
        ? {}
        : { 'power.packageWatts': { source: 'powermetrics', kind: 'measured' } }),
    },
    absent: {
      ...(systemWatts === null
        ? { 'power.systemWatts': 'no whole-machine power meter on this machine' }
        : {}),
      ...(packageWatts === null
        ? { 'power.packageWatts': 'powermetrics needs an administrator password' }
        : {}),
    },
  });
}

export function makeAlert(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return makeBaseAlert({
    id: 'evt-1',
    at: AT,
    rule: 'idle-service-cpu',
    serviceId: 'vibevoice',
    value: 45,
    unit: '%',
    durationSeconds: 120,
    title: 'A service burns CPU while idle',
    message: 'CPU at 45 % for 2 min with no requests.',
    ...overrides,
  });
}

/** A recorder for method calls: `calls` holds [name, args] in order. */
export class CallLog {
  readonly calls: [string, unknown[]][] = [];
  record(name: string, args: unknown[]): void {
    this.calls.push([name, args]);
  }
  named(name: string): unknown[][] {
    return this.calls.filter(([n]) => n === name).map(([, a]) => a);
  }
}

/** An event emitter with just on/removeListener/emit, to stand in for Electron objects. */
export class FakeEmitter {
  readonly listeners = new Map<string, ((...args: any[]) => void)[]>();
  on(event: string, listener: (...args: any[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  removeListener(event: string, listener: (...args: any[]) => void): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export function fakeSignals(): MonitorCore['signals'] & { log: CallLog } {
  const log = new CallLog();
  return {
    log,
    markGap: (reason) => log.record('markGap', [reason]),
    setUserIdleSeconds: (seconds) => log.record('setUserIdleSeconds', [seconds]),
    setOnBattery: (onBattery) => log.record('setOnBattery', [onBattery]),
    setThermalPressure: (pressure) => log.record('setThermalPressure', [pressure]),
    setWatched: (watched) => log.record('setWatched', [watched]),
  };
}
