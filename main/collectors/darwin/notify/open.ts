import type { CollectorEnv } from '../../types.js';
import { recordingOf, replayOf } from '../replay.js';
import { openKoffiNotify } from './koffi-notify.js';
import type { NotifyOpener } from './ports.js';
import { recordNotify, replayNotify } from './snapshot.js';

/** libSystem on a Mac; the recording's readings under `--replay`; both, recorded, under `--record`. */
export function notifyOpenerFor(env: CollectorEnv): NotifyOpener {
  const replay = replayOf(env.exec);
  if (replay) return () => replayNotify(() => replay.notifySnapshot(), replay.hasNotify);
  const recording = recordingOf(env.exec);
  const open = () => openKoffiNotify();
  return recording ? () => recordNotify(open, () => recording.notifySnapshot()) : open;
}
