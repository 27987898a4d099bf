import type * as Koffi from 'koffi';
import { errorText, type Fn, type KoffiLoader, loadKoffi } from '../koffi-load.js';
import { decodeSysctlInteger, PROC_TASKALLINFO_SIZE } from './decode.js';
import type { LibprocOpenResult, LibprocRead } from './ports.js';

/**
 * libproc and sysctl in libSystem through koffi: what `ps` reads, without spawning it. Without
 * root, PROC_PIDTASKALLINFO of another user's process fails with EPERM (psutil #2987,
 * zombocom/get_process_mem #42), and so may its KERN_PROCARGS2: those come from `ps` on the slow
 * tier.
 */
const LIB_SYSTEM = '/usr/lib/libSystem.B.dylib';

export const LIBPROC_PROTOTYPES = {
  proc_listallpids: 'int proc_listallpids(void *buffer, int buffersize)',
  proc_pidinfo: 'int proc_pidinfo(int pid, int flavor, uint64_t arg, void *buffer, int buffersize)',
  sysctl:
    'int sysctl(int *name, uint32_t namelen, void *oldp, _Inout_ size_t *oldlenp, void *newp, size_t newlen)',
  sysctlbyname:
    'int sysctlbyname(const char *name, void *oldp, _Inout_ size_t *oldlenp, void *newp, size_t newlen)',
} as const;

/** <sys/proc_info.h> and <sys/sysctl.h>, <sys/errno.h>. */
const PROC_PIDTASKALLINFO = 2;
const CTL_KERN = 1;
const KERN_PROCARGS2 = 49;
const EPERM = 1;
const ESRCH = 3;
/** Headroom for pids started between sizing the list and filling it. */
const SPARE_PIDS = 256;
const PCBLIST = 'net.inet.tcp.pcblist_n';
const ENOMEM = 12;
/** The TCP table is sized on each read; a table past this is not read (netstat would be). */
const MAX_PCBLIST_BYTES = 64 << 20;
const TABLE_START = 64 << 10;
const SHRINK_ABOVE = 1 << 20;

