import type { CollectorEnv } from '../../types.js';
import { recordingOf, replayOf } from '../replay.js';
import { openKoffiLibproc } from './koffi-libproc.js';
import type { LibprocOpener } from './ports.js';

/** libproc through koffi on a Mac; none while a recording is made or replayed (it holds ps output per tick). */
export function libprocOpenerFor(env: CollectorEnv): LibprocOpener {
  if (replayOf(env.exec) || recordingOf(env.exec)) {
    return () => ({ ok: false, detail: 'a recording holds ps output for every tick' });
  }
  return () => openKoffiLibproc();
}
