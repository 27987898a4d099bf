import type { FieldError, Settings } from '../../main/contract/settings.js';

/** How a form control's text becomes a settings value. */
export type FieldKind =
  | 'number'
  | 'optional-number'
  | 'text'
  | 'optional-text'
  | 'boolean'
  | 'number-list'
  | 'text-list'
  | 'select';

type PathPart = string | number;

/** `alerts.idlePower.warning` → ['alerts','idlePower','warning']; `services[2].ports` → ['services',2,'ports']. */
export function parsePath(path: string): PathPart[] {
  const parts: PathPart[] = [];
  for (const piece of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(piece);
    if (!match) throw new Error(`bad settings path ${path}`);
    if (match[1]) parts.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

/**
 * Text → value. Numbers that do not parse are kept as text so that validateSettings reports
 * "must be a number" against the right field instead of silently saving something else.
 */
export function parseFieldValue(kind: FieldKind, raw: string | boolean): unknown {
  if (kind === 'boolean') return raw === true || raw === 'true';
  const text = String(raw).trim();
  switch (kind) {
    case 'number':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'number-list':
      return text === ''
        ? []
        : text
            .split(/[\s,]+/)
            .filter(Boolean)
            .map((t) => (Number.isFinite(Number(t)) ? Number(t) : t));
    case 'text-list':
      return text === ''
        ? []
        : text
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean);
    case 'optional-text':
      return text === '' ? undefined : text;
    case 'optional-number':
      // Blank means "off": saved as null.
      return text === '' ? null : Number.isFinite(Number(text)) ? Number(text) : text;
    case 'text':
    case 'select':
      return text;
  }
}

/** The text a control shows for a value (inverse of parseFieldValue for well-formed values). */
export function formatFieldValue(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (kind === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** A deep copy with `path` set to `value` (undefined deletes an optional key). */
export function withField(settings: Settings, path: string, value: unknown): Settings {
  const copy = structuredClone(settings) as unknown as Record<PathPart, unknown>;
  const parts = parsePath(path);
  let node: Record<PathPart, unknown> = copy;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (typeof child !== 'object' || child === null) throw new Error(`settings path ${path} does not exist`);
    node = child as Record<PathPart, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy as unknown as Settings;
}

export function readField(settings: Settings, path: string): unknown {
  let node: unknown = settings;
  for (const part of parsePath(path)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PathPart, unknown>)[part];
  }
  return node;
}

/**
 * Assigns each validation error to the closest control: an error on `services[1].ports[0]` belongs
 * to the `services[1].ports` control, `services[1]` to the service's fieldset. Errors no control
 * claims are returned under the empty key, for a summary at the top of the form.
 */
export function errorsByField(
  errors: readonly FieldError[],
  controls: readonly string[],
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const known = new Set(controls);
  for (const error of errors) {
    let field = error.field;
    while (field && !known.has(field)) {
      const trimmed = field.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
      field = trimmed === field ? '' : trimmed;
    }
    const message = field === error.field || field === '' ? error.reason : `${error.field}: ${error.reason}`;
    result.set(field, [
      ...(result.get(field) ?? []),
      field === '' ? `${error.field} ${error.reason}` : message,
    ]);
  }
  return result;
}

/** A blank service for the "Add service" button: the id is unique among `taken`. */
export function blankService(taken: readonly string[]) {
  let n = 1;
  while (taken.includes(`service-${n}`)) n += 1;
  return { id: `service-${n}`, name: '', ports: [] as number[], processNames: [] as string[] };
}
