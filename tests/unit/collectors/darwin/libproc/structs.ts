import {
  PROC_BSDINFO_SIZE,
  PROC_TASKALLINFO_SIZE,
} from '../../../../../main/collectors/darwin/libproc/decode.js';

export interface TaskAllInfoFields {
  pid: number;
  ppid: number;
  pgid: number;
  uid: number;
  comm: string;
  name: string;
  /** pbi_start_tvsec, pbi_start_tvusec. */
  start: [number, number];
  residentBytes: number;
  userTicks: number;
  systemTicks: number;
  threads: number;
}

/** A proc_taskallinfo as the kernel fills it (little-endian), at the offsets of proc_info.h. */
export function taskAllInfo(f: TaskAllInfoFields): Buffer {
  const b = Buffer.alloc(PROC_TASKALLINFO_SIZE);
  b.writeUInt32LE(f.pid, 12);
  b.writeUInt32LE(f.ppid, 16);
  b.writeUInt32LE(f.uid, 20);
  b.write(f.comm, 48, 16, 'utf8');
  b.write(f.name, 64, 32, 'utf8');
  b.writeUInt32LE(f.pgid, 100);
  b.writeBigUInt64LE(BigInt(f.start[0]), 120);
  b.writeBigUInt64LE(BigInt(f.start[1]), 128);
  const task = PROC_BSDINFO_SIZE;
  b.writeBigUInt64LE(BigInt(f.residentBytes) * 2n, task);
  b.writeBigUInt64LE(BigInt(f.residentBytes), task + 8);
  b.writeBigUInt64LE(BigInt(f.userTicks), task + 16);
  b.writeBigUInt64LE(BigInt(f.systemTicks), task + 24);
  b.writeInt32LE(f.threads, task + 84);
  return b;
}

/** A KERN_PROCARGS2 buffer: argc, the executable path, padding, arguments, environment. */
export function procArgs2(executable: string, args: string[], env: string[]): Buffer {
  const argc = Buffer.alloc(4);
  argc.writeInt32LE(args.length);
  const strings = (list: string[]) => list.map((s) => `${s}\0`).join('');
  return Buffer.concat([argc, Buffer.from(`${executable}\0\0\0\0${strings(args)}${strings(env)}`, 'utf8')]);
}
