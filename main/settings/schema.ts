import { SERVICE_ID_PATTERN } from '../contract/services.js';
import { SETTINGS_SCHEMA_VERSION } from '../contract/settings.js';

/**
 * The settings file's JSON Schema, written once and handed to both engines: `conf` in the headless
 * monitor and `electron-store` (which is `conf` underneath) in the app. It mirrors the per-field
 * ranges of `validateSettings` in main/contract/settings.ts; the cross-field rules (critical ≥
 * warning, unique service ids, valid regular expressions) stay in `validateSettings`, which runs
 * after the schema on every load and update.
 */
type JsonSchema = Record<string, unknown>;

const number = (minimum: number, maximum: number): JsonSchema => ({ type: 'number', minimum, maximum });
const integer = (minimum: number, maximum: number): JsonSchema => ({ type: 'integer', minimum, maximum });
const object = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties).filter((key) => !optional.includes(key)),
  properties,
});
const httpUrlOrNull: JsonSchema = {
  anyOf: [
    { type: 'null' },
    { const: '' },
    { type: 'string', maxLength: 2000, pattern: '^[hH][tT][tT][pP][sS]?://[^\\s/]+' },
  ],
};

const thresholdRule = (max: number): JsonSchema =>
  object({
    enabled: { type: 'boolean' },
    warning: number(0, max),
    critical: number(0, max),
    windowSeconds: number(1, 7 * 24 * 3600),
  });

const ALERT_LEVELS = ['fair', 'serious', 'critical'];

const service: JsonSchema = object(
  {
    id: { type: 'string', pattern: SERVICE_ID_PATTERN },
    name: { type: 'string', minLength: 1, maxLength: 80, pattern: '\\S' },
    ports: { type: 'array', items: integer(1, 65535) },
    processNames: { type: 'array', items: { type: 'string', maxLength: 100 } },
    commandPattern: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 500 }] },
    probe: { anyOf: [{ type: 'null' }, { const: 'ollama' }] },
  },
  ['processNames', 'commandPattern', 'probe'],
);

/** Top-level property schemas: the shape `conf`'s `schema` option takes. */
export const SETTINGS_PROPERTY_SCHEMAS: Record<string, JsonSchema> = {
  schemaVersion: { const: SETTINGS_SCHEMA_VERSION },
  services: { type: 'array', maxItems: 50, items: service },
  sampling: object({
    intervalSeconds: number(1, 300),
    processIntervalSeconds: number(1, 300),
    slowIntervalSeconds: number(5, 3600),
    idleAfterMinutes: number(0.1, 24 * 60),
  }),
  alerts: object(
    {
      notifications: { type: 'boolean' },
      cooldownMinutes: number(0, 24 * 60),
      webhookUrl: httpUrlOrNull,
      idlePower: object(
        {
          enabled: { type: 'boolean' },
          warning: number(0, 10_000),
          critical: number(0, 10_000),
          windowSeconds: number(1, 7 * 24 * 3600),
          basis: { enum: ['package', 'system'] },
        },
        ['basis'],
      ),
      idlePowerAboveBaselineWatts: { anyOf: [{ type: 'null' }, number(0.1, 1000)] },
      idleServiceCpu: thresholdRule(100_000),
      memoryGrowth: thresholdRule(1_000_000),
      thermalPressure: object({
        enabled: { type: 'boolean' },
        warning: { enum: ALERT_LEVELS },
        critical: { enum: ALERT_LEVELS },
        windowSeconds: number(1, 24 * 3600),
      }),
    },
    ['idlePowerAboveBaselineWatts'],
  ),
  api: object({ port: integer(1024, 65535) }),
  retention: object({ rawDays: number(1, 365), rollupDays: number(1, 3650) }),
  export: object({ otlpEndpoint: httpUrlOrNull, otlpIntervalSeconds: number(5, 3600) }),
  launchAtLogin: { type: 'boolean' },
  energy: object(
    {
      pricePerKwh: { anyOf: [{ type: 'null' }, number(0.0001, 100)] },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    },
    ['pricePerKwh'],
  ),
};

/** Keys added after the first release: files written before them load without them. */
const OPTIONAL_TOP_LEVEL = ['energy'];

/** The root keywords `conf` puts around the property schemas (its `rootSchema` option). */
export const SETTINGS_ROOT_SCHEMA = {
  $id: 'https://idlewatt.dev/schema/settings.json',
  title: 'IdleWatt settings',
  required: Object.keys(SETTINGS_PROPERTY_SCHEMAS).filter((key) => !OPTIONAL_TOP_LEVEL.includes(key)),
};

/** The whole document schema, e.g. for editors or for validating a file outside the app. */
export function settingsJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...SETTINGS_ROOT_SCHEMA,
    type: 'object',
    properties: SETTINGS_PROPERTY_SCHEMAS,
  };
}
