import { parsePowermetricsDocument } from './powermetrics-plist.js';
import type { PowermetricsSample } from './powermetrics-sample.js';

export interface StreamHandlers {
  /** `document` is the sample's plist as powermetrics wrote it (UTF-8), for a recording. */
  onSample(sample: PowermetricsSample, document: Buffer): void;
  /** A document that did not parse: counted and skipped, the stream goes on. */
  onMalformed?(error: string): void;
}

const PLIST = Buffer.from('<plist');

/** Above this, a document without its NUL terminator is garbage, not a slow writer: drop it. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Splits the `powermetrics -f plist` byte stream into documents. Each document ends with a NUL
 * byte; chunks split documents (and UTF-8 characters) anywhere, so the unterminated tail is kept
 * as bytes until its NUL arrives.
 */
export class PowermetricsStreamReader {
  private tail: Buffer[] = [];
  private tailBytes = 0;
  samples = 0;
  malformed = 0;

  constructor(private readonly handlers: StreamHandlers) {}

  push(chunk: Buffer | string): void {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let nul = bytes.indexOf(0);
    while (nul >= 0) {
      this.tail.push(bytes.subarray(0, nul));
      // A document that arrived in one chunk is read where it lies, without a copy.
      this.emit(this.tail.length === 1 ? this.tail[0]! : Buffer.concat(this.tail));
      this.tail = [];
      this.tailBytes = 0;
      bytes = bytes.subarray(nul + 1);
      nul = bytes.indexOf(0);
    }
    if (bytes.length > 0) {
      this.tail.push(bytes);
      this.tailBytes += bytes.length;
      if (this.tailBytes > MAX_DOCUMENT_BYTES) {
        this.tail = [];
        this.tailBytes = 0;
        this.fail(`document larger than ${MAX_DOCUMENT_BYTES} bytes without a NUL terminator`);
      }
    }
  }

  /** The writer closed: a last document without its NUL is still parsed (a file, or `-n` runs). */
  end(): void {
    if (this.tailBytes > 0) this.emit(Buffer.concat(this.tail));
    this.tail = [];
    this.tailBytes = 0;
  }

  /** The bytes go to the extractor undecoded (see extractPlist); only a blank document is decoded. */
  private emit(document: Buffer): void {
    if (!document.includes(PLIST) && document.toString('utf8').trim() === '') return;
    const parsed = parsePowermetricsDocument(document);
    if (parsed.ok) {
      this.samples++;
      this.handlers.onSample(parsed.value, document);
    } else this.fail(parsed.error);
  }

  private fail(error: string): void {
    this.malformed++;
    this.handlers.onMalformed?.(error);
  }
}
