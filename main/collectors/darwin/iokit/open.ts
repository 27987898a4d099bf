import type { CollectorEnv } from '../../types.js';
import { recordingOf, replayOf } from '../replay.js';
import { openKoffiIokit } from './koffi-iokit.js';
import type { IokitOpener } from './ports.js';
import { recordIokit, replayIokit } from './snapshot.js';

/** The koffi binding on a Mac; the recording's readings under `--replay`; both, recorded, under `--record`. */
export function iokitOpenerFor(env: CollectorEnv): IokitOpener {
  const replay = replayOf(env.exec);
  if (replay) return () => replayIokit(() => replay.iokitSnapshot(), replay.hasIokit);
  const recording = recordingOf(env.exec);
  const open = () => openKoffiIokit();
  return recording ? () => recordIokit(open, () => recording.iokitSnapshot()) : open;
}
