/** `idlewatt parse KIND FILE`: turns captured command output into normalised JSON. */
export type ParseOutcome = { ok: true; value: unknown } | { ok: false; error: string };

export interface ParserEntry {
  kind: string;
  description: string;
  /** When true and the value is an array, one JSON object is printed per line (e.g. per plist document). */
  perDocument?: boolean;
  parse(text: string): ParseOutcome;
}
