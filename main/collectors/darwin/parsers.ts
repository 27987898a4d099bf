import type { ParserEntry } from '../../cli/parsers.js';

/** macOS-side `idlewatt parse` kinds. */
export const DARWIN_PARSERS: ParserEntry[] = [];
