import type { ParserEntry } from '../types.js';
import { parseOllamaPs } from './ollama.js';

/** Cross-platform `idlewatt parse` kinds (Ollama). */
export const COMMON_PARSERS: ParserEntry[] = [
  {
    kind: 'ollama-ps',
    description: "Ollama's GET /api/ps JSON (loaded models)",
    parse: (text) => parseOllamaPs(text),
  },
];
