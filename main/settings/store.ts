import Conf from 'conf';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { SETTINGS_FILE_FIELD, type SettingsUpdateResult } from '../contract/api.js';
import { defaultSettings, validateSettings, type FieldError, type Settings } from '../contract/settings.js';
import { defaultDataDir } from '../paths.js';
import { migrateSettings } from './migrations.js';
import { SETTINGS_PROPERTY_SCHEMAS, SETTINGS_ROOT_SCHEMA } from './schema.js';

export const SETTINGS_FILE_NAME = 'settings.json';

export type SettingsEngineName = 'conf' | 'electron-store';

/** What both `conf` and `electron-store` instances offer; `store` reads and writes the whole file. */
export interface SettingsEngine {
  store: Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- conf's and electron-store's option types differ
export type SettingsEngineClass = new (options: any) => SettingsEngine;

export interface SettingsStoreOptions {
  /** The settings file; default `<cwd>/settings.json`. */
  file?: string;
  /** Directory of settings.json when `file` is not given; default the data directory. */
  cwd?: string;
  /** 'conf' (headless monitor, the default) or 'electron-store' (the app). */
  engine?: SettingsEngineName;
  /** The electron-store class, passed in by the shell: this module never loads Electron itself. */
  electronStore?: SettingsEngineClass;
  now?: () => number;
}

export interface SettingsStore {
  /** The current settings, frozen (callers copy to change them); re-read only when the file changed on disk. */
  get(): Settings;
  /** Validates and saves; invalid input is returned as field errors and leaves the file untouched. */
  update(next: unknown): SettingsUpdateResult;
  /** Things the UI should show once: a corrupt file backed up, a migration, a file that cannot be saved. */
  readonly notices: string[];
  readonly path: string;
  readonly engine: SettingsEngineName;
}

type Loaded =
  | { kind: 'missing' }
  | { kind: 'usable'; settings: Settings; migratedFrom: number | null }
  | { kind: 'unusable'; reason: string; newer: boolean }
  | { kind: 'unreadable'; reason: string };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const clone = (settings: Settings): Settings => structuredClone(settings);

/** Frozen all the way down: one copy is shared by every reader until the file changes. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const describeErrors = (errors: FieldError[]): string =>
  errors
    .slice(0, 3)
    .map((e) => `${e.field} ${e.reason}`)
    .join('; ') + (errors.length > 3 ? `; and ${errors.length - 3} more` : '');

function loadDocument(path: string): Loaded {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', reason: message(error) };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { kind: 'unusable', reason: `it is not valid JSON (${message(error)})`, newer: false };
  }
  const migrated = migrateSettings(raw);
  if (!migrated.ok) return { kind: 'unusable', reason: migrated.reason, newer: migrated.newer };
  const validated = validateSettings(migrated.document);
  if (!validated.ok) {
    return {
      kind: 'unusable',
      reason: `it fails validation (${describeErrors(validated.errors)})`,
      newer: false,
    };
  }
  const migratedFrom = migrated.applied.length > 0 ? migrated.fromVersion : null;
  return { kind: 'usable', settings: validated.value, migratedFrom };
}

/**
 * Reads a settings file without changing it (for `report` and `compare` next to a running monitor):
 * an old schema is migrated in memory only; a missing file gives the defaults; a file that cannot be
 * used gives the defaults plus the reason, which the caller shows as a warning.
 */
export function readSettingsFile(path: string): { settings: Settings; problem: string | null } {
  const loaded = loadDocument(path);
  if (loaded.kind === 'usable') return { settings: loaded.settings, problem: null };
  if (loaded.kind === 'missing') return { settings: defaultSettings(), problem: null };
  return {
    settings: defaultSettings(),
    problem: `the settings file ${path} could not be used because ${loaded.reason}; the defaults are in use`,
  };
}

/** Moves a bad file aside as `<file>.<label>-<time>`; returns the backup path, or why it failed. */
function backUp(path: string, label: string, now: number): { backup: string } | { error: string } {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  let backup = `${path}.${label}-${stamp}`;
  for (let n = 2; existsSync(backup); n++) backup = `${path}.${label}-${stamp}-${n}`;
  try {
    renameSync(path, backup);
    return { backup };
  } catch (error) {
    return { error: message(error) };
  }
}

function constructEngine(
  name: SettingsEngineName,
  path: string,
  electronStore: SettingsEngineClass | undefined,
): SettingsEngine {
  const extension = extname(path);
  const common = {
    cwd: dirname(path),
    fileExtension: extension.replace(/^\./, ''),
    schema: SETTINGS_PROPERTY_SCHEMAS,
    rootSchema: SETTINGS_ROOT_SCHEMA,
    defaults: defaultSettings(),
    clearInvalidConfig: false,
    // Private whatever the data folder's mode (conf's default is 0666 less the umask).
    configFileMode: 0o600,
  };
  const configName = basename(path, extension);
  if (name === 'electron-store') {
    if (!electronStore) {
      throw new TypeError("openSettingsStore: engine 'electron-store' needs the electronStore class");
    }
    return new electronStore({ ...common, name: configName });
  }
  return new (Conf as unknown as SettingsEngineClass)({ ...common, configName, projectName: 'idlewatt' });
}

function writeAtomically(path: string, settings: Settings): true | string {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, JSON.stringify(settings, undefined, '\t'), { mode: 0o600 });
    renameSync(temporary, path);
    return true;
  } catch (error) {
    rmSync(temporary, { force: true });
    return message(error);
  }
}

