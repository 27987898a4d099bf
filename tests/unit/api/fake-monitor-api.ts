import {
  defaultSettings,
  validateSettings,
  type AlertEvent,
  type BaselinePinRequest,
  type BaselineState,
  type CollectorHealth,
  type CompareResult,
  type HistoryPoint,
  type HistoryQuery,
  type MonitorApi,
  type MonitorStatus,
  type MonitorSubscriber,
  type PowerPermission,
  type Report,
  type Sample,
  type ServiceHistoryQuery,
  type ServicePoint,
  type Settings,
  type SettingsUpdateResult,
  type SnoozeRequest,
  type SnoozeState,
  type TimeRange,
  type UnloadRequest,
  type UnloadResult,
} from '../../../main/contract/index.js';
import { makeSample as makeBaseSample, makeStoppedService } from '../../sample-factory.js';

export const SAMPLE_AT = Date.UTC(2025, 0, 15, 10, 0, 0);

/** A full, valid sample: two services (Ollama running with a model loaded, one stopped), Linux RAPL power. */
export function makeSample(overrides: Partial<Sample> = {}): Sample {
  return makeBaseSample({
    at: SAMPLE_AT,
    power: {
      cpuWatts: 3.2,
      gpuWatts: 1.1,
      aneWatts: null,
      dramWatts: 0.6,
      packageWatts: 4.9,
      systemWatts: 7.8,
    },
    thermal: {
      osLevel: null,
      pressure: 'fair',
      cpuTempCelsius: 61.5,
      gpuTempCelsius: 48,
      fanRpm: [2100],
      sensors: [{ label: 'Package id 0', celsius: 61.5 }],
      throttled: false,
    },
    battery: {
      percent: 64,
      state: 'discharging',
      onAc: false,
      dischargeWatts: 7.8,
      fullChargeWattHours: 72.6,
    },
    gpus: [
      {
        name: 'NVIDIA GeForce RTX 3060',
        powerWatts: 1.1,
        tempCelsius: 48,
        utilizationPercent: 3,
        memoryUsedBytes: 9_100_000_000,
        memoryTotalBytes: 12_884_901_888,
      },
    ],
    services: [
      {
        id: 'ollama',
        name: 'Ollama',
        status: 'running',
        pids: [4242],
        ports: [11434],
        cpuPercent: 0.5,
        rssBytes: 245_000_000,
        threads: 18,
        openFiles: 40,
        connections: 0,
        active: false,
        lastActiveAt: SAMPLE_AT - 300_000,
        estimatedWatts: 0.04,
        models: { count: 1, bytes: 9.1e9, unloadsAt: SAMPLE_AT + 3 * 60_000, keptLoaded: false },
      },
      {
        id: 'vibevoice',
        name: 'VibeVoice TTS',
        status: 'running',
        pids: [5151, 5152],
        ports: [8880],
        cpuPercent: 45,
        rssBytes: 2_100_000_000,
        threads: 64,
        openFiles: 120,
        connections: 1,
        active: false,
        lastActiveAt: SAMPLE_AT - 7_200_000,
        estimatedWatts: 4.1,
        models: null,
      },
      makeStoppedService('piper'),
    ],
    topProcesses: [{ pid: 777, name: 'chrome', cpuPercent: 12, rssBytes: 400_000_000 }],
    idle: {
      stackIdle: true,
      stackIdleSinceAt: SAMPLE_AT - 600_000,
      lastActivityAt: SAMPLE_AT - 600_000,
      userIdleSeconds: 120,
    },
    energy: { systemWattHours: (7.8 * 5) / 3600, serviceWattHours: { ollama: 0.00005, vibevoice: 0.0057 } },
    attribution: { basis: 'system', restWatts: 3.7 },
    collectors: [
      { id: 'rapl', status: 'ok', reason: null, durationMs: 1.5 },
      { id: 'nvidia-smi', status: 'ok', reason: null, durationMs: 42 },
      { id: 'hwmon', status: 'absent', reason: 'not-present', durationMs: 0.2 },
    ],
    self: { cpuPercent: 0.2, rssBytes: 80_000_000 },
    sources: {
      'power.packageWatts': { source: 'rapl', kind: 'measured' },
      'power.systemWatts': { source: 'power-supply-discharge', kind: 'measured' },
      'thermal.cpuTempCelsius': { source: 'thermal-zone', kind: 'measured' },
      'services.vibevoice.estimatedWatts': { source: 'cpu-share', kind: 'estimated' },
    },
    absent: { 'power.aneWatts': 'unsupported on Linux' },
    ...overrides,
  });
}

