import type { ParserEntry } from '../types.js';
import { parseIoregBattery } from './ioreg-battery.js';
import { parseLsofTcp } from './lsof.js';
import { parseNetstat } from './netstat.js';
import { parsePmsetTherm } from './pmset-therm.js';
import { parsePowermetricsPlist } from './powermetrics-plist.js';
import { parsePowermetricsText } from './powermetrics-text.js';
import { parsePs } from './ps.js';

/** macOS-side `idlewatt parse` kinds. */
export const DARWIN_PARSERS: ParserEntry[] = [
  {
    kind: 'powermetrics',
    description: 'powermetrics -f plist output (NUL-separated documents): one JSON object per sample',
    perDocument: true,
    parse: (text) => {
      const outcome = parsePowermetricsPlist(text);
      if (outcome.samples.length === 0) {
        return { ok: false, error: outcome.firstError ?? 'no plist document found' };
      }
      return { ok: true, value: outcome.samples };
    },
  },
  {
    kind: 'powermetrics-text',
    description: "powermetrics' default text output (as pasted into bug reports): one JSON object per sample",
    perDocument: true,
    parse: (text) => parsePowermetricsText(text),
  },
  {
    kind: 'ioreg-battery',
    description: 'ioreg -rw0 -c AppleSmartBattery',
    parse: (text) => parseIoregBattery(text),
  },
  {
    kind: 'pmset-therm',
    description: 'pmset -g therm',
    parse: (text) => parsePmsetTherm(text),
  },
  {
    kind: 'ps',
    description: 'ps -axo pid=,ppid=,rss=,time=,comm= (or headed output such as ps aux)',
    parse: (text) => parsePs(text),
  },
  {
    kind: 'ps-args',
    description:
      'ps -axww -o pid=,ppid=,pgid=,rss=,time=,comm=,args= (what IdleWatt runs each tick; also without pgid=)',
    parse: (text) => parsePs(text, 'comm-args'),
  },
  {
    kind: 'lsof',
    description: 'lsof -nP -iTCP -F pcnT field output, or the default lsof table',
    parse: (text) => parseLsofTcp(text),
  },
  {
    kind: 'netstat',
    description: 'netstat -anv -p tcp (macOS)',
    parse: (text) => parseNetstat(text),
  },
];
