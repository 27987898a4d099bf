import { defaultSettings, SETTINGS_SCHEMA_VERSION } from '../contract/settings.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SettingsMigration {
  from: number;
  to: number;
  describe: string;
  migrate(document: Obj): Obj;
}

/** Fills every key missing from `document` with the default, recursively; arrays count as values. */
function fillMissing(document: Obj, defaults: Obj): Obj {
  const filled: Obj = { ...document };
  for (const [key, fallback] of Object.entries(defaults)) {
    const present = document[key];
    if (present === undefined) filled[key] = fallback;
    else if (isObj(present) && isObj(fallback)) filled[key] = fillMissing(present, fallback);
  }
  return filled;
}

/** Ordered steps; each takes a document at `from` and returns one at `to`. */
export const SETTINGS_MIGRATIONS: readonly SettingsMigration[] = [
  {
    from: 0,
    to: 1,
    describe: 'files written before schemaVersion existed: missing keys take their defaults',
    migrate: (document) => ({
      ...fillMissing(document, defaultSettings() as unknown as Obj),
      schemaVersion: 1,
    }),
  },
];

export type MigrationResult =
  | { ok: true; document: Obj; fromVersion: number; applied: string[] }
  | { ok: false; reason: string; newer: boolean };

/** Brings a parsed settings document up to SETTINGS_SCHEMA_VERSION. Never throws. */
export function migrateSettings(
  raw: unknown,
  migrations: readonly SettingsMigration[] = SETTINGS_MIGRATIONS,
  target: number = SETTINGS_SCHEMA_VERSION,
): MigrationResult {
  if (!isObj(raw)) return { ok: false, reason: 'the file does not hold a JSON object', newer: false };
  const declared = raw.schemaVersion ?? 0;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 0) {
    return {
      ok: false,
      reason: `schemaVersion ${JSON.stringify(declared)} is not a version number`,
      newer: false,
    };
  }
  if (declared > target) {
    return {
      ok: false,
      reason: `it was written by a newer IdleWatt (schema version ${declared}; this one reads up to ${target})`,
      newer: true,
    };
  }
  let document: Obj = raw;
  let version = declared;
  const applied: string[] = [];
  while (version < target) {
    const step = migrations.find((m) => m.from === version);
    if (!step) return { ok: false, reason: `no migration from schema version ${version}`, newer: false };
    try {
      document = step.migrate(document);
    } catch (error) {
      return {
        ok: false,
        reason: `migration ${step.from}→${step.to} failed: ${(error as Error).message}`,
        newer: false,
      };
    }
    applied.push(`${step.from}→${step.to}: ${step.describe}`);
    version = step.to;
  }
  return { ok: true, document, fromVersion: declared, applied };
}