/** Opens libproc. Never throws: on Linux or without koffi's darwin package the result says why. */
export function openKoffiLibproc(
  platform: NodeJS.Platform = process.platform,
  load: KoffiLoader = loadKoffi,
): LibprocOpenResult {
  if (platform !== 'darwin') return { ok: false, detail: 'libproc exists only on macOS' };
  let koffi: typeof Koffi;
  let fns: Record<keyof typeof LIBPROC_PROTOTYPES, Fn>;
  try {
    koffi = load();
    const lib = koffi.load(LIB_SYSTEM);
    fns = {
      proc_listallpids: lib.func(LIBPROC_PROTOTYPES.proc_listallpids) as Fn,
      proc_pidinfo: lib.func(LIBPROC_PROTOTYPES.proc_pidinfo) as Fn,
      sysctl: lib.func(LIBPROC_PROTOTYPES.sysctl) as Fn,
      sysctlbyname: lib.func(LIBPROC_PROTOTYPES.sysctlbyname) as Fn,
    };
  } catch (error) {
    return { ok: false, detail: `libproc could not be loaded: ${errorText(error)}` };
  }
  const errno = () => koffi.errno();

  const integerByName = (name: string): number | null => {
    const out = Buffer.alloc(8);
    const length = [8];
    if (Number(fns.sysctlbyname(name, out, length, null, 0)) !== 0) return null;
    return decodeSysctlInteger(out, Number(length[0]));
  };
  let ticksPerSecond: number | null;
  let argMax: number;
  try {
    ticksPerSecond = integerByName('hw.tbfrequency');
    argMax = integerByName('kern.argmax') ?? 1 << 20;
  } catch (error) {
    return { ok: false, detail: `sysctl: ${errorText(error)}` };
  }
  if (ticksPerSecond === null || ticksPerSecond <= 0) {
    return { ok: false, detail: `sysctl hw.tbfrequency: errno ${errno()}` };
  }

  let pidBuffer = new Int32Array(1024);
  const info = Buffer.alloc(PROC_TASKALLINFO_SIZE);
  let args: Buffer | null = null; // kern.argmax bytes (1 MiB), only once a command line is read
  const mib = new Int32Array([CTL_KERN, KERN_PROCARGS2, 0]);
  let tcpTable = Buffer.alloc(TABLE_START);
  const failure = (call: string, code: number): LibprocRead => ({
    ok: false,
    reason: code === EPERM ? 'denied' : code === ESRCH ? 'gone' : 'failed',
    detail: `${call}: errno ${code}`,
  });

  return {
    ok: true,
    port: {
      ticksPerSecond,
      listPids() {
        try {
          const needed = Number(fns.proc_listallpids(null, 0));
          if (needed <= 0) return { ok: false, detail: `proc_listallpids: errno ${errno()}` };
          if (pidBuffer.length < needed + SPARE_PIDS) pidBuffer = new Int32Array(needed + SPARE_PIDS);
          const count = Number(fns.proc_listallpids(pidBuffer, pidBuffer.byteLength));
          if (count <= 0) return { ok: false, detail: `proc_listallpids: errno ${errno()}` };
          return { ok: true, pids: Array.from(pidBuffer.subarray(0, Math.min(count, pidBuffer.length))) };
        } catch (error) {
          return { ok: false, detail: `proc_listallpids: ${errorText(error)}` };
        }
      },
      taskAllInfo(pid) {
        try {
          const written = Number(fns.proc_pidinfo(pid, PROC_PIDTASKALLINFO, 0, info, info.length));
          if (written === info.length) return { ok: true, bytes: info };
          return failure('proc_pidinfo', written <= 0 ? errno() : 0);
        } catch (error) {
          return { ok: false, reason: 'failed', detail: `proc_pidinfo: ${errorText(error)}` };
        }
      },
      procArgs(pid) {
        try {
          mib[2] = pid;
          args ??= Buffer.alloc(argMax);
          const length = [args.length];
          if (Number(fns.sysctl(mib, 3, args, length, null, 0)) !== 0) return failure('sysctl', errno());
          return { ok: true, bytes: args.subarray(0, Math.min(Number(length[0]), args.length)) };
        } catch (error) {
          return { ok: false, reason: 'failed', detail: `sysctl: ${errorText(error)}` };
        }
      },
      tcpPcbList() {
        try {
          // Sized first; sockets opened in between can still outgrow it once (ENOMEM: size again).
          for (let attempt = 0; attempt < 2; attempt++) {
            const needed = [0];
            if (Number(fns.sysctlbyname(PCBLIST, null, needed, null, 0)) !== 0) {
              return failure(`sysctl ${PCBLIST}`, errno());
            }
            const want = Math.ceil(Number(needed[0]) * 1.25) + 4096;
            if (want > MAX_PCBLIST_BYTES)
              return { ok: false, reason: 'failed', detail: `${PCBLIST}: ${want} bytes` };
            // Grown to fit; given back once the table is far smaller again (a burst of TIME_WAIT).
            if (tcpTable.length < want || (tcpTable.length > SHRINK_ABOVE && tcpTable.length > 4 * want)) {
              tcpTable = Buffer.alloc(Math.max(want, TABLE_START));
            }
            const length = [tcpTable.length];
            if (Number(fns.sysctlbyname(PCBLIST, tcpTable, length, null, 0)) === 0) {
              return { ok: true, bytes: tcpTable.subarray(0, Math.min(Number(length[0]), tcpTable.length)) };
            }
            const code = errno();
            if (code !== ENOMEM) return failure(`sysctl ${PCBLIST}`, code);
          }
          return { ok: false, reason: 'failed', detail: `sysctl ${PCBLIST}: the table kept growing` };
        } catch (error) {
          return { ok: false, reason: 'failed', detail: `sysctl ${PCBLIST}: ${errorText(error)}` };
        }
      },
      close() {
        // Nothing is held: libSystem stays loaded for the life of the process.
      },
    },
  };
}
