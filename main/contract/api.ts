import type { AlertEvent, SnoozeRequest, SnoozeState } from './alerts.js';
import type { BaselinePinRequest, BaselineState } from './baseline.js';
import type { HistoryPoint, HistoryQuery, ServiceHistoryQuery, ServicePoint } from './history.js';
import type { CompareResult, Report, TimeRange } from './report.js';
import type { CollectorHealth, Sample, SelfCost, ServiceSample } from './sample.js';
import type { FieldError, Settings, Validated } from './settings.js';

/** Whether elevated power readings (powermetrics, RAPL through pkexec) are available. */
export interface PowerPermission {
  state: 'not-needed' | 'granted' | 'needed' | 'denied' | 'unsupported';
  /** Human sentence for the UI, e.g. "Power readings need an administrator password once per run." */
  message: string;
  /** True when the UI may offer a button that asks (at most once per run). */
  canRequest: boolean;
  /**
   * First launch of the app on macOS: why the password is needed, shown in the popover with
   * "Allow once" (requestPowerPermission) and "Not now" before anything asks.
   */
  explain?: PowerExplanation;
}

export interface PowerExplanation {
  title: string;
  text: string;
  allowLabel: string;
  declineLabel: string;
}

export interface MonitorStatus {
  version: string;
  platform: string;
  startedAt: number;
  /** 'app' inside Electron, 'headless' for `idlewatt monitor`, 'replay' when replaying a recording. */
  mode: 'app' | 'headless' | 'replay';
  historyLength: number;
  dataDir: string | null;
  permission: PowerPermission;
  /** A notice the UI should show once, e.g. "Settings file was corrupt; backed up to …". */
  notices: string[];
  /** The monitor's own CPU and memory at the latest sample; null before the first sample. */
  self: SelfCost | null;
}

/** The field of a SettingsUpdateResult error saying valid settings could not be written to disk. */
export const SETTINGS_FILE_FIELD = '(file)';

export type SettingsUpdateResult = { ok: true; settings: Settings } | { ok: false; errors: FieldError[] };

export interface UnloadResult {
  ok: boolean;
  /** Model names asked to unload. */
  unloaded: string[];
  /** Names the request listed that Ollama did not have loaded (nothing was done for them). */
  notLoaded?: string[];
  message: string;
}

/** Which models to unload; without `models` (the dashboard's button) every loaded model is unloaded. */
export interface UnloadRequest {
  /** Exact names as Ollama's /api/ps lists them, e.g. "qwen2.5:0.5b". */
  models?: string[];
}

export const MAX_UNLOAD_MODELS = 32;
/** Ollama model names: name[:tag], optionally namespaced (registry/namespace/name). */
export const OLLAMA_MODEL_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,199}$';
const OLLAMA_MODEL_NAME = new RegExp(OLLAMA_MODEL_NAME_PATTERN);

export function validateUnloadRequest(input: unknown): Validated<UnloadRequest> {
  if (input === undefined) return { ok: true, value: {} };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(root)', reason: 'must be an object' }] };
  }
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = Object.keys(body)
    .filter((key) => key !== 'models')
    .map((key) => ({ field: key, reason: 'unknown field' }));
  if (body.models === undefined) return errors.length > 0 ? { ok: false, errors } : { ok: true, value: {} };
  const models = body.models;
  if (!Array.isArray(models) || models.length === 0 || models.length > MAX_UNLOAD_MODELS) {
    errors.push({ field: 'models', reason: `must be a list of 1 to ${MAX_UNLOAD_MODELS} model names` });
  } else {
    models.forEach((name, i) => {
      if (typeof name !== 'string' || !OLLAMA_MODEL_NAME.test(name)) {
        errors.push({ field: `models[${i}]`, reason: 'must be an Ollama model name such as qwen2.5:0.5b' });
      }
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { models: [...new Set(models as string[])] } };
}

export interface ConnectionState {
  connected: boolean;
  detail?: string;
}

export interface MonitorSubscriber {
  onSample?(sample: Sample): void;
  onAlert?(event: AlertEvent): void;
  /** Transport state (HTTP/SSE in a browser); IPC reports connected once. */
  onConnection?(state: ConnectionState): void;
  /** The app asks the popover to show one service (a notification was clicked). IPC only. */
  onFocusService?(serviceId: string): void;
}

/**
 * The one interface the renderer talks to: implemented over Electron IPC (preload) and over
 * HTTP + SSE (headless monitor). Every method may reject with an Error whose message is for people.
 */
export interface MonitorApi {
  getStatus(): Promise<MonitorStatus>;
  getLatest(): Promise<Sample | null>;
  getHistory(query: HistoryQuery): Promise<HistoryPoint[]>;
  getServiceHistory(query: ServiceHistoryQuery): Promise<ServicePoint[]>;
  getServices(): Promise<ServiceSample[]>;
  getCollectors(): Promise<CollectorHealth[]>;
  getAlerts(query: { since?: number }): Promise<AlertEvent[]>;
  snoozeAlerts(request: SnoozeRequest): Promise<SnoozeState>;
  getSettings(): Promise<Settings>;
  updateSettings(settings: Settings): Promise<SettingsUpdateResult>;
  getReport(range: TimeRange): Promise<Report>;
  compare(before: TimeRange, after: TimeRange): Promise<CompareResult>;
  unloadOllama(request?: UnloadRequest): Promise<UnloadResult>;
  requestPowerPermission(): Promise<PowerPermission>;
  /** The idle baseline (learned or pinned) for the current power source and power state. */
  getBaseline(): Promise<BaselineState>;
  /** "Set baseline now": pins the last minute as the idle baseline, or clears that pin. */
  pinBaseline(request: BaselinePinRequest): Promise<BaselineState>;
  /** Returns an unsubscribe function. */
  subscribe(subscriber: MonitorSubscriber): () => void;
}

/** Method names callable over IPC (everything but subscribe): the channel allow-list. */
export const MONITOR_API_METHODS = [
  'getStatus',
  'getLatest',
  'getHistory',
  'getServiceHistory',
  'getServices',
  'getCollectors',
  'getAlerts',
  'snoozeAlerts',
  'getSettings',
  'updateSettings',
  'getReport',
  'compare',
  'unloadOllama',
  'requestPowerPermission',
  'getBaseline',
  'pinBaseline',
] as const satisfies readonly Exclude<keyof MonitorApi, 'subscribe'>[];

export type MonitorApiMethod = (typeof MONITOR_API_METHODS)[number];
