import { decodeEntities, type PlistDict, type PlistOutcome, type PlistValue } from './plist.js';

const PLIST_OPEN = Buffer.from('<plist');

/**
 * What to keep of a plist value: all of it, some keys of a dictionary, or a pick applied to every
 * item of an array. A value whose shape does not match its pick is kept whole.
 */
export type PlistPick = 'whole' | { keys: Record<string, PlistPick> } | { items: PlistPick };

/**
 * Reads one XML property list in a single pass and builds only the values `pick` asks for; the rest
 * is checked (well-formed, numbers and dates valid) without being built. It accepts and rejects
 * exactly the documents `parsePlist` does, and what it builds equals the same part of
 * `parsePlist`'s tree (the tests hold it to that on every real capture and on garbled ones), so a
 * broken document is an error, never a partial answer. A powermetrics document is ~260 KB of which
 * IdleWatt reads a few dozen values: building the whole tree costs most of the parse.
 *
 * It reads UTF-8 bytes (what powermetrics writes), so a document need not be decoded first. Tags
 * are ASCII and UTF-8 never puts an ASCII byte inside a multi-byte character, so scanning bytes
 * finds the same tags as scanning the decoded text, and a value decoded on its own equals the same
 * slice of the decoded document. A string is encoded first (lone surrogates become U+FFFD).
 */
