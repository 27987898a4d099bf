import { ALERT_RULE_IDS } from './alerts.js';
import { DEFAULT_SERVICES, isServiceId, SERVICE_ID_RULE, type ServiceConfig } from './services.js';
import type { PowerBasis, ThermalPressure } from './sample.js';
import { compileServicePattern } from './service-pattern.js';

export const SETTINGS_SCHEMA_VERSION = 1;

export interface ThresholdRule {
  enabled: boolean;
  warning: number;
  critical: number;
  /** How long the condition must hold before the rule fires (and stay below 90 % before it clears). */
  windowSeconds: number;
}

/**
 * The idle-power rule: `basis` picks the figure it watches, `package` (CPU/SoC package, the
 * default) or `system` (the whole machine); where that one is not measured it uses the other and
 * says so in the alert.
 */
export interface IdlePowerRule extends ThresholdRule {
  basis: PowerBasis;
}

export const POWER_BASES: readonly PowerBasis[] = ['package', 'system'];

export interface ThermalRule {
  enabled: boolean;
  warning: ThermalPressure;
  critical: ThermalPressure;
  windowSeconds: number;
}

export interface AlertSettings {
  notifications: boolean;
  cooldownMinutes: number;
  webhookUrl: string | null;
  idlePower: IdlePowerRule;
  /**
   * Optional: the idle-power rule warns when idle power is this many watts above the machine's idle
   * baseline (learned or pinned) instead of at the fixed warning level; null: off, fixed levels only.
   */
  idlePowerAboveBaselineWatts: number | null;
  idleServiceCpu: ThresholdRule;
  /** Thresholds in MB per hour; the window is the least-squares fit length. */
  memoryGrowth: ThresholdRule;
  thermalPressure: ThermalRule;
}

/** What electricity costs, so idle waste can also be shown as money; off while the price is null. */
export interface EnergySettings {
  /** Price of one kWh in `currency`; null: no money figures. */
  pricePerKwh: number | null;
  /** ISO 4217 code, e.g. EUR, USD, GBP. */
  currency: string;
}

export interface Settings {
  schemaVersion: number;
  services: ServiceConfig[];
  sampling: {
    /** Power and thermal. */
    intervalSeconds: number;
    /** Every figure while a UI watches (popover or dashboard open), so service CPU follows closely. */
    processIntervalSeconds: number;
    /** Full process scan, open files, port discovery. */
    slowIntervalSeconds: number;
    idleAfterMinutes: number;
  };
  alerts: AlertSettings;
  api: { port: number };
  retention: { rawDays: number; rollupDays: number };
  export: { otlpEndpoint: string | null; otlpIntervalSeconds: number };
  launchAtLogin: boolean;
  energy: EnergySettings;
}

export function defaultSettings(): Settings {
  return {
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    services: DEFAULT_SERVICES.map((s) => ({ ...s, ports: [...s.ports], processNames: [...s.processNames] })),
    sampling: { intervalSeconds: 5, processIntervalSeconds: 2, slowIntervalSeconds: 30, idleAfterMinutes: 5 },
    alerts: {
      notifications: true,
      cooldownMinutes: 15,
      webhookUrl: null,
      idlePower: { enabled: true, warning: 5, critical: 10, windowSeconds: 60, basis: 'package' },
      idlePowerAboveBaselineWatts: null,
      idleServiceCpu: { enabled: true, warning: 5, critical: 20, windowSeconds: 60 },
      memoryGrowth: { enabled: true, warning: 100, critical: 500, windowSeconds: 15 * 60 },
      thermalPressure: { enabled: true, warning: 'fair', critical: 'serious', windowSeconds: 30 },
    },
    api: { port: 8787 },
    retention: { rawDays: 7, rollupDays: 90 },
    export: { otlpEndpoint: null, otlpIntervalSeconds: 30 },
    launchAtLogin: false,
    energy: { pricePerKwh: null, currency: 'USD' },
  };
}

export interface FieldError {
  /** Dotted path, e.g. `alerts.idlePower.warning` or `services[2].ports[0]`. */
  field: string;
  reason: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: FieldError[] = [];
  fail(field: string, reason: string): void {
    this.errors.push({ field, reason });
  }
  number(v: unknown, field: string, min: number, max: number, integer = false): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(field, 'must be a number');
      return min;
    }
    if (integer && !Number.isInteger(v)) this.fail(field, 'must be a whole number');
    if (v < min || v > max) this.fail(field, `must be between ${min} and ${max}`);
    return v;
  }
  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'must be true or false');
    return v === true;
  }
  string(v: unknown, field: string, maxLength = 200): string {
    if (typeof v !== 'string') {
      this.fail(field, 'must be a string');
      return '';
    }
    if (v.length > maxLength) this.fail(field, `must be at most ${maxLength} characters`);
    return v;
  }
  object(v: unknown, field: string): Obj {
    if (!isObj(v)) {
      this.fail(field, 'must be an object');
      return {};
    }
    return v;
  }
  url(v: unknown, field: string): string | null {
    if (v === null || v === undefined || v === '') return null;
    const s = this.string(v, field, 2000);
    if (!/^https?:\/\/[^\s/]+/i.test(s)) this.fail(field, 'must be an http:// or https:// URL');
    return s;
  }
}

