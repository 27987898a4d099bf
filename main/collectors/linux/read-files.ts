import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

/** Why a read failed, in the terms a Reading needs. */
export type ReadFailure = 'missing' | 'permission' | 'other';

export type TextRead = { ok: true; text: string } | { ok: false; failure: ReadFailure; message: string };

export function failureOf(error: unknown): ReadFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // ESRCH: a /proc/[pid] file whose process exited between readdir and read.
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ESRCH' || code === 'ENODEV') return 'missing';
  if (code === 'EACCES' || code === 'EPERM') return 'permission';
  return 'other';
}

function failed(error: unknown): TextRead {
  return { ok: false, failure: failureOf(error), message: (error as Error).message };
}

/** sysfs: async, because some hwmon drivers block for a while on a read (i2c sensors). */
export async function readText(path: string): Promise<TextRead> {
  try {
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (error) {
    return failed(error);
  }
}

/** procfs: synchronous, because hundreds of tiny reads per tick cost far less CPU without the thread pool. */
export function readTextSync(path: string): TextRead {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return failed(error);
  }
}

export async function readTrimmed(path: string): Promise<string | null> {
  const read = await readText(path);
  return read.ok ? read.text.trim() : null;
}

const INTEGER = /^-?\d+$/;

/** A sysfs integer attribute, or null when missing, unreadable or not an integer. */
export async function readInteger(path: string): Promise<number | null> {
  const text = await readTrimmed(path);
  return text !== null ? parseInteger(text) : null;
}

export function parseInteger(text: string): number | null {
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

export type DirList = { ok: true; names: string[] } | { ok: false; failure: ReadFailure; message: string };

export async function listDir(path: string): Promise<DirList> {
  try {
    return { ok: true, names: (await readdir(path)).sort(naturalCompare) };
  } catch (error) {
    return { ok: false, failure: failureOf(error), message: (error as Error).message };
  }
}

export function listDirSync(path: string): DirList {
  try {
    return { ok: true, names: readdirSync(path) };
  } catch (error) {
    return { ok: false, failure: failureOf(error), message: (error as Error).message };
  }
}

export function readLinkSync(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** hwmon2 before hwmon10, temp2 before temp10. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