export function makeAlert(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    id: 'idle-power-1',
    at: SAMPLE_AT,
    rule: 'idle-power',
    kind: 'fired',
    severity: 'warning',
    serviceId: 'vibevoice',
    value: 7.8,
    unit: 'W',
    threshold: 5,
    durationSeconds: 60,
    title: 'Idle power above 5 W',
    message: 'The stack has been idle for 10 min while drawing 7.8 W; vibevoice uses 45 % CPU.',
    ...overrides,
  };
}

/** Records every call so tests can check what the server passed through. */
export interface FakeCall {
  method: string;
  args: unknown[];
}

/**
 * An in-memory MonitorApi: returns fixed, realistic data and records calls. `push` and `pushAlert`
 * play the core's role for the SSE stream.
 */
export class FakeMonitorApi implements MonitorApi {
  readonly calls: FakeCall[] = [];
  latest: Sample | null;
  settings: Settings = defaultSettings();
  alerts: AlertEvent[] = [makeAlert()];
  failNext: Error | null = null;
  private readonly subscribers = new Set<MonitorSubscriber>();

  constructor(latest: Sample | null = makeSample()) {
    this.latest = latest;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  push(sample: Sample): void {
    this.latest = sample;
    for (const s of this.subscribers) s.onSample?.(sample);
  }

  pushAlert(event: AlertEvent): void {
    this.alerts.push(event);
    for (const s of this.subscribers) s.onAlert?.(event);
  }

  private record<T>(method: string, args: unknown[], value: T): Promise<T> {
    this.calls.push({ method, args });
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      return Promise.reject(error);
    }
    return Promise.resolve(value);
  }

  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  getStatus(): Promise<MonitorStatus> {
    return this.record('getStatus', [], {
      version: '0.1.0',
      platform: 'linux',
      startedAt: SAMPLE_AT - 3_600_000,
      mode: 'headless',
      historyLength: 720,
      dataDir: '/tmp/idlewatt',
      permission: { state: 'not-needed', message: 'RAPL is readable.', canRequest: false },
      notices: [],
      self: this.latest?.self ?? null,
    });
  }

  getLatest(): Promise<Sample | null> {
    return this.record('getLatest', [], this.latest);
  }

  getHistory(query: HistoryQuery): Promise<HistoryPoint[]> {
    const points: HistoryPoint[] = [];
    const step = Math.max(1, Math.floor((query.to - query.from) / query.points));
    for (let at = query.from; at <= query.to && points.length < query.points; at += step) {
      points.push({
        at,
        systemWatts: 7.8,
        systemWattsMin: 7.1,
        systemWattsMax: 8.4,
        cpuWatts: 3.2,
        gpuWatts: 1.1,
        packageWatts: 4.9,
        cpuTempCelsius: 61.5,
        thermalLevel: 1,
        stackIdle: true,
        activeServices: [],
        gap: false,
      });
    }
    return this.record('getHistory', [query], points);
  }

  getServiceHistory(query: ServiceHistoryQuery): Promise<ServicePoint[]> {
    if (!this.settings.services.some((s) => s.id === query.serviceId)) {
      return this.record('getServiceHistory', [query], []).then(() => {
        throw new Error(`no service '${query.serviceId}'`);
      });
    }
    return this.record(
      'getServiceHistory',
      [query],
      [{ at: query.from, cpuPercent: 45, rssBytes: 2_100_000_000, estimatedWatts: 4.1 }],
    );
  }

  getServices() {
    return this.record('getServices', [], this.latest?.services ?? []);
  }

  getCollectors(): Promise<CollectorHealth[]> {
    return this.record('getCollectors', [], this.latest?.collectors ?? []);
  }

  getAlerts(query: { since?: number }): Promise<AlertEvent[]> {
    const since = query.since;
    return this.record(
      'getAlerts',
      [query],
      this.alerts.filter((a) => since === undefined || a.at >= since),
    );
  }