const PRESSURES: readonly string[] = ['nominal', 'fair', 'serious', 'critical'];

function checkService(c: Checker, raw: unknown, field: string): ServiceConfig {
  const o = c.object(raw, field);
  const id = c.string(o.id, `${field}.id`, 40);
  if (typeof o.id === 'string' && !isServiceId(id)) {
    c.fail(`${field}.id`, SERVICE_ID_RULE);
  }
  const name = c.string(o.name, `${field}.name`, 80);
  if (typeof o.name === 'string' && name.trim() === '') c.fail(`${field}.name`, 'must not be empty');
  const ports = Array.isArray(o.ports) ? o.ports : (c.fail(`${field}.ports`, 'must be a list of ports'), []);
  ports.forEach((p, i) => c.number(p, `${field}.ports[${i}]`, 1, 65535, true));
  const names = o.processNames === undefined ? [] : o.processNames;
  if (!Array.isArray(names)) c.fail(`${field}.processNames`, 'must be a list of names');
  const processNames = Array.isArray(names)
    ? names.map((n, i) => c.string(n, `${field}.processNames[${i}]`, 100))
    : [];
  const service: ServiceConfig = { id, name, ports: ports as number[], processNames };
  if (o.commandPattern !== undefined && o.commandPattern !== null && o.commandPattern !== '') {
    const pattern = c.string(o.commandPattern, `${field}.commandPattern`, 500);
    const compiled = compileServicePattern(pattern);
    if (compiled.ok) service.commandPattern = pattern;
    else c.fail(`${field}.commandPattern`, compiled.reason);
  }
  if (o.probe !== undefined && o.probe !== null) {
    if (o.probe !== 'ollama') c.fail(`${field}.probe`, "must be 'ollama' or absent");
    else service.probe = 'ollama';
  }
  if (ports.length === 0 && processNames.length === 0 && !service.commandPattern) {
    c.fail(field, 'needs at least one port, process name or command pattern');
  }
  return service;
}

function checkThreshold(c: Checker, raw: unknown, field: string, max: number): ThresholdRule {
  const o = c.object(raw, field);
  const rule: ThresholdRule = {
    enabled: c.boolean(o.enabled, `${field}.enabled`),
    warning: c.number(o.warning, `${field}.warning`, 0, max),
    critical: c.number(o.critical, `${field}.critical`, 0, max),
    windowSeconds: c.number(o.windowSeconds, `${field}.windowSeconds`, 1, 7 * 24 * 3600),
  };
  if (rule.critical < rule.warning) c.fail(`${field}.critical`, 'must be at least the warning threshold');
  return rule;
}

function checkIdlePower(c: Checker, raw: unknown): IdlePowerRule {
  const rule = checkThreshold(c, raw, 'alerts.idlePower', 10_000);
  const basis = isObj(raw) ? raw.basis : undefined;
  // Files written before the basis existed lack it: they keep the default.
  if (basis === undefined) return { ...rule, basis: 'package' };
  if (typeof basis !== 'string' || !(POWER_BASES as readonly string[]).includes(basis)) {
    c.fail('alerts.idlePower.basis', 'must be package or system');
    return { ...rule, basis: 'package' };
  }
  return { ...rule, basis: basis as PowerBasis };
}

