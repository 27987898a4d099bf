export {
  openSettingsStore,
  readSettingsFile,
  SETTINGS_FILE_NAME,
  type SettingsEngine,
  type SettingsEngineClass,
  type SettingsEngineName,
  type SettingsStore,
  type SettingsStoreOptions,
} from './store.js';
export {
  migrateSettings,
  SETTINGS_MIGRATIONS,
  type SettingsMigration,
  type MigrationResult,
} from './migrations.js';
export { SETTINGS_PROPERTY_SCHEMAS, SETTINGS_ROOT_SCHEMA, settingsJsonSchema } from './schema.js';
