import { join } from 'node:path';
import { decodeAlert } from './alert-codec.js';
import { decodeSample } from './record-codec.js';
import { decodeServiceRollup, decodeSystemRollup } from './rollup-codec.js';
import { DAY_MS, HOUR_MS, segmentName, type SegmentKind } from './segments.js';

export type KindName = 'raw' | 'sys' | 'svc' | 'alerts';

/**
 * Where each kind of line lives under the history folder: raw samples per hour, system and service
 * rollups and alerts per day.
 */
export class SegmentLayout {
  readonly kinds: Readonly<Record<KindName, SegmentKind>>;

  constructor(readonly root: string) {
    this.kinds = {
      raw: { dir: join(root, 'raw'), prefix: '', spanMs: HOUR_MS },
      sys: { dir: join(root, 'rollup'), prefix: 'sys-', spanMs: DAY_MS },
      svc: { dir: join(root, 'rollup'), prefix: 'svc-', spanMs: DAY_MS },
      alerts: { dir: join(root, 'alerts'), prefix: '', spanMs: DAY_MS },
    };
  }

  fileFor(kind: KindName, at: number): string {
    const k = this.kinds[kind];
    return join(k.dir, segmentName(k, at));
  }

  /** The full decoder for a file's kind: what makes one of its lines valid. */
  validatorFor(file: string): (line: string) => unknown {
    const name = file.slice(file.lastIndexOf('/') + 1);
    if (file.startsWith(this.kinds.raw.dir + '/')) return decodeSample;
    if (file.startsWith(this.kinds.alerts.dir + '/')) return decodeAlert;
    return name.startsWith(this.kinds.sys.prefix) ? decodeSystemRollup : decodeServiceRollup;
  }

  quarantineDir(): string {
    return join(this.root, 'quarantine');
  }

  /** Where a corrupt segment is moved aside, named after its path and the time it was moved. */
  quarantinePath(file: string, at: number): string {
    return join(
      this.quarantineDir(),
      `${file.slice(this.root.length + 1).replaceAll('/', '_')}.${at}.corrupt`,
    );
  }
}
