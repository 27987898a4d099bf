import type { CollectorEnv } from '../../types.js';
import { recordingOf, replayOf } from '../replay.js';
import { openKoffiLibproc } from './koffi-libproc.js';
import type { LibprocOpener, LibprocPort } from './ports.js';

/** libproc through koffi on a Mac; none while a recording is made or replayed (it holds ps output per tick). */
export function libprocOpenerFor(env: CollectorEnv): LibprocOpener {
  if (replayOf(env.exec) || recordingOf(env.exec)) {
    return () => ({ ok: false, detail: 'a recording holds ps output for every tick' });
  }
  return () => openKoffiLibproc();
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
