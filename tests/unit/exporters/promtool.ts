import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/promtool', '/usr/local/bin/promtool'];
const SERVER_CANDIDATES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

function find(envName: string, candidates: string[]): string | null {
  const fromEnv = process.env[envName];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return candidates.find((path) => existsSync(path)) ?? null;
}

export const PROMTOOL = find('IDLEWATT_PROMTOOL', CANDIDATES);
export const PROMETHEUS = find('IDLEWATT_PROMETHEUS', SERVER_CANDIDATES);

/** The skip option for a test that needs `binary`; prints the reason where it is missing. */
export function skipUnless(binary: string | null, name: string): { skip: string } | { skip?: undefined } {
  if (binary) return {};
  const reason = `${name} not found (Debian: sudo apt-get install prometheus)`;
  console.log(`skipping: ${reason}`);
  return { skip: reason };
}

export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL!, args, { input, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
