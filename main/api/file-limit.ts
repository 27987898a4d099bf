import { createRequire } from 'node:module';

/**
 * Raises the soft limit on open files (RLIMIT_NOFILE) to the hard limit at start, so idle sockets
 * cannot starve the history store of descriptors (macOS starts shells with a soft limit of 256).
 * Node has no setrlimit; koffi calls libc's. Node's own start-up usually does the same raise, but
 * an embedder (Electron) may skip it, and a hard limit of "unlimited" needs a search: macOS refuses
 * values above kern.maxfilesperproc with EINVAL, so like Node we look for the highest value accepted.
 */

export interface FileLimit {
  soft: number;
  hard: number | 'unlimited';
}

export type RaiseOutcome =
  { ok: true; before: number; after: number } | { ok: false; reason: string; current: number | null };

interface Rlimit {
  rlim_cur: number | bigint;
  rlim_max: number | bigint;
}

interface Libc {
  get(): Rlimit | null;
  set(limit: Rlimit): boolean;
}

const RLIMIT_NOFILE: Partial<Record<NodeJS.Platform, number>> = { linux: 7, darwin: 8 };
/** Upper end of the search when the hard limit is unlimited (the value Node searches up to). */
const SEARCH_CEILING = 1 << 20;

let libc: Libc | null | undefined;

function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  const resource = RLIMIT_NOFILE[process.platform];
  if (resource === undefined) return libc;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const lib = koffi.load(process.platform === 'darwin' ? 'libSystem.B.dylib' : 'libc.so.6');
    koffi.struct('idlewatt_rlimit', { rlim_cur: 'uint64', rlim_max: 'uint64' });
    const getrlimit = lib.func('int getrlimit(int, _Out_ idlewatt_rlimit *)');
    const setrlimit = lib.func('int setrlimit(int, const idlewatt_rlimit *)');
    libc = {
      get() {
        const out = {} as Rlimit;
        return getrlimit(resource, out) === 0 ? out : null;
      },
      set(limit) {
        return setrlimit(resource, limit) === 0;
      },
    };
  } catch {
    libc = null;
  }
  return libc;
}

function finite(value: number | bigint): number | null {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

export function readFileLimit(): FileLimit | null {
  const current = loadLibc()?.get();
  if (!current) return null;
  const soft = finite(current.rlim_cur);
  if (soft === null) return null;
  const hard = finite(current.rlim_max);
  return { soft, hard: hard ?? 'unlimited' };
}

/** Sets only the soft limit (tests lower it to show the raise). */
export function setSoftFileLimit(soft: number): boolean {
  const lib = loadLibc();
  const current = lib?.get();
  if (!lib || !current) return false;
  return lib.set({ rlim_cur: soft, rlim_max: current.rlim_max });
}

export function raiseFileLimit(): RaiseOutcome {
  const lib = loadLibc();
  if (!lib) return { ok: false, reason: 'setrlimit is not reachable on this platform', current: null };
  const current = lib.get();
  if (!current) return { ok: false, reason: 'getrlimit failed', current: null };
  const before = finite(current.rlim_cur);
  if (before === null) return { ok: true, before: SEARCH_CEILING, after: SEARCH_CEILING };
  const hard = finite(current.rlim_max);
  if (hard !== null && hard <= before) return { ok: true, before, after: before };
  const target = hard ?? SEARCH_CEILING;
  if (lib.set({ rlim_cur: target, rlim_max: current.rlim_max })) return { ok: true, before, after: target };
  let low = before;
  let high = target;
  while (low + 1 < high) {
    const middle = low + Math.floor((high - low) / 2);
    if (lib.set({ rlim_cur: middle, rlim_max: current.rlim_max })) low = middle;
    else high = middle;
  }
  if (low === before) return { ok: false, reason: 'setrlimit refused every higher value', current: before };
  return { ok: true, before, after: low };
}