export function extractPlist(document: string | Uint8Array, pick: PlistPick): PlistOutcome {
  const bytes = typeof document === 'string' ? Buffer.from(document, 'utf8') : asBuffer(document);
  const start = bytes.indexOf(PLIST_OPEN);
  if (start < 0) return { ok: false, error: 'no <plist> element' };
  const reader = new ExtractReader(bytes, start);
  try {
    reader.expect(OPEN, PLIST);
    const value = reader.picked(pick);
    reader.expect(CLOSE, PLIST);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const OPEN = 0;
const CLOSE = 1;
const EMPTY = 2;
const END = 3;
type Kind = typeof OPEN | typeof CLOSE | typeof EMPTY | typeof END;

/** Element names as small numbers, so the scanner compares numbers instead of strings. */
const OTHER = 0;
const PLIST = 1;
const DICT = 2;
const ARRAY = 3;
const KEY = 4;
const STRING = 5;
const INTEGER = 6;
const REAL = 7;
const DATE = 8;
const DATA = 9;
const TRUE = 10;
const FALSE = 11;
const NAMES = [
  '',
  'plist',
  'dict',
  'array',
  'key',
  'string',
  'integer',
  'real',
  'date',
  'data',
  'true',
  'false',
];

/**
 * A name of up to 7 ASCII characters read as a base-128 number: exact in a double, and distinct
 * for distinct names, so the scanner identifies an element name while it reads it.
 */
function packName(name: string): number {
  let value = 0;
  for (let i = 0; i < name.length; i++) value = value * 128 + name.charCodeAt(i);
  return value;
}
const P_KEY = packName('key');
const P_INTEGER = packName('integer');
const P_REAL = packName('real');
const P_STRING = packName('string');
const P_DICT = packName('dict');
const P_ARRAY = packName('array');
const P_TRUE = packName('true');
const P_FALSE = packName('false');
const P_DATE = packName('date');
const P_DATA = packName('data');
const P_PLIST = packName('plist');

function nameCode(packed: number): number {
  if (packed === P_KEY) return KEY;
  if (packed === P_INTEGER) return INTEGER;
  if (packed === P_REAL) return REAL;
  if (packed === P_STRING) return STRING;
  if (packed === P_DICT) return DICT;
  if (packed === P_ARRAY) return ARRAY;
  if (packed === P_TRUE) return TRUE;
  if (packed === P_FALSE) return FALSE;
  if (packed === P_DATE) return DATE;
  if (packed === P_DATA) return DATA;
  if (packed === P_PLIST) return PLIST;
  return OTHER;
}

/** 2: may start a name ([A-Za-z]); 1: may continue one ([\w.-]); 0: neither. */
const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  NAME_CHAR[c] = /[A-Za-z]/.test(ch) ? 2 : /[\w.-]/.test(ch) ? 1 : 0;
}

function bytesAt(b: Uint8Array, start: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Keys of a pick, grouped by length so a key in the text is compared in place, without a copy. */
interface KeyEntry {
  key: string;
  bytes: Uint8Array;
  pick: PlistPick;
}

class KeyTable {
  private readonly byLength: (KeyEntry[] | undefined)[] = [];
  constructor(readonly keys: Record<string, PlistPick>) {
    for (const [key, pick] of Object.entries(keys)) {
      const bytes = Buffer.from(key);
      (this.byLength[bytes.length] ??= []).push({ key, bytes, pick });
    }
  }

  find(b: Uint8Array, start: number, end: number): KeyEntry | undefined {
    const list = this.byLength[end - start];
    if (list === undefined) return undefined;
    for (const entry of list) if (bytesAt(b, start, entry.bytes)) return entry;
    return undefined;
  }
}

const tables = new WeakMap<object, KeyTable>();
function tableOf(pick: { keys: Record<string, PlistPick> }): KeyTable {
  let table = tables.get(pick);
  if (!table) tables.set(pick, (table = new KeyTable(pick.keys)));
  return table;
}

/**
 * The tag scanner and grammar of `parsePlist` (same tag pattern, same rules), with one tag of
 * look-ahead instead of a token array.
 */
class ExtractReader {
  kind: Kind = END;
  /** The current tag's name as a code (OTHER for names a plist does not use). */
  private code = OTHER;
  /** Where the current tag starts (its '<') and ends (after its '>'). */
  private tagStart = 0;
  private tagEnd = 0;
  private nameStart = 0;
  private nameEnd = 0;
  /** The text of the element element() read last. */
  private textStart = 0;
  private textEnd = 0;
  private textHasAmpersand = false;

  constructor(
    private readonly b: Buffer,
    start: number,
  ) {
    this.tagEnd = start;
    this.advance();
  }

  /**
   * Moves to the next tag as `/<(\/?)([A-Za-z][\w.-]*)[^>]*?(\/?)>/g` finds it: a '<' not followed
   * by a name is text, and once no '>' follows there are no more tags.
   */
  private advance(): void {
    const b = this.b;
    const length = b.length;
    let lt = this.tagEnd;
    for (;;) {
      while (lt < length && b[lt] !== 60 /* < */) lt++;
      if (lt >= length) break;
      let name = lt + 1;
      const close = b[name] === 47; /* / */
      if (close) name++;
      const known = knownTag(b, name);
      if (known !== 0) {
        const gt = name + (known >> 4);
        this.kind = close ? CLOSE : OPEN;
        this.code = known & 15;
        this.tagStart = lt;
        this.tagEnd = gt + 1;
        this.nameStart = name;
        this.nameEnd = gt;
        return;
      }
      let packed = b[name]!;
      if (NAME_CHAR[packed] !== 2) {
        lt++;
        continue;
      }
      let nameEnd = name + 1;
      while (nameEnd < length) {
        const c = b[nameEnd]!;
        if (NAME_CHAR[c] === 0) break;
        packed = packed * 128 + c;
        nameEnd++;
      }
      let gt = nameEnd;
      while (gt < length && b[gt] !== 62 /* > */) gt++;
      if (gt >= length) break;
      this.kind = close ? CLOSE : b[gt - 1] === 47 ? EMPTY : OPEN;
      this.code = nameEnd - name <= 7 ? nameCode(packed) : OTHER;
      this.tagStart = lt;
      this.tagEnd = gt + 1;
      this.nameStart = name;
      this.nameEnd = nameEnd;
      return;
    }
    this.kind = END;
    this.code = OTHER;
    this.tagStart = length;
  }

  /**
   * Reads `<name>text</name>` (the current tag must be that open tag), leaving the text's bounds in
   * textStart/textEnd and the reader on the tag after the close tag. Usually the next '<' begins
   * exactly `</name>`, which is then the next tag; otherwise the scanner decides.
   */
  private element(code: number): void {
    if (this.kind !== OPEN || this.code !== code) this.expect(OPEN, code);
    const b = this.b;
    const start = this.tagEnd;
    const length = b.length;
    let lt = start;
    let amp = false;
    if (code === KEY) {
      for (let c = b[lt]; lt < length && c !== 60 /* < */; c = b[++lt]) if (c === 38 /* & */) amp = true;
    } else {
      while (lt < length && b[lt] !== 60 /* < */) lt++;
    }
    this.textStart = start;
    this.textHasAmpersand = amp;
    if (b[lt + 1] === 47 /* / */) {
      const known = knownTag(b, lt + 2);
      if ((known & 15) === code) {
        this.textEnd = lt;
        this.tagEnd = lt + 3 + (known >> 4);
        this.advance();
        return;
      }
    }
    this.advance();
    this.textEnd = this.tagStart;
    this.textHasAmpersand = hasAmpersand(b, start, this.textEnd);
    this.expect(CLOSE, code);
  }

  private name(): string {
    return this.b.toString('latin1', this.nameStart, this.nameEnd);
  }

  /** The text between start and end, decoded as the whole document would be. */
  private text(start: number, end: number): string {
    return this.b.toString('utf8', start, end);
  }

  private describe(): string {
    if (this.kind === END) return 'end of document';
    return this.kind === CLOSE ? `</${this.name()}>` : `<${this.name()}${this.kind === EMPTY ? '/' : ''}>`;
  }

  expect(kind: typeof OPEN | typeof CLOSE, code: number): void {
    if (this.kind !== kind || this.code !== code) {
      throw new Error(`expected ${kind === CLOSE ? '</' : '<'}${NAMES[code]}> but found ${this.describe()}`);
    }
    this.advance();
  }

  private at(kind: Kind, code: number): boolean {
    if (this.kind === END) throw new Error(`document ends inside <${NAMES[code]}>`);
    return this.kind === kind && this.code === code;
  }

  /** The current value, built as far as `pick` asks and checked beyond that. */
  picked(pick: PlistPick): PlistValue {
    if (pick !== 'whole' && this.kind === OPEN) {
      if ('keys' in pick && this.code === DICT) return this.pickedDict(tableOf(pick));
      if ('items' in pick && this.code === ARRAY) return this.pickedArray(pick.items);
    }
    return this.value();
  }

  private pickedDict(table: KeyTable): PlistDict {
    this.advance();
    const dict: PlistDict = {};
    const b = this.b;
    while (!this.at(CLOSE, DICT)) {
      this.element(KEY);
      const keyStart = this.textStart;
      const keyEnd = this.textEnd;
      const entry = table.find(b, keyStart, keyEnd);
      if (entry) dict[entry.key] = this.picked(entry.pick);
      else if (this.textHasAmpersand) {
        const key = decodeEntities(this.text(keyStart, keyEnd));
        if (Object.hasOwn(table.keys, key)) dict[key] = this.picked(table.keys[key]!);
        else this.skip();
      } else this.skip();
    }
    this.advance();
    return dict;
  }

  private pickedArray(pick: PlistPick): PlistValue[] {
    this.advance();
    const items: PlistValue[] = [];
    while (!this.at(CLOSE, ARRAY)) items.push(this.picked(pick));
    this.advance();
    return items;
  }

  /** `parsePlist`'s value(): the current value, built. */
  private value(): PlistValue {
    if (this.kind === END) throw new Error('document ends early');
    if (this.kind === EMPTY) {
      const value = this.emptyValue();
      this.advance();
      return value;
    }
    if (this.kind !== OPEN) throw new Error(`unexpected ${this.describe()}`);
    switch (this.code) {
      case DICT: {
        this.advance();
        const dict: PlistDict = {};
        while (!this.at(CLOSE, DICT)) {
          const key = this.scalar(KEY, true) as string;
          dict[key] = this.value();
        }
        this.advance();
        return dict;
      }
      case ARRAY: {
        this.advance();
        const items: PlistValue[] = [];
        while (!this.at(CLOSE, ARRAY)) items.push(this.value());
        this.advance();
        return items;
      }
      default:
        return this.scalar(this.code, true)!;
    }
  }

  /** The same checks as value() without building anything. */
  private skip(): void {
    if (this.kind === END) throw new Error('document ends early');
    if (this.kind === EMPTY) {
      this.emptyValue();
      this.advance();
      return;
    }
    if (this.kind !== OPEN) throw new Error(`unexpected ${this.describe()}`);
    switch (this.code) {
      case DICT:
        this.advance();
        while (!this.at(CLOSE, DICT)) {
          this.scalar(KEY, false);
          this.skip();
        }
        this.advance();
        return;
      case ARRAY:
        this.advance();
        while (!this.at(CLOSE, ARRAY)) this.skip();
        this.advance();
        return;
      default:
        this.scalar(this.code, false);
    }
  }

  private scalar(code: number, build: boolean): PlistValue | null {
    if (code === OTHER) throw new Error(`unknown element <${this.name()}>`);
    this.element(code);
    const start = this.textStart;
    const end = this.textEnd;
    switch (code) {
      case KEY:
      case STRING:
        if (!build) return null;
        return hasAmpersand(this.b, start, end)
          ? decodeEntities(this.text(start, end))
          : this.text(start, end);
      case INTEGER:
      case REAL: {
        if (isPlainNumber(this.b, start, end)) {
          if (!build) return null;
          const exact = plainNumberValue(this.b, start, end);
          if (exact !== null) return exact;
        }
        const raw = this.text(start, end).trim();
        const n = Number(raw);
        if (raw === '' || !Number.isFinite(n)) throw new Error(`bad <${NAMES[code]}> value '${raw}'`);
        return n;
      }
      case DATE: {
        const raw = this.text(start, end).trim();
        const date = new Date(raw);
        if (Number.isNaN(date.getTime())) throw new Error(`bad <date> value '${raw}'`);
        return build ? date : null;
      }
      case DATA:
        return build
          ? Uint8Array.from(Buffer.from(this.text(start, end).replace(/\s+/g, ''), 'base64'))
          : null;
      default:
        throw new Error(`unknown element <${NAMES[code]}>`);
    }
  }

  private emptyValue(): PlistValue {
    switch (this.code) {
      case TRUE:
        return true;
      case FALSE:
        return false;
      case STRING:
      case KEY:
        return '';
      case DICT:
        return {};
      case ARRAY:
        return [];
      default:
        throw new Error(`unexpected empty element <${this.name()}/>`);
    }
  }
}

/**
 * The common tags `<key>`, `<integer>`, `<real>`, `<string>`, `<dict>`, `<array>`, `<date>` and
 * `<data>` (open or close, with no attributes) recognised from their bytes alone: the name's length
 * times 16 plus its code, or 0 for anything else, which the general scanner then reads. A known name
 * directly followed by '>' is exactly what the tag pattern would find. Reading four bytes as one
 * number replaces four comparisons; a read past the end gives undefined, which `|` and `<<` treat as
 * 0, and no known word holds a 0 byte.
 */
function knownTag(b: Uint8Array, name: number): number {
  const word = b[name]! | (b[name + 1]! << 8) | (b[name + 2]! << 16) | (b[name + 3]! << 24);
  const next = b[name + 4];
  switch (word) {
    case W_KEY_GT:
      return 0x30 | KEY;
    case W_INTE:
      return (b[name + 4]! | (b[name + 5]! << 8) | (b[name + 6]! << 16) | (b[name + 7]! << 24)) === W_GER_GT
        ? 0x70 | INTEGER
        : 0;
    case W_REAL:
      return next === 62 ? 0x40 | REAL : 0;
    case W_STRI:
      return next === 110 && b[name + 5] === 103 && b[name + 6] === 62 ? 0x60 | STRING : 0;
    case W_DICT:
      return next === 62 ? 0x40 | DICT : 0;
    case W_DATE:
      return next === 62 ? 0x40 | DATE : 0;
    case W_DATA:
      return next === 62 ? 0x40 | DATA : 0;
    case W_ARRA:
      return next === 121 && b[name + 5] === 62 ? 0x50 | ARRAY : 0;
    default:
      return 0;
  }
}

/** Four ASCII characters as the little-endian int32 knownTag reads. */
function word(text: string): number {
  return (
    text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24)
  );
}
const W_KEY_GT = word('key>');
const W_INTE = word('inte');
const W_GER_GT = word('ger>');
const W_REAL = word('real');
const W_STRI = word('stri');
const W_DICT = word('dict');
const W_DATE = word('date');
const W_DATA = word('data');
const W_ARRA = word('arra');

function hasAmpersand(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] === 38) return true;
  return false;
}

