import { absent, failed, ok, type Reading } from '../../contract/index.js';
import { rememberAbsence } from '../absence-cache.js';
import type { CollectorDefinition, CollectorEnv, CollectorInstance, Observation } from '../types.js';

export type IdleParse =
  { kind: 'idle'; seconds: number } | { kind: 'no-session' } | { kind: 'invalid'; message: string };

/**
 * `loginctl show-user UID -p Display -p IdleHint -p IdleSinceHint`. Desktops set IdleHint after
 * their own idle delay (GNOME: 5 min), so "not idle" reads as 0 s: coarse, but never invented.
 */
export function parseLoginctlUser(text: string, nowMs: number): IdleParse {
  const props = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (!props.has('IdleHint')) return { kind: 'invalid', message: 'no IdleHint in loginctl output' };
  if (!props.get('Display')) return { kind: 'no-session' };
  if (props.get('IdleHint') !== 'yes') return { kind: 'idle', seconds: 0 };
  const sinceUs = Number(props.get('IdleSinceHint'));
  if (!Number.isFinite(sinceUs) || sinceUs <= 0) return { kind: 'invalid', message: 'IdleSinceHint missing' };
  return { kind: 'idle', seconds: Math.max(0, (nowMs - sinceUs / 1000) / 1000) };
}

/** `xprintidle`: milliseconds since the last input, from the X screensaver extension. */
export function parseXprintidle(text: string): IdleParse {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed))
    return { kind: 'invalid', message: `xprintidle printed '${trimmed.slice(0, 40)}'` };
  return { kind: 'idle', seconds: Number(trimmed) / 1000 };
}

const ABSENT_RECHECK_MS = 5 * 60_000;

export interface UserIdleOptions {
  uid: number | null;
  /** $DISPLAY: the X screensaver extension is asked first where there is one. */
  display: string | null;
}

export function createUserIdleCollector(env: CollectorEnv, options: UserIdleOptions): CollectorInstance {
  const seen = (seconds: number): Reading<Observation> => ok({ userIdleSeconds: seconds }, env.now());

  async function collect(): Promise<Reading<Observation>> {
    if (options.display) {
      const x = await env.exec('xprintidle', [], { timeoutMs: 2000 });
      if (x.exitCode === 0) {
        const parsed = parseXprintidle(x.stdout);
        if (parsed.kind === 'idle') return seen(parsed.seconds);
      }
    }
    if (options.uid === null) return absent('unsupported', 'no user id on this platform');
    const result = await env.exec(
      'loginctl',
      ['show-user', String(options.uid), '-p', 'Display', '-p', 'IdleHint', '-p', 'IdleSinceHint'],
      { timeoutMs: 2000 },
    );
    if (result.failure === 'not-found') return absent('not-present', 'no logind (loginctl not installed)');
    if (result.exitCode !== 0) {
      const why = (result.stderr.trim().split('\n')[0] ?? '') || result.failure || `exit ${result.exitCode}`;
      return absent('not-present', `no logind session: ${why}`);
    }
    const parsed = parseLoginctlUser(result.stdout, env.now());
    if (parsed.kind === 'no-session') return absent('not-present', 'no desktop session (headless)');
    if (parsed.kind === 'invalid') return failed(`user-idle: ${parsed.message}`);
    return seen(parsed.seconds);
  }

  // A machine with no desktop session rarely grows one: re-ask only every few minutes instead of
  // spawning loginctl on every tick.
  const cached = rememberAbsence(collect, env.now, ABSENT_RECHECK_MS);
  return {
    async collect() {
      try {
        return await cached();
      } catch (error) {
        return failed(`user-idle: ${(error as Error).message}`);
      }
    },
  };
}

export const USER_IDLE_COLLECTOR: CollectorDefinition = {
  id: 'linux-user-idle',
  platforms: ['linux'],
  tier: 'fast',
  provides: ['userIdleSeconds'],
  defaultEnabled: true,
  description: 'Seconds since the last keyboard/mouse input (X screensaver or logind); absent when headless',
  create: (env) =>
    createUserIdleCollector(env, { uid: process.getuid?.() ?? null, display: process.env.DISPLAY || null }),
};
