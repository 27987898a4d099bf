import type { PortOpenResult } from '../native-port.js';
/**
 * The small interface between the macOS process and socket collectors and the kernel: libproc and
 * sysctl through koffi on a Mac, a fake in tests. Calls are synchronous, cheap and never throw.
 */

/** bytes are a view of a buffer the port reuses: valid until its next call. */
export type LibprocRead =
  | { ok: true; bytes: Uint8Array }
  /** denied: another user's process (no root); gone: it exited; failed: anything else. */
  | { ok: false; reason: 'denied' | 'gone' | 'failed'; detail: string };

export type PidList = { ok: true; pids: readonly number[] } | { ok: false; detail: string };

export interface LibprocPort {
  /** Every pid on the machine (proc_listallpids). */
  listPids(): PidList;
  /** proc_pidinfo(PROC_PIDTASKALLINFO): the 232-byte proc_taskallinfo. */
  taskAllInfo(pid: number): LibprocRead;
  /** sysctl {CTL_KERN, KERN_PROCARGS2, pid}: argc, executable path, arguments, environment. */
  procArgs(pid: number): LibprocRead;
  /** sysctl net.inet.tcp.pcblist_n: every TCP socket (see pcblist/decode.ts). */
  tcpPcbList(): LibprocRead;
  /** Ticks per second of the counters proc_taskinfo reports (sysctl hw.tbfrequency). */
  readonly ticksPerSecond: number;
  close(): void;
}

export type LibprocOpenResult = PortOpenResult<LibprocPort>;

export type LibprocOpener = () => LibprocOpenResult;
