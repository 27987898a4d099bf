import type { CollectorEnv } from '../../types.js';
import { sharedOpenerFor } from '../native-port.js';
import { openKoffiLibproc } from './koffi-libproc.js';
import type { LibprocOpener, LibprocOpenResult } from './ports.js';

const opened = new WeakMap<CollectorEnv, LibprocOpenResult>();

/** libproc through koffi on a Mac, one port per environment (processes, sockets, nettop share it). */
export function libprocOpenerFor(env: CollectorEnv): LibprocOpener {
  return sharedOpenerFor(env, opened, () => openKoffiLibproc());
}