/**
 * True for the common shape `-?digits(.digits)?` (short enough to stay finite), which Number()
 * always accepts; anything else goes through Number() itself.
 */
function isPlainNumber(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (b[i] === 45) i++;
  const digitsStart = i;
  while (i < end && isDigit(b[i]!)) i++;
  if (i === digitsStart) return false;
  if (i < end && b[i] === 46) {
    i++;
    while (i < end && isDigit(b[i]!)) i++;
  }
  return i === end && end - start <= 300;
}

/** 10^0 … 10^22: every one exactly representable in a double. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The value of a plain number (see isPlainNumber) read from its bytes, without making a string:
 * digits as an integer mantissa m and the count k of digits after the point. When m < 2^53 and
 * k ≤ 22, m and 10^k are exact doubles and m / 10^k is the correctly rounded quotient, which is what
 * Number() returns for the same text. Otherwise null: Number() decides.
 */
function plainNumberValue(b: Uint8Array, start: number, end: number): number | null {
  let i = start;
  const negative = b[i] === 45;
  if (negative) i++;
  let mantissa = 0;
  let fractionDigits = 0;
  let afterPoint = false;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 46) {
      afterPoint = true;
      continue;
    }
    mantissa = mantissa * 10 + (c - 48);
    if (afterPoint) fractionDigits++;
  }
  if (mantissa >= 2 ** 53 || fractionDigits > 22) return null;
  const magnitude = fractionDigits === 0 ? mantissa : mantissa / EXACT_POWERS_OF_TEN[fractionDigits]!;
  return negative ? -magnitude : magnitude;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
