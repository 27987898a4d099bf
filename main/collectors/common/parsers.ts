import type { ParserEntry } from '../../cli/parsers.js';

/** Cross-platform `idlewatt parse` kinds (nvidia-smi, Ollama). */
export const COMMON_PARSERS: ParserEntry[] = [];
