import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  appendFile,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  stat,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';

/**
 * The file operations the history store needs, injectable so tests can simulate a full or
 * read-only disk. Missing files and folders are values (null / []), not errors.
 */
export interface StoreFs {
  mkdirp(path: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  read(path: string): Promise<string | null>;
  /**
   * The file's bytes from `start` on, in chunks of at most `chunkBytes`, so a file larger than a
   * string can be read line by line (null: missing). Without it the store reads whole files.
   */
  readChunks?(path: string, start: number, chunkBytes: number): Promise<AsyncIterable<Uint8Array> | null>;
  append(path: string, data: string): Promise<void>;
  /**
   * Appends at once (one write call), creating the file and its folder if needed; a failed write
   * leaves the file as it was. Lets the store put a sample on disk the moment it is taken.
   */
  appendSync?(path: string, data: string): void;
  write(path: string, data: string): Promise<void>;
  size(path: string): Promise<number | null>;
  truncate(path: string, size: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /**
   * A token that changes whenever the file's content may have (null: missing). Without it the
   * store decodes segment files on every query instead of caching them.
   */
  version?(path: string): Promise<string | null>;
}

export const PRIVATE_FILE_MODE = 0o600;

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

export const nodeStoreFs: StoreFs = {
  mkdirp: async (path) => {
    // History is the user's activity log: private, like the data directory.
    await mkdir(path, { recursive: true, mode: 0o700 });
  },
  list: async (dir) => {
    try {
      return await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  },
  read: async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
  readChunks: async (path, start, chunkBytes) => {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    // The stream closes the handle when it ends, fails or is abandoned by its reader.
    return handle.createReadStream({ start, highWaterMark: chunkBytes });
  },
  // Private whatever the folder's mode or the umask: history is the user's activity log.
  append: (path, data) => appendFile(path, data, { encoding: 'utf8', mode: PRIVATE_FILE_MODE }),
  write: (path, data) => writeFile(path, data, { encoding: 'utf8', mode: PRIVATE_FILE_MODE }),
  appendSync: (path, data) => {
    let fd: number;
    try {
      fd = openSync(path, 'a', PRIVATE_FILE_MODE);
    } catch (error) {
      if (!isMissing(error)) throw error;
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      fd = openSync(path, 'a', PRIVATE_FILE_MODE);
    }
    try {
      const sizeBefore = fstatSync(fd).size;
      try {
        const bytes = Buffer.from(data, 'utf8');
        let written = 0;
        while (written < bytes.length) written += writeSync(fd, bytes, written);
      } catch (error) {
        ftruncateSync(fd, sizeBefore);
        throw error;
      }
    } finally {
      closeSync(fd);
    }
  },
  size: async (path) => {
    try {
      return (await stat(path)).size;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
  truncate: (path, size) => truncate(path, size),
  rename: (from, to) => rename(from, to),
  remove: async (path) => {
    try {
      await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  },
  version: async (path) => {
    try {
      const s = await stat(path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  },
};

/** "ENOSPC (no space left on device)" style text for health() and CLI errors. */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const hints: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a path component is not a folder',
    EEXIST: 'a file is in the way',
    EDQUOT: 'disk quota exceeded',
  };
  if (e && typeof e.code === 'string') return hints[e.code] ? `${e.code} (${hints[e.code]})` : e.code;
  return e instanceof Error ? e.message : String(error);
}

/**
 * A StoreFs held in memory: the history store uses it when there is no data directory, so the
 * memory-only mode runs the same code paths as the on-disk one.
 */
export function memoryStoreFs(): StoreFs {
  const files = new Map<string, string>();
  /** Bumped on every change; a deleted and recreated file never gets an old version back. */
  const versions = new Map<string, number>();
  let changes = 0;
  const set = (path: string, text: string): void => {
    files.set(path, text);
    versions.set(path, (changes += 1));
  };
  const parentOf = (path: string): string => path.slice(0, path.lastIndexOf('/'));
  const enoent = (path: string): Error =>
    Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' } satisfies Partial<NodeJS.ErrnoException>);
  return {
    mkdirp: async () => {},
    list: async (dir) =>
      [...files.keys()].filter((p) => parentOf(p) === dir).map((p) => p.slice(dir.length + 1)),
    read: async (path) => files.get(path) ?? null,
    readChunks: async (path, start, chunkBytes) => {
      const text = files.get(path);
      if (text === undefined) return null;
      const bytes = Buffer.from(text, 'utf8');
      return (async function* () {
        for (let at = start; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
      })();
    },
    append: async (path, data) => {
      set(path, (files.get(path) ?? '') + data);
    },
    write: async (path, data) => {
      set(path, data);
    },
    size: async (path) => {
      const text = files.get(path);
      return text === undefined ? null : Buffer.byteLength(text);
    },
    truncate: async (path, size) => {
      const text = files.get(path);
      if (text === undefined) throw enoent(path);
      set(path, Buffer.from(text).subarray(0, size).toString('utf8'));
    },
    rename: async (from, to) => {
      const text = files.get(from);
      if (text === undefined) throw enoent(from);
      files.delete(from);
      versions.delete(from);
      set(to, text);
    },
    remove: async (path) => {
      files.delete(path);
      versions.delete(path);
    },
    version: async (path) => {
      const version = versions.get(path);
      return version === undefined ? null : String(version);
    },
  };
}
