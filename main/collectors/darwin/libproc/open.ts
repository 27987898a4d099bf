import type { CollectorEnv } from '../../types.js';
import { recordingOf, replayOf } from '../replay.js';
import { openKoffiLibproc } from './koffi-libproc.js';
import type { LibprocOpener, LibprocOpenResult, LibprocPort } from './ports.js';

/** One port per collector environment: the process, socket and nettop collectors share it. */
const opened = new WeakMap<CollectorEnv, LibprocOpenResult>();

/**
 * libproc through koffi on a Mac, opened once per environment; none while a recording is made or
 * replayed (it holds command output per tick).
 */
export function libprocOpenerFor(env: CollectorEnv): LibprocOpener {
  if (replayOf(env.exec) || recordingOf(env.exec)) {
    return () => ({ ok: false, detail: 'a recording holds command output for every tick' });
  }
  return () => {
    let result = opened.get(env);
    if (!result) {
      result = openKoffiLibproc();
      opened.set(env, result);
    }
    return result;
  };
}

/** Opens the port on first use, once; null where it cannot be opened. */
export function lazyLibproc(open: LibprocOpener): { get(): LibprocPort | null; close(): void } {
  let port: LibprocPort | null | undefined;
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
