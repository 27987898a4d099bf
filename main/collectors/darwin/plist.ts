/** A plist (XML) value: what Apple's property-list format can hold. */
export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | PlistDict;
export interface PlistDict {
  [key: string]: PlistValue;
}

export type PlistOutcome = { ok: true; value: PlistValue } | { ok: false; error: string };

interface Token {
  kind: 'open' | 'close' | 'empty';
  name: string;
  /** Text between this tag and the next one. */
  text: string;
}

const TAG = /<(\/?)([A-Za-z][\w.-]*)[^>]*?(\/?)>/g;

/**
 * Parses one XML property list. Written for powermetrics' output (hundreds of KB per sample, read
 * every second), so it walks the tags once instead of building a generic XML tree.
 */
export function parsePlist(text: string): PlistOutcome {
  const start = text.indexOf('<plist');
  if (start < 0) return { ok: false, error: 'no <plist> element' };
  const tokens: Token[] = [];
  TAG.lastIndex = start;
  let match: RegExpExecArray | null;
  let previous: Token | null = null;
  let previousEnd = start;
  while ((match = TAG.exec(text)) !== null) {
    if (previous) previous.text = text.slice(previousEnd, match.index);
    const kind = match[1] ? 'close' : match[3] ? 'empty' : 'open';
    previous = { kind, name: match[2]!, text: '' };
    tokens.push(previous);
    previousEnd = TAG.lastIndex;
  }
  const reader = new TokenReader(tokens);
  try {
    reader.expect('open', 'plist');
    const value = reader.value();
    reader.expect('close', 'plist');
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

class TokenReader {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  expect(kind: Token['kind'], name: string): Token {
    const token = this.tokens[this.index];
    if (!token || token.kind !== kind || token.name !== name) {
      throw new Error(`expected ${kind === 'close' ? '</' : '<'}${name}> but found ${describe(token)}`);
    }
    this.index++;
    return token;
  }

  value(): PlistValue {
    const token = this.tokens[this.index];
    if (!token) throw new Error('document ends early');
    if (token.kind === 'empty') {
      this.index++;
      return emptyValue(token.name);
    }
    if (token.kind !== 'open') throw new Error(`unexpected ${describe(token)}`);
    switch (token.name) {
      case 'dict':
        return this.dict();
      case 'array':
        return this.array();
      default:
        return this.scalar(token.name);
    }
  }

  private dict(): PlistDict {
    this.expect('open', 'dict');
    const dict: PlistDict = {};
    while (!this.at('close', 'dict')) {
      const key = this.scalar('key');
      dict[key as string] = this.value();
    }
    this.expect('close', 'dict');
    return dict;
  }

  private array(): PlistValue[] {
    this.expect('open', 'array');
    const items: PlistValue[] = [];
    while (!this.at('close', 'array')) items.push(this.value());
    this.expect('close', 'array');
    return items;
  }

  private scalar(name: string): PlistValue {
    const open = this.expect('open', name);
    this.expect('close', name);
    const raw = open.text;
    switch (name) {
      case 'key':
      case 'string':
        return decodeEntities(raw);
      case 'integer':
      case 'real': {
        const n = Number(raw.trim());
        if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`bad <${name}> value '${raw.trim()}'`);
        return n;
      }
      case 'date': {
        const date = new Date(raw.trim());
        if (Number.isNaN(date.getTime())) throw new Error(`bad <date> value '${raw.trim()}'`);
        return date;
      }
      case 'data':
        return Uint8Array.from(Buffer.from(raw.replace(/\s+/g, ''), 'base64'));
      default:
        throw new Error(`unknown element <${name}>`);
    }
  }

  private at(kind: Token['kind'], name: string): boolean {
    const token = this.tokens[this.index];
    if (!token) throw new Error(`document ends inside <${name}>`);
    return token.kind === kind && token.name === name;
  }
}

function emptyValue(name: string): PlistValue {
  switch (name) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'string':
    case 'key':
      return '';
    case 'dict':
      return {};
    case 'array':
      return [];
    default:
      throw new Error(`unexpected empty element <${name}/>`);
  }
}

function describe(token: Token | undefined): string {
  if (!token) return 'end of document';
  return token.kind === 'close' ? `</${token.name}>` : `<${token.name}${token.kind === 'empty' ? '/' : ''}>`;
}

export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (entity, body: string) => {
    switch (body) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const code = body.startsWith('#x') ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
    }
  });
}

export function isDict(value: PlistValue | undefined): value is PlistDict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

export function numberAt(dict: PlistDict | undefined, key: string): number | undefined {
  const value = dict?.[key];
  return typeof value === 'number' ? value : undefined;
}

export function stringAt(dict: PlistDict | undefined, key: string): string | undefined {
  const value = dict?.[key];
  return typeof value === 'string' ? value : undefined;
}
