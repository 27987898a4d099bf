/**
 * A byte-bounded memo of decoded segment files. An entry is served only while the file's version
 * (from the file system: size, mtime, inode) is the one it was decoded from, so appends, rewrites,
 * quarantine and deletion by this or another process never yield stale data.
 *
 * Least recently used entries go first, but never ones the current query has used: a query that
 * needs more than the budget keeps what fits and reads the rest from disk, instead of evicting its
 * own segments in a loop.
 */
export class SegmentCache<T extends { bytes: number }> {
  private readonly entries = new Map<string, { version: string; value: T; usedIn: number }>();
  private query = 0;
  private held = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Starts a query: what it uses from now on is protected from eviction until the next one starts. */
  beginQuery(): void {
    this.query += 1;
  }

  get(file: string, version: string): T | undefined {
    const entry = this.entries.get(file);
    if (!entry) return undefined;
    if (entry.version !== version) {
      this.delete(file);
      return undefined;
    }
    this.entries.delete(file);
    this.entries.set(file, entry);
    entry.usedIn = this.query;
    return entry.value;
  }

  /** Keeps `value` if it fits the budget after evicting entries the current query has not used. */
  set(file: string, version: string, value: T): boolean {
    this.delete(file);
    if (value.bytes > this.maxBytes) return false;
    for (const [name, entry] of this.entries) {
      if (this.held + value.bytes <= this.maxBytes) break;
      if (entry.usedIn !== this.query) this.delete(name);
    }
    if (this.held + value.bytes > this.maxBytes) return false;
    this.entries.set(file, { version, value, usedIn: this.query });
    this.held += value.bytes;
    return true;
  }

  delete(file: string): void {
    const entry = this.entries.get(file);
    if (!entry) return;
    this.entries.delete(file);
    this.held -= entry.value.bytes;
  }
}
