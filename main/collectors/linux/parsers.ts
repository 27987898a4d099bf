import type { ParserEntry } from '../../cli/parsers.js';

/** Linux-side `idlewatt parse` kinds. */
export const LINUX_PARSERS: ParserEntry[] = [];