  snoozeAlerts(request: SnoozeRequest): Promise<SnoozeState> {
    const until =
      request.until === 'tomorrow' ? SAMPLE_AT + 86_400_000 : SAMPLE_AT + request.until.minutes * 60_000;
    return this.record(
      'snoozeAlerts',
      [request],
      request.serviceId === undefined
        ? { snoozedUntil: { [request.rule]: until } }
        : { snoozedUntil: {}, snoozedServices: { [request.serviceId]: until } },
    );
  }

  getSettings(): Promise<Settings> {
    return this.record('getSettings', [], this.settings);
  }

  updateSettings(settings: Settings): Promise<SettingsUpdateResult> {
    const checked = validateSettings(settings);
    if (checked.ok) this.settings = checked.value;
    return this.record(
      'updateSettings',
      [settings],
      checked.ok
        ? { ok: true as const, settings: checked.value }
        : { ok: false as const, errors: checked.errors },
    );
  }

  getReport(range: TimeRange): Promise<Report> {
    return this.record('getReport', [range], {
      range,
      sampleCount: 720,
      coveredSeconds: 3600,
      idleSeconds: 3000,
      systemIdleWattHours: 6.5,
      systemActiveWattHours: 1.3,
      peakSystemWatts: 21.4,
      meanSystemWatts: 7.8,
      powerSource: 'power-supply-discharge',
      meanPackageWatts: 4.9,
      packageName: 'package',
      thermalSeconds: { nominal: 3000, fair: 600, serious: 0, critical: 0 },
      services: [],
      alerts: [],
      recommendations: [
        {
          serviceId: 'ollama',
          text: 'ollama kept a 9.1 GB model loaded for 50 min with no requests.',
          wattHours: 0.5,
          action: 'unload-ollama',
        },
      ],
      recommendationsNote: 'Nothing to act on: no service wasted measurable energy while idle.',
    });
  }

  compare(before: TimeRange, after: TimeRange): Promise<CompareResult> {
    return this.record('compare', [before, after], {
      before,
      after,
      figures: [
        { label: 'Idle power', unit: 'W', before: 7.8, after: 4.7, difference: -3.1, significant: true },
      ],
      verdict: 'Idle power fell by 3.1 W (−40 %), well beyond the noise (±0.4 W).',
    });
  }

  unloadOllama(request?: UnloadRequest): Promise<UnloadResult> {
    return this.record('unloadOllama', request === undefined ? [] : [request], {
      ok: true,
      unloaded: ['llama3.2:3b'],
      message: 'Asked Ollama to unload llama3.2:3b.',
    });
  }

  requestPowerPermission(): Promise<PowerPermission> {
    return this.record('requestPowerPermission', [], {
      state: 'not-needed',
      message: 'RAPL is readable.',
      canRequest: false,
    });
  }

  /** A learned baseline 1.6 W under the fake's 7.8 W; a pin replaces it with 7.8 W. */
  baseline: BaselineState = {
    current: {
      source: 'rapl',
      powerState: 'battery',
      systemWatts: 6.2,
      packageWatts: 3.9,
      kind: 'learned',
      minutes: 600,
      at: SAMPLE_AT - 60_000,
    },
    aboveWatts: 1.6,
    entries: [],
    note: 'Idle baseline 6.2 W, learned from 10 h of idle time, on battery, rapl.',
  };

  getBaseline(): Promise<BaselineState> {
    return this.record('getBaseline', [], this.baseline);
  }

  pinBaseline(request: BaselinePinRequest): Promise<BaselineState> {
    if (!request.clear) {
      this.baseline = {
        ...this.baseline,
        current: { ...this.baseline.current!, systemWatts: 7.8, kind: 'pinned', minutes: 1, at: SAMPLE_AT },
        aboveWatts: 0,
        note: 'Idle baseline 7.8 W, pinned.',
      };
    }
    return this.record('pinBaseline', [request], this.baseline);
  }

  subscribe(subscriber: MonitorSubscriber): () => void {
    this.subscribers.add(subscriber);
    subscriber.onConnection?.({ connected: true });
    return () => {
      this.subscribers.delete(subscriber);
    };
  }
}
