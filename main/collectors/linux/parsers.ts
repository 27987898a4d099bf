import type { ParserEntry } from '../types.js';
import { parseProcStat } from './procfs.js';
import { parseProcNetTcp } from './sockets.js';
import { parseNvidiaSmi } from './nvidia-smi.js';
import { parseSs } from './ss.js';

/** Linux-side `idlewatt parse` kinds. */
export const LINUX_PARSERS: ParserEntry[] = [
  {
    kind: 'proc-pid-stat',
    description: '/proc/[pid]/stat (pid, comm, ppid, CPU ticks, threads, start time, RSS pages)',
    parse(text) {
      const stat = parseProcStat(text);
      return stat ? { ok: true, value: stat } : { ok: false, error: 'no "pid (comm) state …" line' };
    },
  },
  {
    kind: 'proc-net-tcp',
    description: '/proc/net/tcp or tcp6 (local/remote endpoints, TCP state, socket inode)',
    parse(text) {
      const entries = parseProcNetTcp(text);
      if (entries.length === 0 && !/^\s*sl\s+local_address/.test(text)) {
        return { ok: false, error: 'no "sl local_address" header and no socket rows' };
      }
      return { ok: true, value: entries };
    },
  },
  {
    kind: 'ss',
    description: '`ss -tinHOe` (TCP sockets with inode, uid and tcp_info byte counters, one per line)',
    parse: (text) => parseSs(text),
  },
  {
    kind: 'nvidia-smi',
    description: 'nvidia-smi -q -x (XML), or --query-gpu=… --format=csv output',
    parse: (text) => parseNvidiaSmi(text),
  },
];
