import { absent, failed, ok, type Reading } from '../../contract/index.js';
import type {
  CollectorEnv,
  CollectorInstance,
  CollectRequest,
  Observation,
  ProcessTraffic,
} from '../types.js';
import { libprocOpenerFor } from './libproc/open.js';
import { lazyPort } from './native-port.js';
import type { LibprocOpener } from './libproc/ports.js';
import { decodeTcpPcbList } from './pcblist/decode.js';
import { unusable } from './run-output.js';

/**
 * Per-process network byte counters, no root: `-P` one row per process, `-L 1` one CSV sample then
 * exit, `-n` no name lookups, `-x` plain numbers. Rows look like
 * `20:48:16.223325,Code Helper (Pl.51458,,,3950703,10739706,…`: the process is `name.pid` (the name
 * cut short, and it may hold dots and spaces), and bytes_in/bytes_out are cumulative; their columns
 * are found by the header's names. Format from public parsers of nettop's CSV (e.g. orbstack's
 * host-nfs check and several per-process dashboards).
 */
export const NETTOP_ARGS = ['-P', '-L', '1', '-n', '-x'] as const;
const TIMEOUT_MS = 5000;

export type NettopOutcome = { ok: true; value: ProcessTraffic[] } | { ok: false; error: string };

export function parseNettop(text: string): NettopOutcome {
  let inColumn = -1;
  let outColumn = -1;
  const byPid = new Map<number, ProcessTraffic>();
  let headers = 0;
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(',');
    if (fields[0] === 'time') {
      headers += 1;
      inColumn = fields.indexOf('bytes_in');
      outColumn = fields.indexOf('bytes_out');
      byPid.clear(); // a later frame replaces an earlier one
      continue;
    }
    if (inColumn < 0 || outColumn < 0) continue;
    const owner = /^(.*)\.(\d+)$/.exec(fields[1] ?? '');
    const bytesIn = fields[inColumn] ?? '';
    const bytesOut = fields[outColumn] ?? '';
    if (!owner || !/^\d+$/.test(bytesIn) || !/^\d+$/.test(bytesOut)) continue; // connection rows, garbage
    const pid = Number(owner[2]);
    if (!Number.isSafeInteger(pid) || pid < 0) continue;
    byPid.set(pid, { pid, name: owner[1]!, bytesIn: Number(bytesIn), bytesOut: Number(bytesOut) });
  }
  if (headers === 0) return { ok: false, error: "no 'time,,interface,…' header" };
  if (inColumn < 0 || outColumn < 0) return { ok: false, error: 'no bytes_in/bytes_out columns' };
  return { ok: true, value: [...byPid.values()] };
}

/**
 * Where the kernel's TCP table can be read (see sockets.ts), its per-connection byte counters count
 * each service's traffic, and nettop is not started at all; whether it can is asked again on each
 * slow tick.
 */
export function createNettopCollector(
  env: CollectorEnv,
  open: LibprocOpener = libprocOpenerFor(env),
): CollectorInstance {
  const kernel = lazyPort(open);
  let tableReadable: boolean | null = null;
  return {
    async collect(request: CollectRequest): Promise<Reading<Observation>> {
      const lib = kernel.get();
      if (lib && (tableReadable === null || request.slow)) {
        const table = lib.tcpPcbList();
        tableReadable = table.ok && decodeTcpPcbList(table.bytes).ok;
      }
      if (tableReadable) {
        return absent('disabled', 'not needed: the kernel TCP table counts each connection’s bytes');
      }
      const result = await env.exec('nettop', [...NETTOP_ARGS], { timeoutMs: TIMEOUT_MS });
      const problem = unusable<Observation>('nettop', result);
      if (problem) return problem;
      const parsed = parseNettop(result.stdout);
      if (!parsed.ok) return failed(`nettop: ${parsed.error}`);
      return ok({ processTraffic: parsed.value }, env.now());
    },
    async close() {
      kernel.close();
    },
  };
}
