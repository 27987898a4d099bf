import { AF_NETLINK, decodeDiagChunk, NETLINK_SOCK_DIAG, type DiagSocket } from './inet-diag.js';

/**
 * A NETLINK_SOCK_DIAG socket reached through koffi (prebuilt FFI: no compiler, no root). Every
 * call is non-blocking: the kernel fills a dump's replies while we send and receive, so a reply
 * that is not there means the dump is broken, and the event loop is never held.
 */
export interface SockDiagChannel {
  dump(request: Buffer, sequence: number): DumpOutcome;
  close(): void;
}

export type DumpOutcome = { ok: true; sockets: DiagSocket[] } | { ok: false; error: string };

const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
const EAGAIN = 11;
const EINTR = 4;
const RECEIVE_BYTES = 64 * 1024;
/** A dump of a few hundred sockets takes a handful of reads; far more means a runaway. */
const MAX_READS = 10_000;

interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  sendto(fd: number, buf: Buffer, length: number, flags: number, addr: Buffer, addrLength: number): number;
  recv(fd: number, buf: Buffer, length: number, flags: number): number;
  close(fd: number): number;
  errno(): number;
}

let libcPromise: Promise<Libc | string> | null = null;

/** Loads koffi and binds the four libc calls once per process; a string says why it could not. */
function loadLibc(): Promise<Libc | string> {
  libcPromise ??= (async () => {
    try {
      const koffi = (await import('koffi')).default;
      let lib;
      try {
        lib = koffi.load('libc.so.6');
      } catch {
        lib = koffi.load(null); // musl and others: the symbols Node itself links against
      }
      const socket = lib.func('int socket(int, int, int)');
      const sendto = lib.func('long sendto(int, const void *, size_t, int, const void *, uint32_t)');
      const recv = lib.func('long recv(int, _Out_ void *, size_t, int)');
      const close = lib.func('int close(int)');
      return {
        socket: (d, t, p) => Number(socket(d, t, p)),
        sendto: (fd, buf, length, flags, addr, addrLength) =>
          Number(sendto(fd, buf, length, flags, addr, addrLength)),
        recv: (fd, buf, length, flags) => Number(recv(fd, buf, length, flags)),
        close: (fd) => Number(close(fd)),
        errno: () => koffi.errno(),
      } satisfies Libc;
    } catch (error) {
      return `koffi: ${(error as Error).message}`;
    }
  })();
  return libcPromise;
}

/** Opens the netlink socket; a string says why sock_diag cannot be used here. */
export async function openSockDiag(): Promise<SockDiagChannel | string> {
  if (process.platform !== 'linux') return `sock_diag is Linux-only (this is ${process.platform})`;
  const libc = await loadLibc();
  if (typeof libc === 'string') return libc;
  const fd = libc.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return `socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed: errno ${libc.errno()}`;
  const kernel = Buffer.alloc(12); // struct sockaddr_nl { family; pad; pid = 0 (kernel); groups = 0 }
  kernel.writeUInt16LE(AF_NETLINK, 0);
  const receive = Buffer.alloc(RECEIVE_BYTES);
  let open = true;
  return {
    dump(request, sequence) {
      if (!open) return { ok: false, error: 'sock_diag channel closed' };
      if (libc.sendto(fd, request, request.length, 0, kernel, kernel.length) !== request.length) {
        return { ok: false, error: `sendto: errno ${libc.errno()}` };
      }
      const sockets: DiagSocket[] = [];
      let retries = 0;
      for (let reads = 0; reads < MAX_READS; reads++) {
        const n = libc.recv(fd, receive, receive.length, MSG_DONTWAIT);
        if (n < 0) {
          const errno = libc.errno();
          if ((errno === EAGAIN || errno === EINTR) && retries++ < 3) continue;
          return { ok: false, error: `recv: errno ${errno} before the dump ended` };
        }
        if (n === 0) return { ok: false, error: 'recv: the netlink socket closed' };
        const chunk = decodeDiagChunk(receive.subarray(0, n), sequence);
        sockets.push(...chunk.sockets);
        if (chunk.errno !== null) return { ok: false, error: `kernel answered errno ${-chunk.errno}` };
        if (chunk.done) return { ok: true, sockets };
      }
      return { ok: false, error: `no end of dump after ${MAX_READS} reads` };
    },
    close() {
      if (open) libc.close(fd);
      open = false;
    },
  };
}
