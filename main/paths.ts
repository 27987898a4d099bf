import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where IdleWatt keeps history, the API token and settings when no --data-dir is given. */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (env.IDLEWATT_DATA_DIR) return env.IDLEWATT_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'IdleWatt');
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'idlewatt');
}
