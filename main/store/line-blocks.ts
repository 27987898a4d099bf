const NEWLINE = 0x0a;

export interface LineBlocks {
  /** Text of whole lines, each ending in '\n'; the last block may end in a partial line instead. */
  blocks: AsyncIterable<string>;
  /** Lines longer than the limit, skipped without ever being held whole (read after the blocks). */
  readonly oversize: number;
}

/**
 * Splits a file's chunks into blocks of whole lines, decoding only at line ends (so a character
 * split between chunks stays whole). A line longer than `maxLineBytes` is skipped and counted, never
 * held: a segment larger than a string, or one huge line, leaves the other lines readable.
 */
export function lineBlocks(chunks: AsyncIterable<Uint8Array>, maxLineBytes: number): LineBlocks {
  const state = { oversize: 0 };
  async function* blocks(): AsyncGenerator<string> {
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let skipping = false;
    for await (const chunk of chunks) {
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let pos = 0;
      if (skipping) {
        const end = buf.indexOf(NEWLINE);
        if (end < 0) continue;
        skipping = false;
        pos = end + 1;
      }
      const last = buf.lastIndexOf(NEWLINE);
      if (last < pos) {
        carryBytes += buf.length - pos;
        if (carryBytes > maxLineBytes) {
          state.oversize += 1;
          carry = [];
          carryBytes = 0;
          skipping = true;
        } else if (pos < buf.length) carry.push(Buffer.from(buf.subarray(pos)));
        continue;
      }
      const firstEnd = buf.indexOf(NEWLINE, pos);
      if (carryBytes + firstEnd - pos > maxLineBytes) {
        // The line the carry began is too long: skip it, keep the whole lines after it.
        state.oversize += 1;
        carry = [];
        carryBytes = 0;
        pos = firstEnd + 1;
      }
      const whole = buf.subarray(pos, last + 1);
      const text =
        carry.length > 0 ? Buffer.concat([...carry, whole]).toString('utf8') : whole.toString('utf8');
      carry = last + 1 < buf.length ? [Buffer.from(buf.subarray(last + 1))] : [];
      carryBytes = buf.length - (last + 1);
      if (text !== '') yield text;
    }
    if (carry.length > 0) yield Buffer.concat(carry).toString('utf8');
  }
  return {
    blocks: blocks(),
    get oversize() {
      return state.oversize;
    },
  };
}

/** Lines in a chunk are never longer than the chunk: chunks no longer than the limit keep it exact. */
export function chunkBytesFor(maxLineBytes: number, preferred = 1024 * 1024): number {
  return Math.max(1, Math.min(preferred, maxLineBytes));
}