function checkThermal(c: Checker, raw: unknown, field: string): ThermalRule {
  const o = c.object(raw, field);
  const level = (v: unknown, f: string): ThermalPressure => {
    if (typeof v !== 'string' || !PRESSURES.includes(v) || v === 'nominal') {
      c.fail(f, 'must be fair, serious or critical');
      return 'fair';
    }
    return v as ThermalPressure;
  };
  const rule: ThermalRule = {
    enabled: c.boolean(o.enabled, `${field}.enabled`),
    warning: level(o.warning, `${field}.warning`),
    critical: level(o.critical, `${field}.critical`),
    windowSeconds: c.number(o.windowSeconds, `${field}.windowSeconds`, 1, 24 * 3600),
  };
  if (PRESSURES.indexOf(rule.critical) < PRESSURES.indexOf(rule.warning)) {
    c.fail(`${field}.critical`, 'must be at least the warning level');
  }
  return rule;
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

function checkEnergy(c: Checker, raw: unknown): EnergySettings {
  // Files written before the price existed lack it: no money figures.
  if (raw === undefined) return { pricePerKwh: null, currency: 'USD' };
  const o = c.object(raw, 'energy');
  const pricePerKwh =
    o.pricePerKwh === undefined || o.pricePerKwh === null
      ? null
      : c.number(o.pricePerKwh, 'energy.pricePerKwh', 0.0001, 100);
  const currency = c.string(o.currency, 'energy.currency', 3);
  if (typeof o.currency === 'string' && !CURRENCY_CODE.test(currency)) {
    c.fail('energy.currency', 'must be a three-letter currency code such as EUR or USD');
  }
  return { pricePerKwh, currency };
}

/**
 * Validates a whole settings object (the one JSON shape shared by the app, the headless monitor
 * and the API). Every problem is reported with its field, so a form or a 400 can point at it.
 */
export function validateSettings(input: unknown): Validated<Settings> {
  const c = new Checker();
  const o = c.object(input, '(root)');
  if (o.schemaVersion !== SETTINGS_SCHEMA_VERSION) {
    c.fail('schemaVersion', `must be ${SETTINGS_SCHEMA_VERSION}`);
  }
  const servicesRaw = Array.isArray(o.services) ? o.services : (c.fail('services', 'must be a list'), []);
  if (servicesRaw.length > 50) c.fail('services', 'at most 50 services');
  const services = servicesRaw.map((s, i) => checkService(c, s, `services[${i}]`));
  const seen = new Set<string>();
  services.forEach((s, i) => {
    if (seen.has(s.id)) c.fail(`services[${i}].id`, `duplicates another service's id '${s.id}'`);
    seen.add(s.id);
  });
  const sampling = c.object(o.sampling, 'sampling');
  const alerts = c.object(o.alerts, 'alerts');
  const api = c.object(o.api, 'api');
  const retention = c.object(o.retention, 'retention');
  const exp = c.object(o.export, 'export');
  const value: Settings = {
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    services,
    sampling: {
      intervalSeconds: c.number(sampling.intervalSeconds, 'sampling.intervalSeconds', 1, 300),
      processIntervalSeconds: c.number(
        sampling.processIntervalSeconds,
        'sampling.processIntervalSeconds',
        1,
        300,
      ),
      slowIntervalSeconds: c.number(sampling.slowIntervalSeconds, 'sampling.slowIntervalSeconds', 5, 3600),
      idleAfterMinutes: c.number(sampling.idleAfterMinutes, 'sampling.idleAfterMinutes', 0.1, 24 * 60),
    },
    alerts: {
      notifications: c.boolean(alerts.notifications, 'alerts.notifications'),
      cooldownMinutes: c.number(alerts.cooldownMinutes, 'alerts.cooldownMinutes', 0, 24 * 60),
      webhookUrl: c.url(alerts.webhookUrl, 'alerts.webhookUrl'),
      idlePower: checkIdlePower(c, alerts.idlePower),
      idlePowerAboveBaselineWatts:
        alerts.idlePowerAboveBaselineWatts === undefined || alerts.idlePowerAboveBaselineWatts === null
          ? null
          : c.number(alerts.idlePowerAboveBaselineWatts, 'alerts.idlePowerAboveBaselineWatts', 0.1, 1000),
      idleServiceCpu: checkThreshold(c, alerts.idleServiceCpu, 'alerts.idleServiceCpu', 100_000),
      memoryGrowth: checkThreshold(c, alerts.memoryGrowth, 'alerts.memoryGrowth', 1_000_000),
      thermalPressure: checkThermal(c, alerts.thermalPressure, 'alerts.thermalPressure'),
    },
    api: { port: c.number(api.port, 'api.port', 1024, 65535, true) },
    retention: {
      rawDays: c.number(retention.rawDays, 'retention.rawDays', 1, 365),
      rollupDays: c.number(retention.rollupDays, 'retention.rollupDays', 1, 3650),
    },
    export: {
      otlpEndpoint: c.url(exp.otlpEndpoint, 'export.otlpEndpoint'),
      otlpIntervalSeconds: c.number(exp.otlpIntervalSeconds, 'export.otlpIntervalSeconds', 5, 3600),
    },
    launchAtLogin: c.boolean(o.launchAtLogin, 'launchAtLogin'),
    energy: checkEnergy(c, o.energy),
  };
  if (value.sampling.slowIntervalSeconds < value.sampling.intervalSeconds) {
    c.fail('sampling.slowIntervalSeconds', 'must be at least the power interval');
  }
  return c.errors.length === 0 ? { ok: true, value } : { ok: false, errors: c.errors };
}

/** Sanity check that the alert rule ids and the settings keys stay in step. */
export const ALERT_RULE_SETTING_KEYS = {
  'idle-power': 'idlePower',
  'idle-service-cpu': 'idleServiceCpu',
  'memory-growth': 'memoryGrowth',
  'thermal-pressure': 'thermalPressure',
} as const satisfies Record<(typeof ALERT_RULE_IDS)[number], keyof AlertSettings>;
