/**
 * Pure decoders of what libproc and sysctl hand back on macOS, from the structs in XNU's
 * `bsd/sys/proc_info.h` (the same layouts psutil, libproc-rs and Stats declare):
 *
 *   struct proc_bsdinfo  (136 bytes): 12 × uint32 (pbi_flags … rfu_1; pbi_pid at 12, pbi_ppid at 16,
 *     pbi_uid at 20), pbi_comm[16] at 48, pbi_name[32] at 64, pbi_nfiles, pbi_pgid (100), pbi_pjobc,
 *     e_tdev, e_tpgid, pbi_nice, then uint64 pbi_start_tvsec (120) and pbi_start_tvusec (128).
 *   struct proc_taskinfo (96 bytes): uint64 pti_virtual_size, pti_resident_size (8),
 *     pti_total_user (16), pti_total_system (24), pti_threads_user, pti_threads_system, then
 *     12 × int32 (pti_policy … pti_priority; pti_threadnum at 84).
 *   struct proc_taskallinfo = { proc_bsdinfo pbsd; proc_taskinfo ptinfo; } (232 bytes).
 *
 * pti_total_user and pti_total_system count ticks of the hardware timebase, not nanoseconds: 24 MHz
 * on Apple silicon, 1 GHz on Intel. Tools that took them for nanoseconds read CPU times 41.67× too
 * small on M1 (psutil #1956, htop #368); mach_timebase_info gives the factor natively but 1/1 under
 * Rosetta while the counts stay native (htop #765, psutil #2728), so the rate is read from
 * `hw.tbfrequency` instead, as psutil now does.
 */

export const PROC_BSDINFO_SIZE = 136;
export const PROC_TASKINFO_SIZE = 96;
export const PROC_TASKALLINFO_SIZE = PROC_BSDINFO_SIZE + PROC_TASKINFO_SIZE;

const MAXCOMLEN = 16;
const BSD = {
  pid: 12,
  ppid: 16,
  uid: 20,
  comm: 48,
  name: 64,
  pgid: 100,
  startSeconds: 120,
  startMicroseconds: 128,
} as const;
const TASK = { resident: 8, totalUser: 16, totalSystem: 24, threadCount: 84 } as const;

export interface LibprocProcess {
  pid: number;
  ppid: number;
  pgid: number;
  uid: number;
  /** pbi_name where the process registered one (up to 32 bytes), else pbi_comm (up to 16). */
  name: string;
  /** The start time to the microsecond: identifies this incarnation of the pid. */
  startKey: string;
  cpuSeconds: number;
  rssBytes: number;
  threads: number;
}

/** A NUL-terminated char array of at most `length` bytes at `offset`. */
function cString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString('utf8');
}

/**
 * proc_taskallinfo → the figures IdleWatt uses, or null when the bytes are not one (short, or for
 * another pid: the kernel fills what it was asked for, so a mismatch means a broken call).
 */
export function decodeTaskAllInfo(
  bytes: Uint8Array,
  expectedPid: number,
  ticksPerSecond: number,
): LibprocProcess | null {
  if (bytes.length < PROC_TASKALLINFO_SIZE || !(ticksPerSecond > 0)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, PROC_TASKALLINFO_SIZE);
  const u32 = (offset: number) => view.getUint32(offset, true);
  const u64 = (offset: number) => Number(view.getBigUint64(offset, true));
  const pid = u32(BSD.pid);
  if (pid !== expectedPid) return null;
  const name = cString(bytes, BSD.name, 2 * MAXCOMLEN) || cString(bytes, BSD.comm, MAXCOMLEN);
  const microseconds = u64(BSD.startMicroseconds);
  if (microseconds >= 1_000_000) return null;
  const task = PROC_BSDINFO_SIZE;
  const ticks = u64(task + TASK.totalUser) + u64(task + TASK.totalSystem);
  const threads = view.getInt32(task + TASK.threadCount, true);
  return {
    pid,
    ppid: u32(BSD.ppid),
    pgid: u32(BSD.pgid),
    uid: u32(BSD.uid),
    name,
    startKey: `${u64(BSD.startSeconds)}.${String(microseconds).padStart(6, '0')}`,
    cpuSeconds: ticks / ticksPerSecond,
    rssBytes: u64(task + TASK.resident),
    threads: threads >= 0 ? threads : 0,
  };
}

export interface ProcArgs {
  /** argv joined by spaces, as `ps -o args` prints it. */
  line: string;
  /** The base name of argv[0] (of the executable's path when there are no arguments). */
  executableName: string;
}

/**
 * sysctl KERN_PROCARGS2 → the command line. The buffer holds argc (int32), the executable's path,
 * NUL padding, then argc NUL-terminated arguments and the environment after them (never read), as
 * psutil's `psutil_get_cmdline` reads it. null when it is not such a buffer (cut short included).
 */
export function decodeProcArgs2(bytes: Uint8Array): ProcArgs | null {
  if (bytes.length < 4) return null;
  const argc = new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true);
  if (argc < 0) return null;
  const text = (start: number, end: number) =>
    Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
  let at = 4;
  while (at < bytes.length && bytes[at] !== 0) at++;
  const executable = text(4, at);
  while (at < bytes.length && bytes[at] === 0) at++;
  const args: string[] = [];
  for (let i = 0; i < argc && at < bytes.length; i++) {
    let end = at;
    while (end < bytes.length && bytes[end] !== 0) end++;
    if (end >= bytes.length) return null;
    args.push(text(at, end));
    at = end + 1;
  }
  if (args.length !== argc || (argc === 0 && executable === '')) return null;
  const first = argc > 0 ? args[0]! : executable;
  return {
    line: argc > 0 ? args.join(' ') : executable,
    executableName: first.slice(first.lastIndexOf('/') + 1),
  };
}

/** A sysctl integer as the kernel wrote it: 4 or 8 bytes, little-endian; null for anything else. */
export function decodeSysctlInteger(bytes: Uint8Array, length: number): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (length === 4 && bytes.length >= 4) return view.getUint32(0, true);
  if (length === 8 && bytes.length >= 8) return Number(view.getBigUint64(0, true));
  return null;
}
