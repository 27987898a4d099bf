/** A value as `ioreg` prints it: Yes/No, numbers, "strings", <hex data>, (a,b) arrays, {"k"=v} dicts. */
export type IoregValue = boolean | number | string | IoregValue[] | { [key: string]: IoregValue } | HexData;

export interface HexData {
  hex: string;
}

const TWO_64 = 2n ** 64n;
const TWO_63 = 2n ** 63n;

/**
 * Parses one value. ioreg prints signed 64-bit registers as unsigned (18446744073709550563 is -1053),
 * so integers at or above 2^63 are read back as two's complement. Returns null when unparseable.
 */
export function parseIoregValue(text: string): IoregValue | null {
  const parser = new ValueParser(text.trim());
  try {
    const value = parser.value();
    return parser.done() ? value : null;
  } catch {
    return null;
  }
}

class ValueParser {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  value(): IoregValue {
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '{') return this.dict();
    if (c === '(') return this.array();
    if (c === '<') return this.data();
    const start = this.at;
    let end = start;
    while (end < this.text.length && !WORD_END.includes(this.text[end]!)) end++;
    const raw = this.text.slice(start, end);
    const word = raw.trim();
    if (!word) throw new Error('empty value');
    this.at = start + raw.indexOf(word) + word.length;
    if (word === 'Yes') return true;
    if (word === 'No') return false;
    if (/^-?\d+$/.test(word)) return integer(word);
    if (/^-?\d*\.\d+$/.test(word)) return Number(word);
    return word;
  }

  private string(): string {
    const end = this.text.indexOf('"', this.at + 1);
    if (end < 0) throw new Error('unterminated string');
    const value = this.text.slice(this.at + 1, end);
    this.at = end + 1;
    return value;
  }

  private data(): HexData {
    const end = this.text.indexOf('>', this.at);
    if (end < 0) throw new Error('unterminated data');
    const hex = this.text.slice(this.at + 1, end);
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error('bad data');
    this.at = end + 1;
    return { hex };
  }

  private array(): IoregValue[] {
    this.at++;
    const items: IoregValue[] = [];
    while (this.peek() !== ')') {
      items.push(this.value());
      if (this.peek() === ',') this.at++;
      else if (this.peek() !== ')') throw new Error('expected , or )');
    }
    this.at++;
    return items;
  }

  private dict(): { [key: string]: IoregValue } {
    this.at++;
    const dict: { [key: string]: IoregValue } = {};
    while (this.peek() !== '}') {
      const key = this.string();
      if (this.peek() !== '=') throw new Error('expected =');
      this.at++;
      this.skipSpace();
      dict[key] = this.value();
      if (this.peek() === ',') this.at++;
      else if (this.peek() !== '}') throw new Error('expected , or }');
    }
    this.at++;
    return dict;
  }

  private peek(): string | undefined {
    this.skipSpace();
    if (this.at >= this.text.length) throw new Error('unexpected end');
    return this.text[this.at];
  }

  private skipSpace(): void {
    while (this.text[this.at] === ' ') this.at++;
  }
}

/** What ends a bare word: the next item, the end of an array or dictionary, or a key's '='. */
const WORD_END = ',)}=';
/** Up to 15 digits (with the sign) is below 2^53: exact as a Number, far below 2^63. */
const SAFE_DIGITS = 15;

function integer(word: string): number {
  if (word.length <= SAFE_DIGITS) return Number(word) + 0; // + 0: '-0' reads as 0, as through BigInt
  let value = BigInt(word);
  if (value >= TWO_63 && value < TWO_64) value -= TWO_64;
  return Number(value);
}

/**
 * The property blocks of `ioreg -r` output: one object per `{ … }` block of `"Key" = value` lines.
 * Unparseable values are skipped (the author-redacted `ManufacturerData = REDACTED` stays a string).
 * With `keys`, only those properties are parsed: a real battery block carries kilobytes of
 * BatteryData, adapter and cell details that a per-tick reader never looks at.
 */
export function parseIoregBlocks(text: string, keys?: ReadonlySet<string>): Record<string, IoregValue>[] {
  const blocks: Record<string, IoregValue>[] = [];
  let current: Record<string, IoregValue> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^[\s|]+/, '');
    if (line === '{') current = {};
    else if (line === '}') {
      if (current) blocks.push(current);
      current = null;
    } else if (current) {
      const match = /^"([^"]+)" = (.*)$/.exec(line);
      if (!match || (keys && !keys.has(match[1]!))) continue;
      const value = parseIoregValue(match[2]!);
      if (value !== null) current[match[1]!] = value;
    }
  }
  return blocks;
}
