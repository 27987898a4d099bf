import type { CollectorEnv } from '../types.js';
import { recordingOf, replayOf } from './replay.js';

/** What opening a native (koffi) port gives: the port, or why there is none. */
export type PortOpenResult<T> = { ok: true; port: T } | { ok: false; detail: string };

/**
 * An opener that opens once per collector environment, so every collector of that environment
 * shares one port; none while a recording is made or replayed (it holds command output per tick,
 * which the collectors read instead).
 */
export function sharedOpenerFor<T>(
  env: CollectorEnv,
  cache: WeakMap<CollectorEnv, PortOpenResult<T>>,
  open: () => PortOpenResult<T>,
): () => PortOpenResult<T> {
  if (replayOf(env.exec) || recordingOf(env.exec)) {
    return () => ({ ok: false, detail: 'a recording holds command output for every tick' });
  }
  return () => {
    let result = cache.get(env);
    if (!result) {
      result = open();
      cache.set(env, result);
    }
    return result;
  };
}

/** Opens the port on first use, once; null where it cannot be opened. */
export function lazyPort<T extends { close(): void }>(
  open: () => PortOpenResult<T>,
): { get(): T | null; close(): void } {
  let port: T | null | undefined;
  return {
    get() {
      if (port === undefined) {
        const opened = open();
        port = opened.ok ? opened.port : null;
      }
      return port;
    },
    close() {
      port?.close();
      port = null;
    },
  };
}