/** A store that lives only in memory, for a settings file that cannot be read or written at all. */
function memoryEngine(): SettingsEngine {
  return { store: defaultSettings() as unknown as Record<string, unknown> };
}

/**
 * Opens the settings file shared by the app and the headless monitor. Never throws for a bad file:
 * a corrupt or newer-version file is backed up (`settings.json.corrupt-<time>`) and replaced by
 * defaults, an old one is migrated, and each of these leaves a notice for the UI.
 */
export function openSettingsStore(options: SettingsStoreOptions = {}): SettingsStore {
  const engineName = options.engine ?? 'conf';
  const now = options.now ?? Date.now;
  const path = options.file ?? join(options.cwd ?? defaultDataDir(), SETTINGS_FILE_NAME);
  const notices: string[] = [];

  const replaceBadFile = (reason: string, label: 'corrupt' | 'newer'): void => {
    const moved = backUp(path, label, now());
    notices.push(
      'backup' in moved
        ? `The settings file ${path} could not be used because ${reason}. It was backed up to ${moved.backup} and the defaults are in use.`
        : `The settings file ${path} could not be used because ${reason}, and it could not be backed up (${moved.error}). The defaults are in use.`,
    );
  };

  const loaded = loadDocument(path);
  if (loaded.kind === 'unusable') replaceBadFile(loaded.reason, loaded.newer ? 'newer' : 'corrupt');
  if (loaded.kind === 'usable' && loaded.migratedFrom !== null) {
    // Written before the engine opens the file, because the engine's schema accepts only the current version.
    const saved = writeAtomically(path, loaded.settings);
    notices.push(
      saved === true
        ? `Settings were updated from schema version ${loaded.migratedFrom} to the current one.`
        : `Settings were updated from schema version ${loaded.migratedFrom}, but could not be saved (${saved}).`,
    );
  }

  let engine: SettingsEngine;
  let persistent = true;
  try {
    engine = constructEngine(engineName, path, options.electronStore);
  } catch (error) {
    if (error instanceof TypeError) throw error;
    if (existsSync(path) && loaded.kind !== 'unreadable') {
      // The schema refused what validateSettings accepted; keep the file for inspection and start clean.
      replaceBadFile(`the schema check failed (${message(error)})`, 'corrupt');
    }
    try {
      engine = constructEngine(engineName, path, options.electronStore);
    } catch (again) {
      engine = memoryEngine();
      persistent = false;
      notices.push(
        `The settings file ${path} cannot be read or written (${message(again)}). The defaults are in use and changes last only until IdleWatt quits.`,
      );
    }
  }

  let cache: { settings: Settings; mtimeMs: number; size: number } | null = null;

  const fileStamp = (): { mtimeMs: number; size: number } | null => {
    if (!persistent) return null;
    try {
      const stat = statSync(path);
      return { mtimeMs: stat.mtimeMs, size: stat.size };
    } catch {
      return null;
    }
  };

  const remember = (settings: Settings): Settings => {
    const stamp = fileStamp();
    cache = { settings: deepFreeze(clone(settings)), mtimeMs: stamp?.mtimeMs ?? -1, size: stamp?.size ?? -1 };
    return cache.settings;
  };

  const writeDefaults = (): Settings => {
    const defaults = defaultSettings();
    try {
      engine.store = defaults as unknown as Record<string, unknown>;
    } catch (error) {
      notices.push(`The default settings could not be saved to ${path} (${message(error)}).`);
    }
    return remember(defaults);
  };

  const get = (): Settings => {
    if (!persistent) return deepFreeze(clone(validateOrDefaults(engine.store)));
    const stamp = fileStamp();
    // The sampler asks several times a tick: a frozen shared copy, not a clone per call.
    if (cache && stamp && stamp.mtimeMs === cache.mtimeMs && stamp.size === cache.size) return cache.settings;
    if (!stamp) {
      notices.push(`The settings file ${path} disappeared; the defaults were written again.`);
      return writeDefaults();
    }
    let raw: unknown;
    try {
      raw = engine.store;
    } catch (error) {
      replaceBadFile(`it became unreadable while IdleWatt ran (${message(error)})`, 'corrupt');
      return writeDefaults();
    }
    const validated = validateSettings(raw);
    if (!validated.ok) {
      replaceBadFile(`it was changed into invalid settings (${describeErrors(validated.errors)})`, 'corrupt');
      return writeDefaults();
    }
    return remember(validated.value);
  };

  const update = (next: unknown): SettingsUpdateResult => {
    const validated = validateSettings(next);
    if (!validated.ok) return { ok: false, errors: validated.errors };
    try {
      engine.store = validated.value as unknown as Record<string, unknown>;
    } catch (error) {
      return {
        ok: false,
        errors: [{ field: SETTINGS_FILE_FIELD, reason: `could not be saved to ${path}: ${message(error)}` }],
      };
    }
    return { ok: true, settings: remember(validated.value) };
  };

  return { get, update, notices, path, engine: engineName };
}

function validateOrDefaults(raw: unknown): Settings {
  const validated = validateSettings(raw);
  return validated.ok ? validated.value : defaultSettings();
}
